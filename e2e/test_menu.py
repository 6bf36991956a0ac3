"""The main menu of every role, from a phone to a wide screen: every entry can be reached
and none sticks out of the screen.

Regression: the admin's twelve entries did not fit a 1280-px laptop; the bar ran 1 px
past the screen, "Impor roster" was cut off and "Keluar" touched the edge.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from e2e.journey import Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [360, 768, 1024, 1280, 1440]


@pytest.mark.parametrize("username", ["admin1", "supervisor1", "pendamping1"])
def test_menu_fits_every_screen(browser, live_server, admin_user, facilitator, username):
    j = Journey(browser, live_server, device={"viewport": {"width": 1280, "height": 800}})
    page = j.page
    j.login(username)
    entries = page.locator("#mainnav .nav-link")
    labels = entries.all_inner_texts()
    assert len(labels) >= 5
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        toggler = page.locator(".navbar-toggler")
        if toggler.is_visible():
            toggler.click()
            expect(page.locator("#mainnav")).to_be_visible()
        j.assert_fits()
        for i in range(entries.count()):
            j.assert_on_screen(entries.nth(i))
            # One line per entry: a label broken over two lines reads as two entries.
            box = entries.nth(i).bounding_box()
            assert box["height"] < 45, f"{labels[i]!r} wraps at {width} px"
        j.assert_on_screen(page.get_by_role("button", name="Keluar"))
        if toggler.is_visible():
            toggler.click()
            expect(page.locator("#mainnav")).to_be_hidden()
