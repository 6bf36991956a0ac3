"""Writes of the self-graduation pipeline."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from graduation.models import MANUAL_STAGES, Objection, PipelineEntry, PipelineEvent, Stage
from graduation.services.checks import lock_household, not_in_future, require_family_facilitator
from households.models import Household, HouseholdStatus


def pipeline_move(
    entry: PipelineEntry,
    *,
    stage: str,
    date: datetime.date,
    by: User,
    note: str = "",
    objection=None,
) -> PipelineEvent:
    changed = stage != entry.stage
    if changed:
        entry.stage, entry.stage_since = stage, date
        entry.save(update_fields=["stage", "stage_since", "updated_at"])
    return PipelineEvent.objects.create(
        entry=entry,
        stage=stage,
        stage_changed=changed,
        date=date,
        note=note.strip(),
        objection=objection,
        by=by,
    )


@transaction.atomic
def pipeline_add(
    *,
    household: Household,
    by: User,
    stage: str = Stage.TARGETED,
    date: datetime.date | None = None,
    note: str = "",
) -> PipelineEntry:
    """Put a family on the self-graduation pipeline (usually: make it a target)."""
    require_family_facilitator(household, by)
    date = date or timezone.localdate()
    not_in_future(date, "date")
    if stage not in MANUAL_STAGES:
        raise ValidationError({"stage": _("Tahap ini tidak dapat dipilih langsung.")})
    household = lock_household(household)
    if household.status != HouseholdStatus.ACTIVE:
        raise ValidationError(_("Hanya keluarga aktif yang dapat masuk tahapan graduasi."))
    if PipelineEntry.objects.filter(household=household).exists():
        raise ValidationError(_("Keluarga ini sudah ada di tahapan graduasi."))
    entry = PipelineEntry.objects.create(
        household=household, stage=stage, stage_since=date, created_by=by
    )
    PipelineEvent.objects.create(
        entry=entry, stage=stage, stage_changed=True, date=date, note=note.strip(), by=by
    )
    return entry


@transaction.atomic
def pipeline_record(
    *,
    entry: PipelineEntry,
    by: User,
    stage: str,
    date: datetime.date,
    note: str = "",
    objection: Objection | None = None,
) -> PipelineEvent:
    """A note on a family's pipeline, optionally moving it to another manual stage."""
    require_family_facilitator(entry.household, by)
    not_in_future(date, "date")
    entry = PipelineEntry.objects.select_for_update().get(pk=entry.pk)
    if stage != entry.stage:
        if stage not in MANUAL_STAGES:
            raise ValidationError({"stage": _("Tahap ini diatur oleh usulan dan keputusan.")})
        if entry.stage not in MANUAL_STAGES:
            raise ValidationError(
                {"stage": _("Tahap keluarga ini sekarang mengikuti usulan; tidak dapat diubah.")}
            )
    elif not note.strip():
        raise ValidationError({"note": _("Tulis catatan atau pilih tahap lain.")})
    if objection is not None and objection.is_archived:
        raise ValidationError({"objection": _("Keberatan ini sudah diarsipkan.")})
    return pipeline_move(entry, stage=stage, date=date, by=by, note=note, objection=objection)
