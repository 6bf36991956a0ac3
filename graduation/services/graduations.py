"""A family leaving PKH: status, graduation record, monitoring visits, pipeline."""

from __future__ import annotations

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from graduation.models import (
    GRADUATION_EXIT_TYPES,
    Graduation,
    GraduationProposal,
    GraduationSource,
    MonitoringVisit,
    PipelineEntry,
    Stage,
)
from graduation.selectors.natural import natural_graduation_reasons, natural_graduation_scope
from graduation.services.checks import lock_household, not_in_future, require_family_facilitator
from graduation.services.pipeline import pipeline_move
from households.models import ExitType, Household, HouseholdStatus
from households.services import household_status_set

MONITORING_MONTHS = (3, 6, 12)


def add_months(day: datetime.date, months: int) -> datetime.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def household_graduate(
    *,
    household: Household,
    exit_type: str,
    date: datetime.date,
    reason: str,
    source: str,
    by: User,
    proposal: GraduationProposal | None = None,
) -> Graduation:
    """Set the family's status (with history by ``by``), record the graduation, schedule
    monitoring visits and move its pipeline entry. The caller holds a transaction."""
    household = lock_household(household)
    if household.status not in (HouseholdStatus.ACTIVE, HouseholdStatus.SUSPENDED):
        raise ValidationError(_("Keluarga ini sudah tidak aktif di PKH."))
    not_in_future(date, "graduation_date")
    graduated = exit_type in GRADUATION_EXIT_TYPES
    household = household_status_set(
        household=household,
        by=by,
        status=HouseholdStatus.GRADUATED if graduated else HouseholdStatus.EXITED,
        date=date,
        reason=reason[:200],
        exit_type=exit_type,
    )
    graduation = Graduation.objects.create(
        household=household,
        exit_type=exit_type,
        date=date,
        reason=reason[:200],
        source=source,
        proposal=proposal,
        facilitator_id=household.facilitator_id,
        recorded_by=by,
    )
    if graduated:
        MonitoringVisit.objects.bulk_create(
            MonitoringVisit(graduation=graduation, months_after=m, due_on=add_months(date, m))
            for m in MONITORING_MONTHS
        )
    entry = PipelineEntry.objects.filter(household=household).first()
    if entry is not None:
        pipeline_move(entry, stage=Stage.GRADUATED, date=date, by=by, note=reason)
    return graduation


@transaction.atomic
def natural_graduation_confirm(
    *, household: Household, by: User, date: datetime.date | None = None
) -> Graduation:
    """Confirm a detected natural graduation (graduasi alamiah) of ``household``.

    Re-checks the detection for this family, so a list that went stale (a member's data
    was corrected meanwhile) cannot graduate a family that still has a component."""
    require_family_facilitator(household, by)
    date = date or timezone.localdate()
    if not natural_graduation_scope(Household.objects.filter(pk=household.pk)).exists():
        raise ValidationError(
            _(
                "Keluarga ini masih punya anggota dengan komponen yang berlaku; tidak graduasi alamiah."
            )
        )
    reasons = natural_graduation_reasons([household.pk]).get(household.pk, [])
    reason = _("Graduasi alamiah: %(reasons)s") % {"reasons": "; ".join(reasons) or "-"}
    return household_graduate(
        household=household,
        exit_type=ExitType.GRADUASI_ALAMIAH,
        date=date,
        reason=reason,
        source=GraduationSource.NATURAL,
        by=by,
    )
