"""The home page's to-do list on a 360-px phone with 40 follow-ups (issue 19: one flat
list ran about 4,000 px long)."""

import pytest
from django.urls import reverse

from e2e.journey import PHONE, Journey
from home.tests.test_home import followups

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Three groups of five items, their headings and the two figure cards.
MAX_HEIGHT = 2000


def test_forty_follow_ups_fit_a_reasonable_page(browser, live_server, facilitator):
    followups(facilitator, *[-3] * 20, *[0] * 5, *[4] * 15)
    j = Journey(browser, live_server, device=PHONE)
    j.login("pendamping1")
    page = j.page
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= MAX_HEIGHT, f"the to-do list is {height} px long on a phone"
    assert page.locator("[data-kind=visit_followup]").count() == 15
    j.assert_fits()
    j.tap(
        page.locator("[data-group='terlambat.visit_followup']").get_by_role(
            "link", name="Lihat semua (20)"
        )
    )
    page.wait_for_url(live_server.url + reverse("home") + "?grup=terlambat.visit_followup")
    assert page.locator("[data-kind=visit_followup]").count() == 20
    j.assert_fits()
