"""Writes of data corrections: propose, approve (which applies the change through the
household services), return, withdraw, and export a batch.

A correction stores the fingerprint of the record it changes as it was when proposed.
The approval locks the family (and the member) with ``select_for_update``, recomputes the
fingerprint and refuses when it differs: someone changed the record meanwhile, and the
stored old values would no longer be what the change replaces. Nothing is written then.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from corrections import notify
from corrections.models import (
    JOIN_EVENTS,
    LEAVE_EVENTS,
    Correction,
    CorrectionExport,
    CorrectionKind,
    CorrectionStatus,
    Event,
)
from corrections.selectors import deciders_for, exportable, village_move_choices
from households import services as household_services
from households.models import Component, Household, Member, MemberExit
from pkh.permissions import (
    may_decide_correction,
    may_export_corrections,
    may_propose_correction,
    may_withdraw_correction,
)
from pkh.photos import photo_prepare
from regions.models import Region

# The member's fields a new member's correction carries (as the member form does).
MEMBER_ADD_FIELDS = (
    "nik",
    "name",
    "sex",
    "birth_date",
    "relationship",
    "is_pengurus",
    "components",
    "disability",
    "school_level",
    "expected_delivery_date",
)
MEMBER_IDENTITY_FIELDS = ("name", "nik", "birth_date")
HOUSEHOLD_IDENTITY_FIELDS = ("no_kk",)
VILLAGE_MOVE_FIELDS = ("village", "address", "rt", "rw")
# How a leaving is recorded on the member (``Member.left_reason``).
LEAVE_REASON = {
    Event.DEATH: MemberExit.DECEASED,
    Event.MOVED: MemberExit.MOVED,
    Event.MARRIED_OUT: MemberExit.MOVED,  # "Pindah/keluar dari KK"
}

STALE = gettext_lazy(
    "Data ini sudah berubah sejak koreksi diajukan, jadi koreksi tidak diterapkan dan tidak "
    "ada yang disimpan. Kembalikan koreksi ini agar pendamping mengajukannya lagi dari data "
    "terbaru."
)


# ---------------------------------------------------------------- fingerprints


def _json(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _digest(values: list) -> str:
    return hashlib.sha256(json.dumps(values, default=str).encode()).hexdigest()


def household_fingerprint(household: Household) -> str:
    """The family's registry fields a family-level correction reads or writes."""
    h = household
    return _digest(["household", h.no_kk, h.village_id, h.address, h.rt, h.rw, h.status])


def member_fingerprint(member: Member) -> str:
    """Every field of the member a member-level correction reads or writes."""
    m = member
    return _digest(
        [
            "member",
            m.household_id,
            m.nik,
            m.name,
            m.sex,
            _json(m.birth_date),
            m.relationship,
            m.is_pengurus,
            m.disability,
            m.school_level,
            _json(m.left_on),
            m.left_reason,
        ]
    )


def fingerprint_of(correction: Correction, *, household: Household, member: Member | None) -> str:
    if correction.kind in (CorrectionKind.MEMBER_LEAVE,) or (
        correction.kind == CorrectionKind.IDENTITY and correction.member_id
    ):
        return member_fingerprint(member)
    return household_fingerprint(household)


# ---------------------------------------------------------------- propose


def _check_proposer(*, household: Household, by: User, member: Member | None = None) -> None:
    """Refuse anyone but the family's facilitator; read the records afresh, so the old
    values and the fingerprint are the database's, not those of an object read earlier."""
    household.refresh_from_db()
    if member is not None:
        member.refresh_from_db()
    if not may_propose_correction(by, household):
        raise ValidationError(_("Hanya pendamping keluarga ini yang dapat mengajukan koreksi."))


def _propose(
    *,
    household: Household,
    by: User,
    kind: str,
    member: Member | None,
    old_values: dict,
    new_values: dict,
    fingerprint: str,
    document: str,
    note: str,
    event: str = "",
    photo=None,
    client_token: uuid.UUID | None = None,
) -> tuple[Correction, bool]:
    prepared = (
        photo_prepare(
            photo,
            max_bytes=settings.PKH_CORRECTION_PHOTO_MAX_BYTES,
            sides=(settings.PKH_CORRECTION_PHOTO_SIZE,),
        )[0]
        if photo is not None
        else None
    )
    correction = Correction(
        household=household,
        member=member,
        kind=kind,
        event=event,
        old_values=old_values,
        new_values=new_values,
        fingerprint=fingerprint,
        document=document,
        note=note,
        proposed_by=by,
        client_token=client_token,
    )
    if prepared is not None:
        name = f"koreksi/{household.pk}/{uuid.uuid4().hex}.jpg"
        correction.photo.save(name, prepared, save=False)
    try:
        with transaction.atomic():
            correction.save()
    except IntegrityError:
        if client_token and (done := Correction.objects.filter(client_token=client_token).first()):
            if prepared is not None:
                correction.photo.storage.delete(correction.photo.name)
            return done, False
        raise
    notify.notify_many(
        deciders_for(correction=correction),
        kind="correction_waiting",
        title=_("Koreksi data #%(pk)d menunggu keputusan") % {"pk": correction.pk},
        url=reverse("corrections:detail", args=[correction.pk]),
    )
    return correction, True


