"""What every journey does the same way: sign in through the form, use the main menu (the
collapsed one on a phone), check that a page fits the screen, and read figures.

The journeys use Playwright's ``expect``, which waits (up to ``TIMEOUT`` ms) for the page to
show what is asserted: htmx swaps and redirects need no sleeps.
"""

from __future__ import annotations

import re

from django.urls import reverse
from playwright.sync_api import Page, expect

PASSWORD = "rahasia-123"  # every factory user's password (accounts/tests/factories.py)
TIMEOUT = 15_000  # ms; a loaded CI machine renders a page in well under a second

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}

expect.set_options(timeout=TIMEOUT)


class Journey:
    """One user in one browser context, against the live server."""

    def __init__(self, browser, live_server, *, device: dict, accept_downloads=False):
        self.browser = browser
        self.base = live_server.url
        self.context = browser.new_context(**device, accept_downloads=accept_downloads)
        self.context.set_default_timeout(TIMEOUT)
        self.page: Page = self.context.new_page()
        self.phone = device.get("is_mobile", False)

    def url(self, name: str, *args) -> str:
        return self.base + reverse(name, args=args)

    def tap(self, locator) -> None:
        """Tap on a phone (touch), click on a desktop; the target must be on screen."""
        locator.scroll_into_view_if_needed()
        self.assert_on_screen(locator)
        if self.phone:
            locator.tap()
        else:
            locator.click()

    def assert_on_screen(self, locator) -> None:
        box = locator.bounding_box()
        assert box is not None, f"{locator} is not visible"
        width = self.page.viewport_size["width"]
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (
            f"{locator} sticks out of the {width}-px screen: {box}"
        )

    def assert_fits(self) -> None:
        """No sideways scrolling (a phone shows the page whole in its width), and no page
        error so far."""
        overflow = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{self.page.url} scrolls sideways by {overflow} px"
        self.browser.assert_no_page_errors()

    def login(self, username: str) -> None:
        page = self.page
        page.goto(self.url("login"))
        expect(page.locator("h1")).to_have_text("Masuk ke Pendamping")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        self.tap(page.get_by_role("button", name="Masuk", exact=True))
        page.wait_for_url(self.url("home"))
        expect(page.locator("h1")).to_have_text("Daftar tugas")
        self.assert_fits()

    def menu(self, label: str) -> None:
        """Follow an entry of the main menu; on a phone, open the collapsed menu first, and
        "Lainnya" when the entry is under it."""
        page = self.page
        toggler = page.locator(".navbar-toggler")
        if toggler.is_visible():
            self.tap(toggler)
            expect(page.locator("#mainnav")).to_be_visible()
        more = page.locator("#mainnav [data-nav-more]")
        under_more = more.locator(".dropdown-item").filter(
            has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")
        )
        if under_more.count() and not under_more.is_visible():
            self.tap(more.locator(".dropdown-toggle"))
        link = page.locator("#mainnav").get_by_role("link", name=label, exact=True)
        href = link.get_attribute("href")
        self.tap(link)
        page.wait_for_url(self.base + href)

    def messages(self) -> list[str]:
        return [t.strip() for t in self.page.locator("main > .alert").all_inner_texts()]

    def expect_message(self, text: str) -> None:
        expect(self.page.locator("main > .alert").filter(has_text=text)).to_be_visible()


def number(text: str) -> int:
    """The integer shown in a badge or a figure ("1.234" reads as 1234)."""
    digits = re.sub(r"[^\d]", "", text)
    assert digits, f"no number in {text!r}"
    return int(digits)
