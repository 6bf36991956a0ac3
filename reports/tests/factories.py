"""Build a family's life inside a past quarter: every write carries the instant it
"happened" (``_history_date`` for django-simple-history, ``created_at``/``moved_at`` set
after the fact), so reports computed "as it was" can be checked against known events."""

from __future__ import annotations

import datetime
import uuid

from households.models import Household, HouseholdStatus, HouseholdTransfer, Member, Sex, Visit
from households.tests.factories import HouseholdFactory, MemberFactory
from pkh.extensions import families_changed

# Members are born in 2015 but where the component rules ask another age
# (households.components): an anak usia dini still under 7 in 2026 (yet over 60 months,
# so asked the posyandu visit like the others), a lansia over 60.
BORN = datetime.date(2015, 8, 17)
BIRTH = {"ANAK_USIA_DINI": datetime.date(2020, 6, 1), "LANSIA": datetime.date(1950, 8, 17)}


def household_at(
    *, when: datetime.datetime, facilitator, components=("SD",), **kwargs
) -> Household:
    """A family created at ``when`` with a pengurus and one member per component."""
    household = HouseholdFactory.build(facilitator=facilitator, **kwargs)
    household._history_date = when
    household.save()
    del household._history_date
    Household.objects.filter(pk=household.pk).update(created_at=when)
    Household.history.filter(id=household.pk).update(created_at=when)  # as if made then
    household.created_at = when  # later saves write the instance back
    pengurus = MemberFactory.build(
        household=household, sex=Sex.FEMALE, birth_date=datetime.date(1986, 5, 2), is_pengurus=True
    )
    pengurus._history_date = when
    pengurus.save()
    members = [pengurus]
    for code in components:
        member = MemberFactory.build(
            household=household, sex=Sex.MALE, birth_date=BIRTH.get(code, BORN)
        )
        member._history_date = when
        member.save()
        member.components.set([code])
        members.append(member)
    families_changed({household.pk}, fields={"members"})  # as member_save does
    Member.objects.filter(household=household).update(created_at=when)
    for member in members:
        member.created_at = when
        del member._history_date
    household.test_members = members
    return household


def status_at(household: Household, *, status: str, when: datetime.datetime) -> None:
    household.status = status
    household.status_date = when.date()
    household.status_reason = "" if status == HouseholdStatus.ACTIVE else "Perubahan status"
    household.exit_type = "mandiri" if status == HouseholdStatus.GRADUATED else ""
    household._history_date = when
    household.save()
    del household._history_date
    families_changed({household.pk}, fields={"status", "status_date", "status_reason", "exit_type"})


def move_at(household: Household, *, to, by, when: datetime.datetime) -> None:
    transfer = HouseholdTransfer.objects.create(
        household=household,
        from_facilitator=household.facilitator,
        to_facilitator=to,
        moved_by=by,
        batch=uuid.uuid4(),
    )
    HouseholdTransfer.objects.filter(pk=transfer.pk).update(moved_at=when)
    household.facilitator = to
    household._history_date = when
    household.save()
    del household._history_date
    families_changed({household.pk}, fields={"facilitator"})


def member_leave_at(member: Member, *, when: datetime.datetime) -> None:
    member.left_on = when.date()
    member.left_reason = "pindah"
    member._history_date = when
    member.save()
    del member._history_date
    families_changed({member.household_id}, fields={"members"})


def components_at(member: Member, *, codes, when: datetime.datetime) -> None:
    member._history_date = when
    member.components.set(codes)
    del member._history_date
    families_changed({member.household_id}, fields={"members"})


def visit_on(household: Household, *, day: datetime.date, facilitator=None, purpose="verifikasi"):
    return Visit.objects.create(
        household=household,
        facilitator=facilitator or household.facilitator,
        date=day,
        purpose=purpose,
        notes="Kunjungan rutin.",
    )
