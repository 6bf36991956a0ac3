"""The report and team pages on a 360-px phone screen, in headless Chromium."""

import pytest
from django.urls import reverse

from reports import services
from reports.models import ProgressReport, Trigger
from reports.tests.conftest import Q

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("component_rows"),
]

PHONE = {"width": 360, "height": 740}


def _login(page, live_server, username):
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", "rahasia-123")
    page.press("#id_password", "Enter")
    page.wait_for_url(live_server.url + reverse("home"))


def _charts(page) -> int:
    return page.evaluate(
        "Array.from(document.querySelectorAll('canvas[data-chart]'))"
        ".filter(c => window.Chart && Chart.getChart(c) && c.width > 0).length"
    )


def test_report_and_team_pages_read_well_on_a_phone(browser, live_server, seeded, tmp_path):
    services.report_run_create(quarter=Q, facilitators=seeded, by=None, trigger=Trigger.SCHEDULE)
    report = ProgressReport.objects.get(facilitator__username="pendamping1")
    page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    _login(page, live_server, "supervisor1")

    page.goto(live_server.url + reverse("reports:detail", args=[report.pk]))
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert _charts(page) == 2, "component and visit charts are drawn"
    page.screenshot(path=str(tmp_path / "report-360.png"), full_page=True)

    page.goto(live_server.url + reverse("reports:team") + f"?triwulan={Q}")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert _charts(page) == 1
    page.screenshot(path=str(tmp_path / "team-360.png"), full_page=True)