def _already(client_token) -> Correction | None:
    if client_token:
        return Correction.objects.filter(client_token=client_token).first()
    return None


def _member_values(member: Member | None, fields: Iterable[str]) -> dict:
    if member is None:
        return {}
    return {name: _json(getattr(member, name)) for name in fields}


@transaction.atomic
def correction_propose_member_add(
    *,
    household: Household,
    by: User,
    event: str,
    document: str,
    note: str = "",
    photo=None,
    client_token: uuid.UUID | None = None,
    components: Iterable[Component] = (),
    **member,
) -> tuple[Correction, bool]:
    """Propose a new member (a birth, a marriage) with the member form's fields."""
    if done := _already(client_token):
        return done, False
    _check_proposer(household=household, by=by)
    if event not in JOIN_EVENTS:
        raise ValidationError({"event": _("Pilih kelahiran atau perkawinan.")})
    unknown = set(member) - set(MEMBER_ADD_FIELDS)
    if unknown:
        raise ValidationError(
            _("Isian tidak dikenal: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    # An IBU_HAMIL component needs its HPL now, not only when the correction is applied.
    components = list(components)
    household_services.pregnancy_check(None, components, member)
    nik = member.get("nik")
    if Member.objects.filter(nik=nik).exists():
        raise ValidationError({"nik": _("NIK ini sudah terdaftar.")})
    if _open_with_new_nik(nik):
        raise ValidationError(
            {"nik": _("NIK ini sudah diusulkan di koreksi lain yang belum diputuskan.")}
        )
    new = {name: _json(value) for name, value in member.items()}
    new["components"] = sorted(c.code for c in components)
    return _propose(
        household=household,
        by=by,
        kind=CorrectionKind.MEMBER_ADD,
        member=None,
        old_values={},
        new_values=new,
        fingerprint=household_fingerprint(household),
        document=document,
        note=note,
        event=event,
        photo=photo,
        client_token=client_token,
    )


def _open_with_new_nik(nik: str) -> bool:
    open_ = Correction.objects.filter(
        status__in=(CorrectionStatus.PENDING, CorrectionStatus.RETURNED), new_values__nik=nik
    )
    return open_.exists()


@transaction.atomic
def correction_propose_member_leave(
    *,
    household: Household,
    member: Member,
    by: User,
    event: str,
    left_on: datetime.date,
    document: str,
    note: str = "",
    photo=None,
    client_token: uuid.UUID | None = None,
) -> tuple[Correction, bool]:
    """Propose that a member left the family (death, moved, married out)."""
    if done := _already(client_token):
        return done, False
    _check_proposer(household=household, by=by, member=member)
    if member.household_id != household.pk:
        raise ValidationError(_("Anggota ini bukan anggota keluarga tersebut."))
    if event not in LEAVE_EVENTS:
        raise ValidationError({"event": _("Pilih alasan keluar.")})
    if member.left_on is not None:
        raise ValidationError(_("Anggota ini sudah tercatat keluar."))
    if member.is_pengurus:
        raise ValidationError(
            _(
                "Anggota ini pengurus keluarga. Tandai dulu pengurus pengganti di data anggota, "
                "baru ajukan keluarnya."
            )
        )
    if left_on < member.birth_date:
        raise ValidationError({"left_on": _("Tanggal keluar tidak boleh sebelum tanggal lahir.")})
    if member.corrections.filter(
        kind=CorrectionKind.MEMBER_LEAVE,
        status__in=(CorrectionStatus.PENDING, CorrectionStatus.RETURNED),
    ).exists():
        raise ValidationError(_("Keluarnya anggota ini sudah diusulkan dan belum diputuskan."))
    return _propose(
        household=household,
        by=by,
        kind=CorrectionKind.MEMBER_LEAVE,
        member=member,
        old_values=_member_values(member, ("left_on", "left_reason")),
        new_values={"left_on": left_on.isoformat(), "left_reason": LEAVE_REASON[event]},
        fingerprint=member_fingerprint(member),
        document=document,
        note=note,
        event=event,
        photo=photo,
        client_token=client_token,
    )


@transaction.atomic
def correction_propose_identity(
    *,
    household: Household,
    by: User,
    document: str,
    member: Member | None = None,
    note: str = "",
    photo=None,
    client_token: uuid.UUID | None = None,
    **changes,
) -> tuple[Correction, bool]:
    """Propose a corrected name, NIK or birth date of ``member``, or a corrected No. KK
    of the family (``member=None``). Only the fields that differ are kept; an admin
    decides it."""
    if done := _already(client_token):
        return done, False
    _check_proposer(household=household, by=by, member=member)
    allowed = MEMBER_IDENTITY_FIELDS if member is not None else HOUSEHOLD_IDENTITY_FIELDS
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValidationError(
            _("Isian tidak dikenal: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    if member is not None and member.household_id != household.pk:
        raise ValidationError(_("Anggota ini bukan anggota keluarga tersebut."))
    record = member if member is not None else household
    new = {
        name: _json(value)
        for name, value in changes.items()
        if value not in (None, "") and _json(value) != _json(getattr(record, name))
    }
    if not new:
        raise ValidationError(_("Tidak ada data yang berubah: isi data yang benar."))
    if "nik" in new:
        if Member.objects.filter(nik=new["nik"]).exclude(pk=member.pk).exists():
            raise ValidationError({"nik": _("NIK ini sudah terdaftar untuk anggota lain.")})
        if _open_with_new_nik(new["nik"]):
            raise ValidationError(
                {"nik": _("NIK ini sudah diusulkan di koreksi lain yang belum diputuskan.")}
            )
    if "birth_date" in new and member.left_on and changes["birth_date"] > member.left_on:
        raise ValidationError(
            {"birth_date": _("Tanggal lahir tidak boleh sesudah tanggal keluar.")}
        )
    old = {name: _json(getattr(record, name)) for name in new}
    return _propose(
        household=household,
        by=by,
        kind=CorrectionKind.IDENTITY,
        member=member,
        old_values=old,
        new_values=new,
        fingerprint=member_fingerprint(member)
        if member is not None
        else household_fingerprint(household),
        document=document,
        note=note,
        photo=photo,
        client_token=client_token,
    )


@transaction.atomic
def correction_propose_village_move(
    *,
    household: Household,
    by: User,
    village: Region,
    document: str,
    address: str = "",
    rt: str = "",
    rw: str = "",
    note: str = "",
    photo=None,
    client_token: uuid.UUID | None = None,
) -> tuple[Correction, bool]:
    """Propose that the family moved to another village of its regency."""
    if done := _already(client_token):
        return done, False
    _check_proposer(household=household, by=by)
    if not village_move_choices(household=household).filter(pk=village.pk).exists():
        raise ValidationError(
            {"village": _("Pilih desa/kelurahan lain di kabupaten/kota yang sama.")}
        )
    new = {"village": village.pk, "address": address, "rt": rt, "rw": rw}
    old = {
        "village": household.village_id,
        "address": household.address,
        "rt": household.rt,
        "rw": household.rw,
    }
    return _propose(
        household=household,
        by=by,
        kind=CorrectionKind.VILLAGE_MOVE,
        member=None,
        old_values=old,
        new_values=new,
        fingerprint=household_fingerprint(household),
        document=document,
        note=note,
        photo=photo,
        client_token=client_token,
    )


# ---------------------------------------------------------------- decide


def _claim(correction: Correction, *, by: User) -> Correction:
    """The correction's row, locked, still pending and decidable by ``by``."""
    locked = (
        Correction.objects.select_for_update(of=("self",))
        .select_related("household__facilitator")
        .get(pk=correction.pk)
    )
    if locked.status != CorrectionStatus.PENDING:
        raise ValidationError(_("Koreksi ini sudah diputuskan atau ditarik."))
    if not may_decide_correction(by, locked):
        if locked.needs_admin:
            raise ValidationError(_("Koreksi identitas hanya dapat diputuskan oleh admin."))
        raise ValidationError(_("Anda tidak dapat memutuskan koreksi ini."))
    return locked


def _apply(correction: Correction, *, household: Household, member: Member | None, by: User):
    new = correction.new_values
    if correction.kind == CorrectionKind.MEMBER_ADD:
        fields = {k: v for k, v in new.items() if k not in ("nik", "components")}
        fields["birth_date"] = datetime.date.fromisoformat(fields["birth_date"])
        if fields.get("expected_delivery_date"):
            fields["expected_delivery_date"] = datetime.date.fromisoformat(
                fields["expected_delivery_date"]
            )
        created = household_services.member_save(
            household=household,
            by=by,
            nik=new["nik"],
            components=list(Component.objects.filter(code__in=new.get("components", []))),
            **fields,
        )
        correction.member = created
    elif correction.kind == CorrectionKind.MEMBER_LEAVE:
        household_services.member_save(
            household=household,
            by=by,
            member=member,
            left_on=datetime.date.fromisoformat(new["left_on"]),
            left_reason=new["left_reason"],
        )
    elif correction.kind == CorrectionKind.IDENTITY and member is not None:
        fields = {k: v for k, v in new.items() if k in ("name", "birth_date")}
        if "birth_date" in fields:
            fields["birth_date"] = datetime.date.fromisoformat(fields["birth_date"])
        if fields:
            household_services.member_save(household=household, by=by, member=member, **fields)
        if "nik" in new:
            household_services.member_nik_correct(member=member, by=by, nik=new["nik"])
    elif correction.kind == CorrectionKind.IDENTITY:
        household_services.household_registry_correct(
            household=household, by=by, no_kk=new["no_kk"]
        )
    elif correction.kind == CorrectionKind.VILLAGE_MOVE:
        household_services.household_registry_correct(
            household=household,
            by=by,
            village=Region.objects.get(pk=new["village"]),
            address=new["address"],
            rt=new["rt"],
            rw=new["rw"],
        )


@transaction.atomic
def correction_approve(*, correction: Correction, by: User) -> Correction:
    """Apply a pending correction through the household services (their validators and
    audit) and mark it approved; refused, with nothing written, when the record changed
    since it was proposed."""
    locked = _claim(correction, by=by)
    household = Household.objects.select_for_update().get(pk=locked.household_id)
    member = (
        Member.objects.select_for_update().get(pk=locked.member_id) if locked.member_id else None
    )
    if fingerprint_of(locked, household=household, member=member) != locked.fingerprint:
        raise ValidationError(str(STALE), code="stale")
    _apply(locked, household=household, member=member, by=by)
    locked.status = CorrectionStatus.APPROVED
    locked.decided_by, locked.decided_at = by, timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at", "member"])
    notify.notify(
        locked.proposed_by,
        kind="correction_approved",
        title=_("Koreksi data #%(pk)d disetujui") % {"pk": locked.pk},
        url=reverse("corrections:detail", args=[locked.pk]),
    )
    return locked


@transaction.atomic
def correction_return(*, correction: Correction, by: User, reason: str) -> Correction:
    """Give a pending correction back to the facilitator with a reason; nothing applied."""
    if not reason.strip():
        raise ValidationError({"reason": _("Tulis alasan pengembalian.")})
    locked = _claim(correction, by=by)
    locked.status = CorrectionStatus.RETURNED
    locked.decided_by, locked.decided_at = by, timezone.now()
    locked.return_reason = reason.strip()
    locked.save(update_fields=["status", "decided_by", "decided_at", "return_reason"])
    notify.notify(
        locked.proposed_by,
        kind="correction_returned",
        title=_("Koreksi data #%(pk)d dikembalikan") % {"pk": locked.pk},
        url=reverse("corrections:detail", args=[locked.pk]),
    )
    return locked


@transaction.atomic
def correction_withdraw(*, correction: Correction, by: User) -> Correction:
    """The proposing facilitator takes back a pending or returned correction."""
    locked = Correction.objects.select_for_update().get(pk=correction.pk)
    if not may_withdraw_correction(by, locked):
        raise ValidationError(_("Hanya pengusul yang dapat menarik koreksi ini."))
    if not locked.is_open:
        raise ValidationError(_("Koreksi ini sudah diputuskan atau ditarik."))
    locked.status = CorrectionStatus.WITHDRAWN
    locked.save(update_fields=["status"])
    return locked


# ---------------------------------------------------------------- export


@transaction.atomic
def correction_export_create(
    *, by: User, period_start: datetime.date, period_end: datetime.date
) -> CorrectionExport:
    """Put the approved, not yet exported corrections of ``by``'s region decided in the
    period into a new batch. A correction joins one batch only: the rows are locked and
    taken with a conditional update, so two admins exporting at once never share one."""
    from corrections.exports import field_changes

    if not may_export_corrections(by):
        raise ValidationError(_("Hanya admin yang dapat mengekspor koreksi."))
    if period_end < period_start:
        raise ValidationError({"period_end": _("Tanggal akhir tidak boleh sebelum tanggal awal.")})
    ids = list(
        exportable(user=by, period_start=period_start, period_end=period_end)
        .select_for_update(of=("self",))
        .values_list("pk", flat=True)
    )
    if not ids:
        raise ValidationError(
            _("Tidak ada koreksi disetujui yang belum diekspor pada periode ini.")
        )
    batch = CorrectionExport.objects.create(
        period_start=period_start, period_end=period_end, created_by=by
    )
    taken = Correction.objects.filter(pk__in=ids, export__isnull=True).update(export=batch)
    rows = sum(
        len(field_changes(c))
        for c in Correction.objects.filter(export=batch).only("kind", "old_values", "new_values")
    )
    batch.correction_count, batch.row_count = taken, rows
    batch.save(update_fields=["correction_count", "row_count"])
    return batch
