"""Writes to the household registry. Every write goes through a function here.

Each write to families or members ends with ``families_changed`` (``pkh.extensions``), in
its transaction, so that the upper apps' reactions (aid eligibility, FDS membership
periods) run where the write is, not behind a model signal.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from accounts.models import User
from households.models import (
    Component,
    Household,
    HouseholdStatus,
    HouseholdTransfer,
    Member,
    Sex,
    Visit,
)
from households.selectors import facilitator_list, household_scope
from pkh.extensions import families_changed
from pkh.permissions import (
    may_change_household_status,
    may_edit_visit,
    may_log_visit,
    may_transfer,
)

HOUSEHOLD_EDITABLE_FIELDS = ("address", "rt", "rw", "phone", "year_joined", "welfare_decile")
HOUSEHOLD_STATUS_FIELDS = ("status", "status_date", "status_reason", "exit_type")
MEMBER_FIELDS = (
    "name",
    "sex",
    "birth_date",
    "relationship",
    "is_pengurus",
    "disability",
    "school_level",
    "expected_delivery_date",
    "left_on",
    "left_reason",
)


def _not_in_future(value: datetime.date | None, field: str) -> None:
    if value and value > timezone.localdate():
        raise ValidationError({field: _("Tanggal tidak boleh di masa depan.")})


def _refresh_last_visit(household: Household) -> None:
    household.last_visit_on = household.visits.aggregate(last=Max("date"))["last"]
    Household.objects.filter(pk=household.pk).update(last_visit_on=household.last_visit_on)


def _check_visit(*, household: Household, by: User, date: datetime.date, follow_up_date) -> None:
    if not may_log_visit(by, household):
        raise ValidationError(_("Hanya pendamping keluarga ini yang dapat mencatat kunjungan."))
    _not_in_future(date, "date")
    if follow_up_date and follow_up_date < date:
        raise ValidationError(
            {"follow_up_date": _("Tanggal tindak lanjut tidak boleh sebelum tanggal kunjungan.")}
        )


@transaction.atomic
def visit_create(
    *,
    household: Household,
    by: User,
    date: datetime.date,
    purpose: str,
    notes: str = "",
    follow_up_date: datetime.date | None = None,
    client_token: uuid.UUID | None = None,
) -> tuple[Visit, bool]:
    """Log a home visit. Returns ``(visit, created)``.

    A repeated ``client_token`` (a double-submitted form) returns the visit already made.
    """
    if client_token:
        existing = Visit.objects.filter(client_token=client_token).first()
        if existing:
            return existing, False
    _check_visit(household=household, by=by, date=date, follow_up_date=follow_up_date)
    visit = Visit(
        household=household,
        facilitator=by,
        date=date,
        purpose=purpose,
        notes=notes,
        follow_up_date=follow_up_date,
        client_token=client_token,
    )
    visit._history_user = by
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError:
        # Two submits raced past the lookup above: the other one won.
        return Visit.objects.get(client_token=client_token), False
    _refresh_last_visit(household)
    return visit, True


@transaction.atomic
def visit_update(
    *,
    visit: Visit,
    by: User,
    date: datetime.date,
    purpose: str,
    notes: str = "",
    follow_up_date: datetime.date | None = None,
) -> Visit:
    if not may_edit_visit(by, visit):
        raise ValidationError(
            _("Hanya pendamping yang mencatat kunjungan ini yang dapat mengubahnya.")
        )
    _check_visit(household=visit.household, by=by, date=date, follow_up_date=follow_up_date)
    visit.date, visit.purpose, visit.notes, visit.follow_up_date = (
        date,
        purpose,
        notes,
        follow_up_date,
    )
    visit._history_user = by
    visit.save(update_fields=["date", "purpose", "notes", "follow_up_date", "updated_at"])
    _refresh_last_visit(visit.household)
    return visit


@transaction.atomic
def household_update(*, household: Household, by: User, **changes) -> Household:
    """Change a family's contact data, and (admins only) its status."""
    allowed = set(HOUSEHOLD_EDITABLE_FIELDS)
    if may_change_household_status(by):
        allowed |= set(HOUSEHOLD_STATUS_FIELDS)
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(
            _("Anda tidak boleh mengubah: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    if "status_date" in changes:
        _not_in_future(changes["status_date"], "status_date")
    status = changes.get("status", household.status)
    if "status" in changes and status != household.status:
        if not changes.get("status_date"):
            raise ValidationError(
                {"status_date": _("Tanggal status wajib diisi saat status berubah.")}
            )
        if status != HouseholdStatus.ACTIVE and not changes.get("status_reason"):
            raise ValidationError({"status_reason": _("Alasan wajib diisi untuk status ini.")})
    if status in (HouseholdStatus.GRADUATED, HouseholdStatus.EXITED) and not changes.get(
        "exit_type", household.exit_type
    ):
        raise ValidationError({"exit_type": _("Jenis keluar/graduasi wajib diisi.")})
    changed = [name for name, value in changes.items() if getattr(household, name) != value]
    if not changed:
        return household
    for name in changed:
        setattr(household, name, changes[name])
    household._history_user = by
    household.full_clean(exclude=["village", "facilitator", "fds_group"])
    household.save(update_fields=[*changed, "updated_at"])
    families_changed({household.pk}, fields={*changed, "updated_at"})
    return household


@transaction.atomic
def household_status_set(
    *,
    household: Household,
    by: User,
    status: str,
    date: datetime.date,
    reason: str,
    exit_type: str = "",
) -> Household:
    """Record a status change another app decided (the graduation app graduating a
    family or taking it out of PKH), with ``by`` in the history. The caller has checked
    who may do it and holds the family's row lock; an admin's edit is ``household_update``."""
    household.status, household.status_date = status, date
    household.status_reason, household.exit_type = reason, exit_type
    household._history_user = by
    fields = [*HOUSEHOLD_STATUS_FIELDS, "updated_at"]
    household.save(update_fields=fields)
    families_changed({household.pk}, fields=fields)
    return household


def pregnancy_check(
    member: Member | None, components: Iterable[Component] | None, fields: dict
) -> None:
    """An IBU_HAMIL component needs the HPL it ends after (households/components.py);
    only a woman has one."""
    if components is not None:
        codes = {getattr(c, "code", c) for c in components}
    elif member is not None:
        codes = {c.code for c in member.components.all()}
    else:
        codes = set()
    hpl = fields.get("expected_delivery_date", getattr(member, "expected_delivery_date", None))
    sex = fields.get("sex", getattr(member, "sex", None))
    if hpl and sex == Sex.MALE:
        raise ValidationError(
            {"expected_delivery_date": _("HPL hanya diisi untuk anggota perempuan.")}
        )
    if "IBU_HAMIL" in codes and not hpl:
        raise ValidationError(
            {
                "expected_delivery_date": _(
                    "HPL wajib diisi untuk komponen ibu hamil: komponen berakhir setelah "
                    "masa nifas sesudah HPL."
                )
            }
        )


@transaction.atomic
def member_save(
    *,
    household: Household,
    by: User,
    member: Member | None = None,
    nik: str | None = None,
    components: Iterable[Component] | None = None,
    **fields,
) -> Member:
    """Create (``member=None``, ``nik`` required) or update a member of ``household``.

    Marking a member as pengurus takes the flag from whoever held it.
    """
    unknown = set(fields) - set(MEMBER_FIELDS)
    if unknown:
        raise ValidationError(
            _("Isian tidak dikenal: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    _not_in_future(fields.get("birth_date"), "birth_date")
    _not_in_future(fields.get("left_on"), "left_on")
    if fields.get("left_on") and not fields.get("left_reason"):
        raise ValidationError({"left_reason": _("Alasan keluar wajib diisi.")})
    if fields.get("is_pengurus") and fields.get("left_on"):
        raise ValidationError(
            {"is_pengurus": _("Anggota yang sudah keluar tidak bisa menjadi pengurus.")}
        )
    pregnancy_check(member, components, fields)
    if member is None:
        if Member.objects.filter(nik=nik).exists():
            raise ValidationError({"nik": _("NIK ini sudah terdaftar.")})
        member = Member(household=household, nik=nik)
    elif member.household_id != household.pk:
        raise ValidationError(_("Anggota ini bukan anggota keluarga tersebut."))
    if fields.get("is_pengurus"):
        for other in household.members.filter(is_pengurus=True).exclude(pk=member.pk):
            other.is_pengurus = False
            other._history_user = by
            other.save(update_fields=["is_pengurus", "updated_at"])
    for name, value in fields.items():
        setattr(member, name, value)
    member._history_user = by
    member.full_clean(exclude=["household"])
    member.save()
    if components is not None:
        member.components.set(components)
    families_changed({household.pk}, fields={"members"})
    return member


@transaction.atomic
def member_nik_correct(*, member: Member, by: User, nik: str) -> Member:
    """Correct a member's NIK: an approved data correction (``corrections``). The caller
    has checked who may do it and holds the member's row lock; the NIK is checked as a
    new member's is (16 digits, not registered to anyone else) and audited as any edit."""
    if nik == member.nik:
        return member
    if Member.objects.filter(nik=nik).exclude(pk=member.pk).exists():
        raise ValidationError({"nik": _("NIK ini sudah terdaftar.")})
    member.nik = nik
    member._history_user = by
    member.full_clean(exclude=["household"])
    member.save(update_fields=["nik", "updated_at"])
    families_changed({member.household_id}, fields={"members"})
    return member


HOUSEHOLD_REGISTRY_FIELDS = ("no_kk", "village", "address", "rt", "rw")


@transaction.atomic
def household_registry_correct(*, household: Household, by: User, **changes) -> Household:
    """Correct a family's No. KK, or move it to another village (with its new address):
    an approved data correction (``corrections``). The caller has checked who may do it
    and holds the family's row lock. The model's validators (16 digits, a village-level
    region) run as for any edit, and the write is audited and announced."""
    unknown = set(changes) - set(HOUSEHOLD_REGISTRY_FIELDS)
    if unknown:
        raise ValidationError(
            _("Isian tidak dikenal: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    changed = [name for name, value in changes.items() if getattr(household, name) != value]
    if not changed:
        return household
    for name in changed:
        setattr(household, name, changes[name])
    household._history_user = by
    household.full_clean(exclude=["facilitator", "fds_group"])
    household.save(update_fields=[*changed, "updated_at"])
    families_changed({household.pk}, fields={*changed, "updated_at"})
    return household


@transaction.atomic
def households_transfer(
    *,
    households: Iterable[int],
    to_facilitator: User,
    by: User,
    reason: str = "",
) -> list[HouseholdTransfer]:
    """Move families to another facilitator, recording who moved what and when.

    Only an admin may move families, only within their region and only to an active
    facilitator of their region. A moved family leaves its old FDS group (the group
    belongs to the previous facilitator).
    """
    if not may_transfer(by):
        raise ValidationError(_("Hanya admin yang dapat memindahkan keluarga."))
    if not facilitator_list(user=by).filter(pk=to_facilitator.pk).exists():
        raise ValidationError({"to_facilitator": _("Pendamping tujuan tidak ada di wilayah Anda.")})
    ids = set(households)
    if not ids:
        raise ValidationError({"households": _("Pilih minimal satu keluarga.")})
    rows = list(household_scope(user=by).filter(pk__in=ids).select_for_update())
    if len(rows) != len(ids):
        raise ValidationError(
            {"households": _("Sebagian keluarga tidak ditemukan di wilayah Anda.")}
        )
    rows = [h for h in rows if h.facilitator_id != to_facilitator.pk]
    batch = uuid.uuid4()
    transfers = [
        HouseholdTransfer(
            household=h,
            from_facilitator_id=h.facilitator_id,
            to_facilitator=to_facilitator,
            moved_by=by,
            batch=batch,
            reason=reason,
        )
        for h in rows
    ]
    for h in rows:
        h.facilitator = to_facilitator
        h.fds_group = None
    bulk_update_with_history(
        rows,
        Household,
        ["facilitator", "fds_group"],
        batch_size=500,
        default_user=by,
        default_change_reason=reason or "transfer",
    )
    created = HouseholdTransfer.objects.bulk_create(transfers, batch_size=500)
    families_changed({h.pk for h in rows}, fields={"facilitator", "fds_group"})
    return created
