"""Stored aid eligibility (``assistance.services.eligibility``) and the catalogue seed."""

import datetime

import pytest

from accounts.tests.factories import FacilitatorFactory
from assistance.models import (
    Aid,
    AidEnrolment,
    AidStatus,
)
from assistance.services.aid_status import aid_status_set
from assistance.services.eligibility import aid_eligibility_refresh
from assistance.tests.conftest import member_by_component, statuses
from households.models import Component, ExitType, Household, HouseholdStatus, Member, MemberExit
from households.services import household_update, member_save
from households.tests.factories import household_with_members

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
YESTERDAY = TODAY - datetime.timedelta(days=1)
TOMORROW = TODAY + datetime.timedelta(days=1)


def test_catalogue_is_seeded_with_rules_as_data():
    aids = {a.code: a for a in Aid.objects.prefetch_related("components")}
    assert set(aids) == {"KIP", "KIS", "SEMBAKO", "KKS", "RTLH", "KUBE", "PENA"}
    kip = aids["KIP"]
    assert kip.per_member and kip.card_label == "NISN" and kip.card_pattern == r"\d{10}"
    assert {c.code for c in kip.components.all()} == {"SD", "SMP", "SMA"}
    assert (kip.min_age, kip.max_age) == (6, 21)
    assert aids["KIS"].per_member and aids["KIS"].card_pattern == r"\d{13}"
    assert not aids["SEMBAKO"].per_member and not aids["KKS"].per_member
    assert all(a.ministry and a.summary and a.regulation for a in aids.values())


# ---------------------------------------------------------------- eligibility


def test_rule_rows_appear_when_a_family_is_registered(family):
    rows = statuses(family)
    child = member_by_component(family, "SD")
    grandmother = member_by_component(family, "LANSIA")
    active_members = list(family.members.values_list("pk", flat=True))
    assert rows[("KIP", child.pk)] == AidStatus.ELIGIBLE
    assert ("KIP", grandmother.pk) not in rows
    assert {m for (aid, m) in rows if aid == "KIS"} == set(active_members)
    assert rows[("SEMBAKO", None)] == rows[("KKS", None)] == AidStatus.ELIGIBLE
    assert not any(aid in ("RTLH", "KUBE", "PENA") for aid, _m in rows)


def test_refresh_is_idempotent_and_set_based(family, django_assert_max_num_queries):
    household_with_members(facilitator=family.facilitator)
    assert aid_eligibility_refresh() == 0
    AidEnrolment.objects.all().delete()
    ids = list(Household.objects.values_list("pk", flat=True))
    with django_assert_max_num_queries(20):
        written = aid_eligibility_refresh(household_ids=ids)
    assert written == AidEnrolment.objects.count() > 0
    assert aid_eligibility_refresh(household_ids=ids) == 0


def test_member_leaving_follows_the_rule_but_keeps_what_a_user_set(family, facilitator):
    child = member_by_component(family, "SD")
    mother = family.members.get(is_pengurus=True)
    aid_status_set(
        household=family,
        aid=Aid.objects.get(code="KIS"),
        member=mother,
        status=AidStatus.RECEIVING,
        since=YESTERDAY,
        card_number="0001234567890",
        by=facilitator,
    )
    member_save(
        household=family, member=child, by=facilitator, left_on=TODAY, left_reason=MemberExit.MOVED
    )
    kip = AidEnrolment.objects.get(aid="KIP", member=child)
    assert kip.status == AidStatus.NOT_ELIGIBLE and not kip.in_programme
    member_save(
        household=family, member=mother, by=facilitator, left_on=TODAY, left_reason=MemberExit.MOVED
    )
    kis = AidEnrolment.objects.get(aid="KIS", member=mother)
    assert kis.status == AidStatus.RECEIVING and not kis.in_programme


def test_component_added_makes_a_child_eligible_for_kip(family, facilitator):
    toddler = member_by_component(family, "ANAK_USIA_DINI")
    eight = TODAY.replace(year=TODAY.year - 8, month=1, day=1)
    member_save(household=family, member=toddler, by=facilitator, birth_date=eight)
    assert not AidEnrolment.objects.filter(aid="KIP", member=toddler).exists()
    member_save(
        household=family,
        member=toddler,
        by=facilitator,
        components=Component.objects.filter(code__in=["ANAK_USIA_DINI", "SD"]),
    )
    assert AidEnrolment.objects.get(aid="KIP", member=toddler).status == AidStatus.ELIGIBLE
    member_save(
        household=family,
        member=toddler,
        by=facilitator,
        components=Component.objects.filter(code="ANAK_USIA_DINI"),
    )
    assert AidEnrolment.objects.get(aid="KIP", member=toddler).status == AidStatus.NOT_ELIGIBLE


def test_family_leaving_the_programme_leaves_the_figures(family, admin_user):
    household_update(
        household=family,
        by=admin_user,
        status=HouseholdStatus.EXITED,
        status_date=TODAY,
        status_reason="Pindah ke luar kabupaten",
        exit_type=ExitType.MOVED,
    )
    assert not AidEnrolment.objects.filter(household=family, in_programme=True).exists()
    assert AidEnrolment.objects.get(household=family, aid="KKS").status == AidStatus.NOT_ELIGIBLE


def test_deleting_a_user_still_clears_the_copies_and_audit_rows_that_name_them(family):
    """The aid rows' facilitator copy and the audit rows' user carry no database
    constraint (assistance 0004, households 0006): deleting a user through the ORM
    still sets them to NULL, so no row is left naming a user who is gone."""
    old = FacilitatorFactory()
    enrolment = AidEnrolment.objects.filter(household=family).first()
    AidEnrolment.objects.filter(pk=enrolment.pk).update(facilitator=old)
    AidEnrolment.history.filter(id=enrolment.pk).update(history_user=old)
    Household.history.filter(id=family.pk).update(history_user=old)
    Member.history.filter(household_id=family.pk).update(history_user=old)
    gone = old.pk
    old.delete()
    enrolment.refresh_from_db()
    assert enrolment.facilitator_id is None
    assert not AidEnrolment.history.filter(history_user_id=gone).exists()
    assert not Household.history.filter(history_user_id=gone).exists()
    assert not Member.history.filter(history_user_id=gone).exists()
    assert Household.history.filter(id=family.pk, history_user__isnull=True).exists()
