"""A member's enrolment events: where their commitment is verified, from which date."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commitments.models import Enrolment, EnrolmentChange, HealthFacility, School, Sector
from households.models import Member
from pkh.permissions import is_family_facilitator

# Which changes each sector takes.
CHANGES = {
    Sector.EDUCATION: (
        EnrolmentChange.ENROLLED,
        EnrolmentChange.MOVED_SCHOOL,
        EnrolmentChange.NOT_ENROLLED,
    ),
    Sector.HEALTH: (
        EnrolmentChange.ENROLLED,
        EnrolmentChange.TRANSFERRED,
        EnrolmentChange.NOT_ENROLLED,
    ),
}


@transaction.atomic
def enrolment_record(
    *,
    by,
    member: Member,
    sector: str,
    change: str,
    start_on: datetime.date,
    school: School | None = None,
    grade: str = "",
    facility: HealthFacility | None = None,
    note: str = "",
    nisn: str = "",
) -> Enrolment:
    """Record an enrolment event: the member's open period of ``sector`` ends the day
    before ``start_on`` and a new one begins (at ``school`` and ``grade``, at
    ``facility``, or nowhere for "not enrolled"). ``nisn``: the pupil's national
    student number (education only, 10 digits), refused when another member holds it."""
    if not is_family_facilitator(by, member.household):
        raise ValidationError(_("Hanya pendamping keluarga yang dapat mencatat pendaftaran."))
    if change not in CHANGES[sector]:
        raise ValidationError({"change": _("Perubahan ini tidak berlaku untuk bidang ini.")})
    if start_on > timezone.localdate():
        raise ValidationError({"start_on": _("Tanggal tidak boleh di masa depan.")})
    if start_on < member.birth_date:
        raise ValidationError({"start_on": _("Tanggal tidak boleh sebelum tanggal lahir.")})
    nisn = (nisn or "").strip() if sector == Sector.EDUCATION else ""
    if nisn:
        if not (len(nisn) == 10 and nisn.isascii() and nisn.isdigit()):
            raise ValidationError({"nisn": _("NISN terdiri dari 10 angka.")})
        if Enrolment.objects.filter(nisn=nisn).exclude(member=member).exists():
            raise ValidationError({"nisn": _("NISN ini sudah tercatat untuk anggota lain.")})
    if change == EnrolmentChange.NOT_ENROLLED:
        school, facility, grade = None, None, ""
    elif sector == Sector.EDUCATION:
        facility = None
        if school is None:
            raise ValidationError({"school": _("Pilih sekolahnya.")})
    else:
        school, grade = None, ""
        if facility is None:
            raise ValidationError({"facility": _("Pilih fasilitas kesehatannya.")})
    current = (
        Enrolment.objects.select_for_update()
        .filter(member=member, sector=sector, end_on__isnull=True)
        .first()
    )
    if current is not None:
        if start_on <= current.start_on:
            raise ValidationError(
                {"start_on": _("Tanggal harus setelah awal catatan sebelumnya (%(date)s).")
                 % {"date": current.start_on.strftime("%d-%m-%Y")}}
            )  # fmt: skip
        same_place = current.school_id == getattr(school, "pk", None) and (
            current.facility_id == getattr(facility, "pk", None)
        )
        if change == EnrolmentChange.MOVED_SCHOOL and same_place:
            raise ValidationError({"school": _("Pilih sekolah yang baru.")})
        if change == EnrolmentChange.TRANSFERRED and same_place:
            raise ValidationError({"facility": _("Pilih fasilitas kesehatan yang baru.")})
        current.end_on = start_on - datetime.timedelta(days=1)
        current.save(update_fields=["end_on"])
    elif change in (EnrolmentChange.MOVED_SCHOOL, EnrolmentChange.TRANSFERRED):
        raise ValidationError({"change": _("Belum ada catatan sebelumnya: pilih “terdaftar”.")})
    return Enrolment.objects.create(
        member=member,
        sector=sector,
        change=change,
        school=school,
        grade=grade,
        nisn=nisn,
        facility=facility,
        start_on=start_on,
        note=note,
        recorded_by=by,
    )
