"""Advocacy cases: opened, progressed and closed by the family's facilitator."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from assistance.models import (
    AdvocacyCase,
    Aid,
    AidEnrolment,
    AidStatus,
    AidUnit,
    CaseKind,
    CaseStatus,
    Resource,
)
from assistance.selectors.resources import resource_scope_q
from assistance.services._dates import _not_in_future
from assistance.services.aid_status import aid_status_set
from households.models import Household, Member
from pkh.permissions import may_manage_case

KKS_KINDS = {
    CaseKind.KKS_NOT_DISTRIBUTED,
    CaseKind.KKS_BLOCKED,
    CaseKind.KKS_LOST,
    CaseKind.KKS_WRONG_DATA,
    CaseKind.KKS_PIN,
    CaseKind.KKS_BALANCE,
}


def _check_case_owner(*, household: Household, by: User) -> None:
    if not may_manage_case(by, household):
        raise ValidationError(_("Hanya pendamping keluarga ini yang dapat mengelola kasusnya."))


def _check_case_dates(*, opened_on, taken_on, next_step_due) -> None:
    _not_in_future(opened_on, "opened_on")
    _not_in_future(taken_on, "taken_on")
    if taken_on and opened_on and taken_on < opened_on:
        raise ValidationError(
            {"taken_on": _("Tanggal dibawa ke kantor tidak boleh sebelum tanggal dibuka.")}
        )
    if next_step_due and opened_on and next_step_due < opened_on:
        raise ValidationError(
            {"next_step_due": _("Batas langkah berikutnya tidak boleh sebelum tanggal dibuka.")}
        )


def _check_resource(resource: Resource | None, by: User) -> None:
    if (
        resource is not None
        and not Resource.objects.filter(
            resource_scope_q(by), pk=resource.pk, is_active=True
        ).exists()
    ):
        raise ValidationError({"resource": _("Sistem sumber tidak ditemukan.")})


@transaction.atomic
def case_open(
    *,
    household: Household,
    kind: str,
    opened_on: datetime.date,
    by: User,
    aid: Aid | None = None,
    member: Member | None = None,
    resource: Resource | None = None,
    description: str = "",
    taken_on: datetime.date | None = None,
    next_step: str = "",
    next_step_due: datetime.date | None = None,
    status: str = CaseStatus.OPEN,
) -> AdvocacyCase:
    """Open an advocacy case for a family. A missing-aid case marks the subject's aid
    status "proposed" (with the date and the office); a KKS case is about KKS."""
    _check_case_owner(household=household, by=by)
    if kind not in CaseKind.values:
        raise ValidationError({"kind": _("Jenis masalah tidak dikenal.")})
    if status not in (CaseStatus.OPEN, CaseStatus.WAITING):
        raise ValidationError({"status": _("Kasus baru berstatus terbuka atau menunggu kantor.")})
    if status == CaseStatus.WAITING and resource is None:
        raise ValidationError({"resource": _("Pilih kantor yang ditunggu.")})
    if kind in KKS_KINDS:
        aid = Aid.objects.filter(code="KKS").first()
        member = None
    if kind == CaseKind.MISSING_AID:
        if aid is None:
            raise ValidationError({"aid": _("Pilih bantuan yang belum diterima.")})
        if aid.unit == AidUnit.MEMBER and member is None:
            raise ValidationError({"member": _("Pilih anggota yang belum menerima.")})
        if aid.unit == AidUnit.FAMILY:
            member = None
    if member is not None and member.household_id != household.pk:
        raise ValidationError({"member": _("Anggota ini bukan anggota keluarga tersebut.")})
    _check_case_dates(opened_on=opened_on, taken_on=taken_on, next_step_due=next_step_due)
    _check_resource(resource, by)
    if kind == CaseKind.MISSING_AID:
        current = AidEnrolment.objects.filter(household=household, aid=aid, member=member).first()
        if current is not None and current.status == AidStatus.RECEIVING:
            raise ValidationError(
                {"aid": _("Status bantuan ini sudah 'menerima'; ubah statusnya dulu bila salah.")}
            )
        aid_status_set(
            household=household,
            aid=aid,
            member=member,
            status=AidStatus.PROPOSED,
            since=taken_on or opened_on,
            card_number=current.card_number if current else "",
            office=resource,
            note=current.note if current else "",
            by=by,
        )
    case = AdvocacyCase(
        household=household,
        member=member,
        aid=aid,
        kind=kind,
        description=description.strip(),
        resource=resource,
        opened_on=opened_on,
        taken_on=taken_on,
        next_step=next_step.strip(),
        next_step_due=next_step_due,
        status=status,
        opened_by=by,
    )
    case._history_user = by
    case.full_clean(exclude=["household", "member", "aid", "resource", "opened_by"])
    case.save()
    return case


@transaction.atomic
def case_update(
    *,
    case: AdvocacyCase,
    by: User,
    status: str,
    resource: Resource | None = None,
    description: str = "",
    taken_on: datetime.date | None = None,
    next_step: str = "",
    next_step_due: datetime.date | None = None,
) -> AdvocacyCase:
    """Record progress on an open case: office, next step, open / waiting on office."""
    _check_case_owner(household=case.household, by=by)
    if case.is_closed:
        raise ValidationError(_("Kasus ini sudah ditutup."))
    if status not in (CaseStatus.OPEN, CaseStatus.WAITING):
        raise ValidationError({"status": _("Untuk menutup kasus, pakai 'Tutup kasus'.")})
    if status == CaseStatus.WAITING and resource is None:
        raise ValidationError({"resource": _("Pilih kantor yang ditunggu.")})
    _check_case_dates(opened_on=case.opened_on, taken_on=taken_on, next_step_due=next_step_due)
    _check_resource(resource, by)
    case.status, case.resource, case.taken_on = status, resource, taken_on
    case.description, case.next_step = description.strip(), next_step.strip()
    case.next_step_due = next_step_due
    case._history_user = by
    case.save(
        update_fields=[
            "status",
            "resource",
            "taken_on",
            "description",
            "next_step",
            "next_step_due",
            "updated_at",
        ]
    )
    return case


@transaction.atomic
def case_close(
    *,
    case: AdvocacyCase,
    by: User,
    status: str,
    closed_on: datetime.date | None,
    outcome: str,
    aid_received: bool = False,
) -> AdvocacyCase:
    """Close a case as resolved or cannot be resolved; an outcome is required.

    For a missing-aid case: resolved with ``aid_received`` marks the aid "receiving"
    from ``closed_on``; cannot be resolved turns a "proposed" status back into
    "eligible, not receiving".
    """
    _check_case_owner(household=case.household, by=by)
    if case.is_closed:
        raise ValidationError(_("Kasus ini sudah ditutup."))
    if status not in (CaseStatus.RESOLVED, CaseStatus.UNRESOLVABLE):
        raise ValidationError(
            {"status": _("Pilih hasil akhir: selesai atau tidak dapat diselesaikan.")}
        )
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("Hasil wajib diisi untuk menutup kasus.")})
    if not closed_on:
        raise ValidationError({"closed_on": _("Tanggal ditutup wajib diisi.")})
    _not_in_future(closed_on, "closed_on")
    if closed_on < case.opened_on:
        raise ValidationError(
            {"closed_on": _("Tanggal ditutup tidak boleh sebelum tanggal dibuka.")}
        )
    if case.kind == CaseKind.MISSING_AID and case.aid_id:
        current = AidEnrolment.objects.filter(
            household=case.household, aid=case.aid, member=case.member
        ).first()
        new_status = None
        if status == CaseStatus.RESOLVED and aid_received:
            new_status = AidStatus.RECEIVING
        elif current is not None and current.status == AidStatus.PROPOSED and not aid_received:
            new_status = AidStatus.ELIGIBLE if status == CaseStatus.UNRESOLVABLE else None
        if new_status:
            aid_status_set(
                household=case.household,
                aid=case.aid,
                member=case.member,
                status=new_status,
                since=closed_on,
                card_number=current.card_number if current else "",
                office=case.resource if new_status == AidStatus.RECEIVING else None,
                note=current.note if current else "",
                by=by,
            )
    case.status, case.closed_on, case.outcome = status, closed_on, outcome
    case._history_user = by
    case.save(update_fields=["status", "closed_on", "outcome", "updated_at"])
    return case
