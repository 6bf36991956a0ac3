"""The main menu of every role, from a phone to a wide screen: every entry can be reached
and none sticks out of the screen.

Regression: the admin's twelve entries did not fit a 1280-px laptop; the bar ran 1 px
past the screen, "Impor roster" was cut off and "Keluar" touched the edge.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from e2e.journey import Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [360, 768, 1024, 1280]
# Each menu entry and the sign-out button: its text, left and right edges and height.
BOXES = """() => Array.from(document.querySelectorAll('#mainnav .nav-link, #mainnav button'))
  .map(e => { const r = e.getBoundingClientRect();
              return {text: e.innerText, left: r.left, right: r.right, height: r.height}; })"""


@pytest.mark.parametrize("username", ["admin1", "supervisor1", "pendamping1"])
def test_menu_fits_every_screen(browser, live_server, admin_user, facilitator, username):
    j = Journey(browser, live_server, device={"viewport": {"width": 1280, "height": 800}})
    page = j.page
    j.login(username)
    assert page.locator("#mainnav .nav-link").count() >= 5
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        toggler = page.locator(".navbar-toggler")
        if toggler.is_visible():
            toggler.click()
            expect(page.locator("#mainnav")).to_have_class(re.compile(r"\bshow\b"))
        j.assert_fits()
        for box in page.evaluate(BOXES):
            assert box["left"] >= 0 and box["right"] <= width, f"{box} is off a {width}-px screen"
            # One line per entry: a label broken over two lines reads as two entries.
            assert box["height"] < 45, f"{box} wraps on a {width}-px screen"
        if toggler.is_visible():
            toggler.click()
            expect(page.locator("#mainnav")).to_be_hidden()
