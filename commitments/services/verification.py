"""Saving a month's verification of one school's or facility's list."""

from __future__ import annotations

import calendar
import datetime
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from commitments import rules as r
from commitments.models import HealthFacility, School, Sector, VerificationEntry, VerificationSheet
from commitments.selectors.due import DueItem
from pkh.forms import PKH_START
from pkh.permissions import is_family_facilitator

ENTRY_FIELDS = (
    "enrolled",
    "school_days",
    "days_sick",
    "days_excused",
    "days_unexcused",
    *r.HEALTH_ITEMS,
)


@dataclass(frozen=True)
class Finding:
    """What the facilitator found for one due item (education: the days; health: the
    items asked, each True or False)."""

    item: DueItem
    enrolled: bool = True
    school_days: int | None = None
    days_sick: int = 0
    days_excused: int = 0
    days_unexcused: int = 0
    items: dict[str, bool] | None = None


def month_check(month: datetime.date, *, today: datetime.date | None = None) -> None:
    """A verifiable month: its first day, not before PKH, not after this month."""
    today = today or timezone.localdate()
    if month.day != 1:
        raise ValidationError(_("Bulan verifikasi tidak valid."))
    if month < PKH_START:
        raise ValidationError(_("Bulan verifikasi tidak boleh sebelum awal PKH."))
    if month > today.replace(day=1):
        raise ValidationError(_("Bulan yang belum berjalan belum dapat diverifikasi."))


def _values(f: Finding, month: datetime.date) -> dict:
    item = f.item
    values = dict.fromkeys(ENTRY_FIELDS)
    values["enrolled"] = f.enrolled
    if not f.enrolled:
        return values
    if item.sector == Sector.EDUCATION:
        days = f.school_days
        limit = calendar.monthrange(month.year, month.month)[1]
        if days is None or not 0 <= days <= limit:
            raise ValidationError(
                _("%(name)s: jumlah hari sekolah harus antara 0 dan %(limit)s.")
                % {"name": item.member.name, "limit": limit}
            )
        absent = (f.days_sick, f.days_excused, f.days_unexcused)
        if any(a is None or a < 0 for a in absent) or sum(absent) > days:
            raise ValidationError(
                _("%(name)s: jumlah hari tidak hadir melebihi hari sekolah.")
                % {"name": item.member.name}
            )
        values.update(
            school_days=days,
            days_sick=f.days_sick,
            days_excused=f.days_excused,
            days_unexcused=f.days_unexcused,
        )
    else:
        given = f.items or {}
        for name in item.required:
            values[name] = bool(given.get(name, False))
    return values


@transaction.atomic
def month_sheet_save(
    *,
    by,
    month: datetime.date,
    sector: str,
    place: School | HealthFacility | None,
    findings: list[Finding],
    client_token: uuid.UUID | None = None,
) -> tuple[VerificationSheet, bool]:
    """Save a school's or facility's list for ``month`` at once: one entry per due item,
    created or replaced. Returns ``(sheet, created)``; a repeated ``client_token`` (a
    double submit) returns the sheet already saved and writes nothing.

    The items come from ``commitments.selectors.due`` (scoped); only the family's own
    facilitator saves. A fixed number of queries whatever the list's length.
    """
    if client_token:
        existing = VerificationSheet.objects.filter(client_token=client_token).first()
        if existing:
            return existing, False
    month_check(month)
    if not findings:
        raise ValidationError(_("Tidak ada anggota untuk diverifikasi."))
    for f in findings:
        if not is_family_facilitator(by, f.item.member.household):
            raise ValidationError(
                _("Hanya pendamping keluarga yang dapat mencatat verifikasi komitmen.")
            )
        if f.item.sector != sector:
            raise ValidationError(_("Daftar ini mencampur bidang pendidikan dan kesehatan."))
    rows = {(f.item.member.pk, f.item.component.pk): (f, _values(f, month)) for f in findings}
    school = place if isinstance(place, School) else None
    facility = place if isinstance(place, HealthFacility) else None
    sheet = VerificationSheet(
        month=month,
        sector=sector,
        school=school,
        facility=facility,
        saved_by=by,
        entry_count=len(rows),
        client_token=client_token,
    )
    try:
        with transaction.atomic():
            sheet.save()
    except IntegrityError:
        # Two submits raced past the lookup above: the other one saved.
        return VerificationSheet.objects.get(client_token=client_token), False
    existing = {
        (e.member_id, e.component_id): e
        for e in VerificationEntry.objects.select_for_update().filter(
            month=month, member_id__in={k[0] for k in rows}
        )
    }
    now = timezone.now()
    to_create, to_update = [], []
    for key, (f, values) in rows.items():
        entry = existing.get(key)
        common = {
            **values,
            "sheet": sheet,
            "school": school if f.enrolled else None,
            "facility": facility if f.enrolled else None,
            "sector": sector,
            "age_months": f.item.age_months,
            "household": f.item.member.household,
            "recorded_by": by,
        }
        if entry is None:
            to_create.append(
                VerificationEntry(
                    member=f.item.member, component=f.item.component, month=month, **common
                )
            )
        else:
            for name, value in common.items():
                setattr(entry, name, value)
            entry.updated_at = now
            to_update.append(entry)
    if to_create:
        bulk_create_with_history(to_create, VerificationEntry, default_user=by)
    if to_update:
        bulk_update_with_history(
            to_update,
            VerificationEntry,
            fields=[*ENTRY_FIELDS, "sheet", "school", "facility", "sector", "age_months",
                    "household", "recorded_by", "updated_at"],
            default_user=by,
        )  # fmt: skip
    return sheet, True
