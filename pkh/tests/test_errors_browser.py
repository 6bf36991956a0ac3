"""The error pages on a 360-px phone screen, in headless Chromium: the app's frame fits
the screen and the way home can be tapped."""

import pytest
from django.urls import reverse

from pkh.testing import phone_page_signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def test_error_pages_fit_a_phone(browser, live_server, facilitator):
    page = phone_page_signed_in(browser, live_server)
    for path, heading in [
        ("/tidak-ada/", "Halaman tidak ditemukan"),
        (reverse("imports:list"), "Akses ditolak"),  # an admin page, for a facilitator
    ]:
        page.goto(live_server.url + path)
        assert page.locator("h1").inner_text() == heading
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        home = page.get_by_role("link", name="Kembali ke beranda")
        box = home.bounding_box()
        assert box["x"] + box["width"] <= PHONE["width"] and box["height"] >= 36
        home.click()
        page.wait_for_url(live_server.url + reverse("home"))
    # Chromium reports each page's own error status on the console; nothing else may fail.
    expected = [
        f"status of 404 (Not Found) ({live_server.url}/tidak-ada/:0)",
        f"status of 403 (Forbidden) ({live_server.url}{reverse('imports:list')}:0)",
    ]
    browser.problems[:] = [p for p in browser.problems if not any(e in p for e in expected)]
