"""The visit form on a 360-px phone screen, in headless Chromium."""

import pytest
from django.urls import reverse

from households.models import Visit
from households.tests.factories import household_with_members
from pkh.testing import phone_page_signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_log_a_visit_on_a_phone(browser, live_server, facilitator, tmp_path):
    household = household_with_members(facilitator=facilitator)
    page = phone_page_signed_in(browser, live_server)

    page.goto(live_server.url + reverse("households:caseload"))
    assert _overflow(page) <= 0, "caseload scrolls sideways on a phone"
    page.click(f"a[href='{reverse('households:detail', args=[household.pk])}']")
    page.wait_for_url(live_server.url + reverse("households:detail", args=[household.pk]))
    assert _overflow(page) <= 0, "family page scrolls sideways on a phone"
    page.click("text=Catat kunjungan")
    page.wait_for_url(live_server.url + reverse("households:visit_create", args=[household.pk]))
    assert _overflow(page) <= 0, "visit form scrolls sideways on a phone"
    save = page.locator("button[type=submit][data-once]")
    box = save.bounding_box()
    assert box["width"] >= 300 and box["height"] >= 44, "save button too small to tap"

    page.select_option("#id_purpose", "advokasi_bansos")
    page.fill("#id_notes", "KKS terblokir, diantar ke BRI unit Jetis.")
    page.screenshot(path=str(tmp_path / "visit-form-360.png"), full_page=True)
    save.click()
    page.wait_for_url(live_server.url + reverse("households:detail", args=[household.pk]))
    assert "Kunjungan dicatat." in page.content()
    visit = Visit.objects.get()
    assert (visit.purpose, visit.notes) == (
        "advokasi_bansos",
        "KKS terblokir, diantar ke BRI unit Jetis.",
    )


def test_future_date_error_is_visible_on_a_phone(browser, live_server, facilitator):
    import datetime

    household = household_with_members(facilitator=facilitator)
    page = browser.new_page(viewport=PHONE)
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", "pendamping1")
    page.fill("#id_password", "rahasia-123")
    page.press("#id_password", "Enter")
    page.goto(live_server.url + reverse("households:visit_create", args=[household.pk]))
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    page.fill("#id_date", tomorrow)
    page.click("button[type=submit][data-once]")
    error = page.locator(".invalid-feedback")
    assert "Tanggal kunjungan tidak boleh di masa depan." in error.first.inner_text()
    assert error.first.is_visible()
    assert Visit.objects.count() == 0


PLACEHOLDER_FITS = """() => {
  const input = document.querySelector('input[name=q]');
  const style = getComputedStyle(input);
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return {text: ctx.measureText(input.placeholder).width, room: room,
          scroll: input.scrollWidth, client: input.clientWidth};
}"""


def test_caseload_search_placeholder_fits_a_phone(browser, live_server, facilitator):
    """Issue 19: the placeholder was cut off at 360 px."""
    from e2e.journey import PHONE, Journey

    household_with_members(facilitator=facilitator)
    j = Journey(browser, live_server, device=PHONE)
    j.login("pendamping1")
    j.page.goto(live_server.url + reverse("households:caseload"))
    box = j.page.evaluate(PLACEHOLDER_FITS)
    assert box["scroll"] <= box["client"], box
    assert box["text"] <= box["room"], f"the search placeholder is cut off: {box}"
    j.assert_fits()
