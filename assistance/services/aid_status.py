"""A family's or member's status for one aid, set by a user."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from assistance.models import Aid, AidEnrolment, AidStatus, AidUnit, Resource, StatusSource
from assistance.selectors.catalogue import age_limit_problem
from assistance.selectors.resources import resource_scope_q
from assistance.services._dates import _not_in_future, _today
from assistance.services.coverage import coverage_counts_rebuild
from households.models import Household, HouseholdStatus, Member
from pkh.permissions import may_edit_aid

CARD_SEPARATORS = re.compile(r"[\s.\-/]")


def normalize_card_number(value: str) -> str:
    return CARD_SEPARATORS.sub("", value or "")


def validate_card_number(*, aid: Aid, card_number: str) -> str:
    """The card number in its stored form, or a ValidationError naming the format."""
    number = normalize_card_number(card_number)
    if not number:
        return ""
    if not aid.card_label:
        raise ValidationError(
            {"card_number": _("%(aid)s tidak memakai nomor kartu.") % {"aid": aid.code}}
        )
    if aid.card_pattern and not re.fullmatch(aid.card_pattern, number):
        raise ValidationError(
            {
                "card_number": _("%(label)s harus %(hint)s.")
                % {"label": aid.card_label, "hint": aid.card_hint or aid.card_pattern}
            }
        )
    return number


@transaction.atomic
def aid_status_set(
    *,
    household: Household,
    aid: Aid,
    member: Member | None = None,
    status: str,
    since: datetime.date | None,
    card_number: str = "",
    office: Resource | None = None,
    note: str = "",
    by: User,
) -> AidEnrolment:
    """Record a family's or member's status for one aid (with its audit trail).

    Refused: a user who may not edit this family; a member of another family, one who
    has left, or outside the aid's age limits (unless the status is "not eligible");
    a card number in the wrong format; a date in the future; "receiving" or
    "proposed" without a date.
    """
    if not may_edit_aid(by, household):
        raise ValidationError(_("Anda tidak dapat mengubah status bantuan keluarga ini."))
    if status not in AidStatus.values:
        raise ValidationError({"status": _("Status tidak dikenal.")})
    if aid.unit == AidUnit.MEMBER and member is None:
        raise ValidationError(
            {"member": _("%(aid)s diberikan per anggota: pilih anggota.") % {"aid": aid.code}}
        )
    if aid.unit == AidUnit.FAMILY and member is not None:
        raise ValidationError(
            _("%(aid)s diberikan per keluarga, bukan per anggota.") % {"aid": aid.code}
        )
    if member is not None:
        if member.household_id != household.pk:
            raise ValidationError(_("Anggota ini bukan anggota keluarga tersebut."))
        if status != AidStatus.NOT_ELIGIBLE:
            if member.left_on is not None:
                raise ValidationError({"status": _("Anggota ini sudah keluar dari keluarga.")})
            problem = age_limit_problem(aid=aid, birth_date=member.birth_date, on=_today())
            if problem:
                raise ValidationError({"status": problem})
    _not_in_future(since, "since")
    if status in (AidStatus.RECEIVING, AidStatus.PROPOSED) and not since:
        raise ValidationError({"since": _("Tanggal wajib diisi untuk status ini.")})
    number = validate_card_number(aid=aid, card_number=card_number)
    if (
        office is not None
        and not Resource.objects.filter(resource_scope_q(by), pk=office.pk).exists()
    ):
        raise ValidationError({"office": _("Sistem sumber tidak ditemukan.")})
    if status not in (AidStatus.PROPOSED, AidStatus.RECEIVING):
        office = None
    enrolment = (
        AidEnrolment.objects.select_for_update()
        .filter(household=household, aid=aid, member=member)
        .first()
    ) or AidEnrolment(household=household, aid=aid, member=member)
    enrolment.status = status
    enrolment.since = since
    enrolment.card_number = number
    enrolment.office = office
    enrolment.note = note.strip()
    enrolment.source = StatusSource.USER
    old_pair = (enrolment.facilitator_id, enrolment.village_id) if enrolment.pk else None
    enrolment.in_programme = household.status == HouseholdStatus.ACTIVE and (
        member is None or member.left_on is None
    )
    enrolment.facilitator_id, enrolment.village_id = household.facilitator_id, household.village_id
    enrolment._history_user = by
    enrolment.save()
    pairs = {(enrolment.facilitator_id, enrolment.village_id)}
    if old_pair:
        pairs.add(old_pair)
    coverage_counts_rebuild(pairs=pairs)
    return enrolment
