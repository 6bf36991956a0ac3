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


def _make_reports(**kwargs):
    """The quarter's run, with every item produced in this process as well.

    These tests are about the pages: producing each item here (idempotent) keeps them
    independent of how the suite left the task dispatch; a failed item shows its error.
    """
    run = services.report_run_create(**kwargs)
    for item in run.items.all():
        services.report_item_generate(item_id=item.pk)
    errors = [(i.facilitator_id, i.status, i.error) for i in run.items.all() if i.error]
    assert not errors, errors
    return run


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
    _make_reports(quarter=Q, facilitators=seeded, by=None, trigger=Trigger.SCHEDULE)
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


@pytest.fixture
def catalogue_rows(component_rows):
    """The P2K2 curriculum and the aid catalogue, seeded by data migrations and emptied by
    a transactional test's flush: put them back (idempotent)."""
    import importlib

    from django.apps import apps

    for name in (
        "fds_sessions.migrations.0003_seed_curriculum",
        "assistance.migrations.0002_seed_aid_catalogue",
    ):
        importlib.import_module(name).seed(apps, None)


@pytest.mark.usefixtures("catalogue_rows")
def test_attendance_trend_and_aid_charts_fit_a_phone(browser, live_server, seeded, tmp_path):
    import datetime

    from assistance.models import AidEnrolment, AidStatus
    from fds_sessions.tests.factories import GroupFactory, add_families, held_session

    facilitator = seeded[0]
    group = GroupFactory(facilitator=facilitator)
    families = add_families(group, 3)
    for days in (-40, 10, 50):
        day = Q.first_day + datetime.timedelta(days=days)
        held_session(group, day, {h.pk: "present" for h in families[:2]})
    for i, row in enumerate(AidEnrolment.objects.filter(household__facilitator=facilitator)):
        row.status = [AidStatus.RECEIVING, AidStatus.ELIGIBLE][i % 2]
        row._history_date = Q.start + datetime.timedelta(days=5)
        row.save()
    _make_reports(quarter=Q, facilitators=[facilitator], by=None, trigger=Trigger.SCHEDULE)
    report = ProgressReport.objects.get(facilitator=facilitator)
    errors = []
    page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page.on("pageerror", lambda exc: errors.append(str(exc)))  # a script that threw
    _login(page, live_server, facilitator.username)
    page.goto(live_server.url + reverse("reports:detail", args=[report.pk]))
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert _charts(page) == 4, "components, visits, attendance trend and aid coverage"
    widths = page.evaluate(
        "['chart-attendance', 'chart-aid'].map(id => document.querySelector("
        '`canvas[data-source="${id}"]`).getBoundingClientRect().width)'
    )
    assert all(0 < w <= PHONE["width"] for w in widths), widths
    assert (
        page.evaluate(
            "Chart.getChart(document.querySelector('canvas[data-source=\"chart-attendance\"]'))"
            ".config.type"
        )
        == "line"
    )
    assert not errors, errors
    page.screenshot(path=str(tmp_path / "report-charts-360.png"), full_page=True)
