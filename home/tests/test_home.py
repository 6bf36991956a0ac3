"""The home page's to-do list (issue 19): grouped by when and kind with counts, the
family's name first, a few items per group with "lihat semua", constant queries; for
supervisors and admins, whose families they are and a link to the filtered caseload."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from households.tests.factories import HouseholdFactory, VisitFactory, household_with_members
from pkh.todo import GROUP_PAGE_SIZE, GROUP_PREVIEW

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def followups(facilitator, *offsets):
    """A family per offset, its latest visit asking for a follow-up ``offset`` days from
    today (negative: overdue)."""
    today = timezone.localdate()
    households = []
    for offset in offsets:
        household = HouseholdFactory(facilitator=facilitator)
        VisitFactory(
            household=household, date=today - 10 * DAY, follow_up_date=today + offset * DAY
        )
        households.append(household)
    return households


def sections(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-bucket="([^"]+)".*?<h2[^>]*>(.*?)</h2>', html, re.S))


def test_to_do_list_is_grouped_by_when_with_counts(client, facilitator):
    followups(facilitator, *[-3] * 20, *[0] * 5, *[4] * 15)
    client.force_login(facilitator)
    response = client.get(reverse("home"))
    html = response.content.decode()
    heads = sections(html)
    assert list(heads) == ["terlambat", "hari-ini", "minggu-ini"]
    assert ">20<" in heads["terlambat"] and "Terlambat" in heads["terlambat"]
    assert ">5<" in heads["hari-ini"] and ">15<" in heads["minggu-ini"]
    # A few items per group, not 40.
    assert html.count('data-kind="visit_followup"') == 3 * GROUP_PREVIEW
    assert 'href="?grup=terlambat.visit_followup"' in html
    assert "Lihat semua (20)" in html
    assert "Lihat semua (15)" in html


def test_family_name_leads_each_item(client, facilitator):
    household = household_with_members(facilitator=facilitator)
    VisitFactory(household=household, follow_up_date=timezone.localdate() - DAY)
    client.force_login(facilitator)
    html = client.get(reverse("home")).content.decode()
    item = re.search(r'<li[^>]*data-kind="visit_followup".*?</li>', html, re.S).group(0)
    first_line = re.search(r'<div class="([^"]*)">([^<]*)</div>', item)
    assert first_line.group(1) == "fw-semibold"
    assert first_line.group(2) == household.members.get(is_pengurus=True).name
    # The kind is the group's heading, not repeated on every item.
    assert "Kunjungan tindak lanjut" not in item


def test_a_group_shown_whole_page_by_page(client, facilitator):
    followups(facilitator, *[-2] * (GROUP_PAGE_SIZE + 3), 1)
    client.force_login(facilitator)
    response = client.get(reverse("home"), {"grup": "terlambat.visit_followup"})
    html = response.content.decode()
    assert html.count('data-kind="visit_followup"') == GROUP_PAGE_SIZE
    assert "?grup=terlambat.visit_followup&page=2" in html
    page2 = client.get(reverse("home"), {"grup": "terlambat.visit_followup", "page": 2})
    assert page2.content.decode().count('data-kind="visit_followup"') == 3


def test_an_unknown_group_is_404(client, facilitator):
    client.force_login(facilitator)
    assert client.get(reverse("home"), {"grup": "terlambat.nothing"}).status_code == 404


def test_home_queries_do_not_grow_with_items(client, facilitator, django_assert_max_num_queries):
    followups(facilitator, -1)
    client.force_login(facilitator)
    client.get(reverse("home"))
    # 13: one per to-do source that finds nothing (the commitment sanctions' one included).
    with django_assert_max_num_queries(13) as few:
        client.get(reverse("home"))
    followups(facilitator, *[-3] * 20, *[0] * 10, *[5] * 20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("home"))
    assert len(response.context["todo_items"]) == 51


# --- supervisors and admins -----------------------------------------------------------


@pytest.mark.parametrize("role", ["supervisor", "admin_user"])
def test_team_overdue_follow_ups_name_the_facilitator_and_link_to_the_caseload(
    client, request, facilitator, other_facilitator, role
):
    followups(facilitator, -3, -1, 2)
    followups(other_facilitator, -5)
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("home"))
    html = response.content.decode()
    summary = html.split("data-overdue-by-facilitator", 1)[1].split("</section>", 1)[0]
    caseload = reverse("households:caseload")
    mine = f"{caseload}?pendamping={facilitator.pk}&tindak_lanjut_terlambat=on"
    assert mine in summary
    assert f"?pendamping={other_facilitator.pk}&tindak_lanjut_terlambat=on" in summary
    assert str(facilitator) in summary and "2 keluarga" in summary
    # Each family on the to-do list says whose it is.
    assert f"Pendamping: {facilitator}" in html
    assert f"Pendamping: {other_facilitator}" in html


def test_the_link_opens_that_facilitators_overdue_families(
    client, supervisor, facilitator, other_facilitator
):
    late, _soon = followups(facilitator, -3, 2)
    (theirs,) = followups(other_facilitator, -5)
    cleared = followups(facilitator, -4)[0]
    VisitFactory(household=cleared, date=timezone.localdate())  # the follow-up was made
    client.force_login(supervisor)
    response = client.get(
        reverse("households:caseload"),
        {"pendamping": facilitator.pk, "tindak_lanjut_terlambat": "on"},
    )
    assert [h.pk for h in response.context["page"]] == [late.pk]


def test_facilitators_see_no_team_summary(client, facilitator):
    followups(facilitator, -3)
    client.force_login(facilitator)
    html = client.get(reverse("home")).content.decode()
    assert "data-overdue-by-facilitator" not in html
    assert "Pendamping:" not in html


def test_the_team_summary_stays_in_the_supervisors_team(
    client, other_supervisor, facilitator, other_team_facilitator
):
    followups(facilitator, -3)
    followups(other_team_facilitator, -2)
    client.force_login(other_supervisor)
    html = client.get(reverse("home")).content.decode()
    assert f'data-facilitator="{other_team_facilitator.pk}"' in html
    assert f'data-facilitator="{facilitator.pk}"' not in html


def test_team_summary_queries_do_not_grow(
    client, supervisor, facilitator, other_facilitator, django_assert_max_num_queries
):
    followups(facilitator, -1)
    client.force_login(supervisor)
    client.get(reverse("home"))
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("home"))
    followups(facilitator, *[-3] * 15)
    followups(other_facilitator, *[-2] * 15, *[1] * 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("home"))
