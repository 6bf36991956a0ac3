"""Each action rule of ``pkh/permissions.py``: the right user is allowed, the wrong one
(another facilitator, another team's supervisor, another region's admin, no role)
refused."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.tests.factories import AdminFactory, FacilitatorFactory, SupervisorFactory
from fds_sessions.tests.factories import GroupFactory
from households.tests.factories import HouseholdFactory, VisitFactory, ensure_regions
from pkh import permissions as p
from regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    ensure_regions()
    bantul = Region.objects.get(code="34.02")
    semarang = Region.objects.get(code="33.74")

    class W:
        supervisor = SupervisorFactory()
        owner = FacilitatorFactory(supervisor=supervisor)
        colleague = FacilitatorFactory(supervisor=supervisor)  # same team, other families
        other_supervisor = SupervisorFactory()
        stranger = FacilitatorFactory(supervisor=other_supervisor)
        admin = AdminFactory(areas=[bantul])
        other_admin = AdminFactory(areas=[semarang])
        anonymous = AnonymousUser()

    w = W()
    w.household = HouseholdFactory(facilitator=w.owner)  # a village of Bantul
    return w


def who(w, names):
    return [getattr(w, n) for n in names]


FACILITATORS = ["owner", "colleague", "stranger"]
LEADS = ["supervisor", "other_supervisor", "admin", "other_admin"]
EVERYONE = FACILITATORS + LEADS + ["anonymous"]


def check(w, rule, allowed):
    for name in EVERYONE:
        assert rule(getattr(w, name)) is (name in allowed), name


def test_role_sets_are_named_once():
    assert set(p.EVERY_ROLE) == set(p.FACILITATORS + p.SUPERVISORS + p.ADMINS)
    assert set(p.LEADS) == set(p.SUPERVISORS + p.ADMINS)
    assert set(p.FAMILY_EDITORS) == set(p.FACILITATORS + p.ADMINS)


def test_is_owner(world):
    check(world, lambda u: p.is_owner(u, world.household), {"owner"})


def test_is_owner_ignores_a_missing_user_on_an_unassigned_family(world):
    world.household.facilitator_id = None
    assert not p.is_owner(world.anonymous, world.household)


def test_carries_complaint(world):
    class Ticket:
        facilitator_id = world.owner.pk

    check(world, lambda u: p.carries_complaint(u, Ticket), {"owner"})
    Ticket.facilitator_id = None
    assert not p.carries_complaint(world.anonymous, Ticket)
    assert not p.carries_complaint(world.owner, Ticket)


def test_may_log_visit(world):
    check(world, lambda u: p.may_log_visit(u, world.household), {"owner"})


def test_may_log_visit_refuses_an_owner_who_is_no_longer_a_facilitator(world):
    world.owner.role = "supervisor"
    assert p.is_owner(world.owner, world.household)
    assert not p.may_log_visit(world.owner, world.household)


def test_may_edit_visit(world):
    visit = VisitFactory(household=world.household)
    check(world, lambda u: p.may_edit_visit(u, visit), {"owner"})


def test_may_edit_household(world):
    # The admin's check relies on the scoped selector (another region's family is 404).
    check(
        world,
        lambda u: p.may_edit_household(u, world.household),
        {"owner", "admin", "other_admin"},
    )


def test_may_change_household_status(world):
    check(world, p.may_change_household_status, {"admin", "other_admin"})


def test_may_see_audit(world):
    check(world, p.may_see_audit, set(LEADS))


def test_may_transfer(world):
    check(world, p.may_transfer, {"admin", "other_admin"})


def test_may_edit_aid(world):
    check(world, lambda u: p.may_edit_aid(u, world.household), {"owner", "admin"})


def test_may_edit_aid_refuses_an_inactive_admin(world):
    world.admin.is_active = False
    assert not p.may_edit_aid(world.admin, world.household)


def test_may_manage_resources(world):
    check(world, p.may_manage_resources, set(LEADS))


def test_may_manage_case(world):
    check(world, lambda u: p.may_manage_case(u, world.household), {"owner"})


def test_may_create_fds_group(world):
    check(world, p.may_create_fds_group, set(FACILITATORS))


def test_may_manage_fds_group(world):
    group = GroupFactory(facilitator=world.owner)
    check(world, lambda u: p.may_manage_fds_group(u, group), {"owner"})


def test_may_import(world):
    check(world, p.may_import, {"admin", "other_admin"})
    world.admin.is_active = False
    assert not p.may_import(world.admin)


def test_may_run_reports(world):
    # Which facilitators a lead may (re)make reports for is the scope
    # (``households.selectors.facilitator_list``), checked by the service.
    check(world, p.may_run_reports, set(LEADS))


def test_may_manage_users(world):
    check(world, p.may_manage_users, {"admin", "other_admin"})


def test_role_helpers(world):
    check(world, p.is_facilitator, set(FACILITATORS))
    check(world, p.is_supervisor, {"supervisor", "other_supervisor"})
    check(world, p.is_admin, {"admin", "other_admin"})
    check(world, p.is_lead, set(LEADS))
