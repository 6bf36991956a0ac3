import io

import pytest

from assistance.demo import seed_assistance
from assistance.models import AdvocacyCase, AidEnrolment, AidStatus, Resource
from households.models import Household
from households.tests.factories import household_with_members
from pkh import extensions
from pkh.extensions import families_changed

pytestmark = pytest.mark.django_db


def test_demo_seeder_is_registered_and_idempotent(facilitator):
    assert seed_assistance in extensions.demo_seeders
    for _ in range(12):
        household_with_members(facilitator=facilitator)
    seed_assistance(stdout=io.StringIO())
    counts = (
        Resource.objects.count(),
        AdvocacyCase.objects.count(),
        AidEnrolment.objects.filter(status=AidStatus.RECEIVING).count(),
        AidEnrolment.history.count(),
    )
    assert counts[0] == 10 and counts[1] >= 4 and counts[2] > 0
    assert AidEnrolment.objects.filter(status=AidStatus.ELIGIBLE).exists()  # a gap to show
    seed_assistance(stdout=io.StringIO())
    assert (
        Resource.objects.count(),
        AdvocacyCase.objects.count(),
        AidEnrolment.objects.filter(status=AidStatus.RECEIVING).count(),
        AidEnrolment.history.count(),
    ) == counts


def test_bulk_household_changes_refresh_eligibility(facilitator):
    household = household_with_members(facilitator=facilitator)
    Household.objects.filter(pk=household.pk).update(status="exited")  # e.g. an import
    families_changed({household.pk}, fields={"status"})
    assert not AidEnrolment.objects.filter(household=household, in_programme=True).exists()


def test_reassignment_moves_the_aid_rows_without_a_refresh(
    facilitator, other_facilitator, admin_user, django_assert_max_num_queries
):
    from assistance.selectors.coverage import aid_coverage_by_facilitator
    from assistance.selectors.gap import aid_gap_list
    from households.services import households_transfer

    household = household_with_members(facilitator=facilitator)
    Household.objects.filter(pk=household.pk).update(facilitator=other_facilitator)
    # One UPDATE and a rollup recount here, plus the FDS memberships' sync (every
    # reaction runs): a fixed handful of queries, whatever the rows.
    with django_assert_max_num_queries(20):
        families_changed({household.pk}, fields={"facilitator", "fds_group"})
    assert set(
        AidEnrolment.objects.filter(household=household).values_list("facilitator_id", flat=True)
    ) == {other_facilitator.pk}
    households_transfer(households=[household.pk], to_facilitator=facilitator, by=admin_user)
    assert aid_gap_list(user=facilitator).filter(household=household).exists()
    assert not aid_gap_list(user=other_facilitator).exists()
    assert [r.key for r in aid_coverage_by_facilitator(user=admin_user)] == [facilitator.pk]


def test_stale_copy_never_shows_a_family_to_the_wrong_facilitator(facilitator, other_facilitator):
    from assistance.selectors.gap import aid_gap_list

    household = household_with_members(facilitator=facilitator)
    AidEnrolment.objects.filter(household=household).update(facilitator=other_facilitator)
    assert not aid_gap_list(user=other_facilitator).exists()
