"""The assessment on a 360-px phone screen, in headless Chromium."""

import pytest
from django.urls import reverse

from graduation.models import GraduationAssessment
from graduation.services import pipeline as pipeline_services
from graduation.tests.factories import ensure_default_form
from households.tests.factories import household_with_members
from pkh.testing import phone_page_signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_assess_a_family_on_a_phone(browser, live_server, facilitator, tmp_path):
    form = ensure_default_form()
    household = household_with_members(facilitator=facilitator)
    page = phone_page_signed_in(browser, live_server)

    page.goto(live_server.url + reverse("households:detail", args=[household.pk]))
    page.click("text=Nilai kesejahteraan")
    page.wait_for_url(
        live_server.url + reverse("graduation:assessment_create", args=[household.pk])
    )
    assert _overflow(page) <= 0, "assessment form scrolls sideways on a phone"
    indicators = page.locator("[data-indicator]")
    assert indicators.count() == form.indicators.count()
    # Skip the last indicator: the page must refuse and mark it.
    for i in range(indicators.count() - 1):
        label = indicators.nth(i).locator("label.form-check-label").last
        box = label.bounding_box()
        assert box["height"] >= 20 and box["width"] >= 200, "answer too small to tap"
        label.click()
    page.click("button[type=submit][data-once]")
    assert "Indikator ini wajib dijawab." in page.content()
    assert GraduationAssessment.objects.count() == 0
    indicators.last.locator("label.form-check-label").last.click()
    page.screenshot(path=str(tmp_path / "assessment-360.png"), full_page=True)
    page.click("button[type=submit][data-once]")
    page.wait_for_url(lambda url: "/graduasi/penilaian/" in url)
    assert "100%" in page.content()
    assert _overflow(page) <= 0, "assessment result scrolls sideways on a phone"
    assert GraduationAssessment.objects.get().score_pct == 100


@pytest.mark.parametrize(("username", "tabs"), [("pendamping1", 6), ("supervisor1", 8)])
def test_pipeline_board_fits_a_phone(browser, live_server, facilitator, username, tabs):
    """The board's columns stack on a phone and every tab of the graduation menu is on
    screen: neither the page nor the board scrolls sideways (issue 19)."""
    for _ in range(3):
        pipeline_services.pipeline_add(
            household=household_with_members(facilitator=facilitator), by=facilitator
        )
    page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", "rahasia-123")
    page.press("#id_password", "Enter")
    page.wait_for_url(live_server.url + reverse("home"))

    page.goto(live_server.url + reverse("graduation:pipeline"))
    width, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width <= client, f"the page scrolls sideways: {width} px in {client} px"
    for selector in (".pipeline-board", "[aria-label='Menu graduasi']"):
        inner, outer = page.evaluate(
            f"(e => [e.scrollWidth, e.clientWidth])(document.querySelector({selector!r}))"
        )
        assert inner <= outer, f"{selector} scrolls sideways: {inner} px in {outer} px"
    links = page.locator("[aria-label='Menu graduasi'] a.nav-link")
    assert links.count() == tabs
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        name = links.nth(i).inner_text()
        assert links.nth(i).is_visible(), f"tab {name} hidden"
        assert box["x"] >= 0 and box["x"] + box["width"] <= client, f"tab {name} off screen"
        assert box["y"] + box["height"] <= PHONE["height"], f"tab {name} below the screen"
    columns = page.locator(".pipeline-col")
    assert columns.count() == 7
    for i in range(columns.count()):
        box = columns.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= client, "a column is off screen"
