"""What the FDS app shows on other apps' pages: family panel, home to-do, menu, transfer."""

import datetime

import pytest
from django.urls import reverse

from conftest import login
from fds_sessions.models import GroupMembership
from fds_sessions.tests.factories import add_families, held_session
from fds_sessions.tests.views.helpers import A, P, today
from households.models import VisitPurpose
from households.tests.factories import VisitFactory
from regions.models import Region

pytestmark = pytest.mark.django_db


def test_family_page_panel(client, group, facilitator, other_facilitator):
    family = add_families(group, 1, joined_on=datetime.date(today().year, 1, 1))[0]
    held_session(group, today(), {family.pk: P})
    page = login(client, facilitator).get(reverse("households:detail", args=[family.pk]))
    html = page.content.decode()
    assert 'data-panel="fds_sessions/family_panel.html"' in html
    assert group.name in html and "100% (1/1)" in html


def test_home_todo_lists_absent_twice_until_followup_visit(client, group, facilitator):
    family = add_families(group, 1)[0]
    held_session(group, today() - datetime.timedelta(days=40), {family.pk: A})
    held_session(group, today() - datetime.timedelta(days=10), {family.pk: A})
    login(client, facilitator)
    assert 'data-kind="fds_followup"' in client.get(reverse("home")).content.decode()
    VisitFactory(household=family, date=today(), purpose=VisitPurpose.FDS_FOLLOWUP)
    assert 'data-kind="fds_followup"' not in client.get(reverse("home")).content.decode()


def test_menu_entries(client, facilitator, admin_user):
    page = login(client, facilitator).get(reverse("home")).content.decode()
    assert reverse("fds_sessions:group_list") in page
    assert reverse("fds_sessions:module_list") not in page
    page = login(client, admin_user).get(reverse("home")).content.decode()
    assert reverse("fds_sessions:module_list") in page


def test_transfer_page_closes_group_membership(client, group, admin_user, other_facilitator):
    family = add_families(group, 1)[0]
    response = login(client, admin_user).post(
        reverse("households:transfer"),
        {
            "from_facilitator": group.facilitator_id,
            "to_facilitator": other_facilitator.pk,
            "households": [family.pk],
            "reason": "Pemerataan beban",
        },
    )
    assert response.status_code == 302
    assert GroupMembership.objects.get(household=family).left_on == today()
    assert Region.objects.filter(code="34.02.09.2001").exists()


def test_followups_only_on_the_facilitators_list(client, group, supervisor, admin_user):
    family = add_families(group, 1)[0]
    held_session(group, today() - datetime.timedelta(days=40), {family.pk: A})
    held_session(group, today() - datetime.timedelta(days=10), {family.pk: A})
    page = login(client, group.facilitator).get(reverse("home")).content.decode()
    assert 'data-kind="fds_followup"' in page
    page = login(client, supervisor).get(reverse("home")).content.decode()
    assert 'data-kind="fds_followup"' not in page
    page = login(client, admin_user).get(reverse("home")).content.decode()
    assert 'data-kind="fds_followup"' not in page
