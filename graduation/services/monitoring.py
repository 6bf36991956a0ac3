"""Post-graduation monitoring visits."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from graduation.models import MonitoringOutcome, MonitoringVisit, PipelineEntry, Stage
from graduation.services.checks import not_in_future, require_family_facilitator
from graduation.services.pipeline import pipeline_move


@transaction.atomic
def monitoring_record(
    *, visit: MonitoringVisit, by: User, done_on: datetime.date, outcome: str, note: str = ""
) -> MonitoringVisit:
    """Record a post-graduation check: still self-reliant, or fallen back."""
    household = visit.graduation.household
    require_family_facilitator(household, by)
    not_in_future(done_on, "done_on")
    if outcome not in MonitoringOutcome.values:
        raise ValidationError({"outcome": _("Pilih hasil pemantauan.")})
    if done_on < visit.graduation.date:
        raise ValidationError({"done_on": _("Tanggal kunjungan sebelum tanggal graduasi.")})
    recorded = MonitoringVisit.objects.filter(pk=visit.pk, done_on__isnull=True).update(
        done_on=done_on, outcome=outcome, note=note.strip(), recorded_by=by
    )
    if not recorded:
        raise ValidationError(_("Pemantauan ini sudah dicatat."))
    visit.refresh_from_db()
    entry = PipelineEntry.objects.filter(household=household).first()
    if entry is not None and entry.stage in (Stage.GRADUATED, Stage.MONITORED):
        label = MonitoringOutcome(outcome).label
        pipeline_move(
            entry,
            stage=Stage.MONITORED,
            date=done_on,
            by=by,
            note=_("Pemantauan bulan ke-%(m)d: %(outcome)s")
            % {"m": visit.months_after, "outcome": label},
        )
    return visit
