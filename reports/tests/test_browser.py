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
    """Charts drawn: Chart.js canvases (team, district) and server-drawn SVG (report)."""
    return page.evaluate(
        "Array.from(document.querySelectorAll('canvas[data-chart]'))"
        ".filter(c => window.Chart && Chart.getChart(c) && c.width > 0).length"
        " + Array.from(document.querySelectorAll('svg.report-chart'))"
        ".filter(s => s.getBoundingClientRect().width > 0).length"
    )


# Each chart's text boxes as drawn (getBBox, the browser's own font), in viewBox units.
CHART_LABELS = """Array.from(document.querySelectorAll('svg.report-chart')).map(svg => ({
  key: svg.dataset.chart,
  view: {width: svg.viewBox.baseVal.width, height: svg.viewBox.baseVal.height},
  width: svg.getBoundingClientRect().width,
  right: svg.getBoundingClientRect().right,
  boxes: Array.from(svg.querySelectorAll('text')).map(t => {
    const b = t.getBBox(); return {x: b.x, y: b.y, w: b.width, h: b.height, text: t.textContent};
  }),
}))"""


def _assert_labels_fit(charts) -> None:
    for chart in charts:
        view, boxes = chart["view"], chart["boxes"]
        for b in boxes:
            assert b["x"] >= -0.5 and b["x"] + b["w"] <= view["width"] + 0.5, (chart["key"], b)
            assert b["y"] >= -0.5 and b["y"] + b["h"] <= view["height"] + 0.5, (chart["key"], b)
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                # Glyph boxes include the line's leading: allow a pixel of touching.
                apart = (
                    a["x"] + a["w"] <= b["x"] + 1
                    or b["x"] + b["w"] <= a["x"] + 1
                    or a["y"] + a["h"] <= b["y"] + 1
                    or b["y"] + b["h"] <= a["y"] + 1
                )
                assert apart, (chart["key"], a, b)


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
def catalogue_rows(seeded_rows):
    """The P2K2 curriculum and the aid catalogue, back after a transactional test's flush."""


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
        "['attendance', 'aid'].map(key => document.querySelector("
        '`svg[data-chart="${key}"]`).getBoundingClientRect().width)'
    )
    assert all(0 < w <= PHONE["width"] for w in widths), widths
    assert not errors, errors
    page.screenshot(path=str(tmp_path / "report-charts-360.png"), full_page=True)


@pytest.mark.usefixtures("catalogue_rows")
def test_a_twelve_month_trend_and_long_names_fit_a_phone_without_overlap(
    browser, live_server, seeded, tmp_path
):
    """Twelve months of P2K2 meetings and the aid catalogue's long names: on a 360-px
    phone the report's charts stay inside the screen and inside their own frame, and no
    two labels (months, years, values, names) overlap, as the browser draws them."""
    import datetime

    from assistance.models import AidEnrolment, AidStatus
    from fds_sessions.tests.factories import GroupFactory, add_families, held_session

    facilitator = seeded[0]
    group = GroupFactory(facilitator=facilitator)
    families = add_families(group, 3)
    month = Q.first_day.replace(day=1)
    for _ in range(9):  # back to the first month of three quarters before
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    while month <= Q.last_day:
        held_session(
            group,
            month + datetime.timedelta(days=9),
            {h.pk: "present" for h in families[: 1 + month.month % 3]},
        )
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    for i, row in enumerate(AidEnrolment.objects.filter(household__facilitator=facilitator)):
        row.status = [AidStatus.RECEIVING, AidStatus.ELIGIBLE][i % 2]
        row._history_date = Q.start + datetime.timedelta(days=5)
        row.save()
    _make_reports(quarter=Q, facilitators=[facilitator], by=None, trigger=Trigger.SCHEDULE)
    report = ProgressReport.objects.get(facilitator=facilitator)
    page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    _login(page, live_server, facilitator.username)
    page.goto(live_server.url + reverse("reports:detail", args=[report.pk]))
    page.locator("svg.report-chart").first.locator(
        "xpath=ancestor::div[contains(@class, 'row')]"
    ).screenshot(path=str(tmp_path / "report-charts-12-months-360.png"))
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    charts = page.evaluate(CHART_LABELS)
    assert {c["key"] for c in charts} >= {"attendance", "aid", "components"}
    trend = next(c for c in charts if c["key"] == "attendance")
    months = [b["text"] for b in trend["boxes"]]
    assert "Jun" in months and "Mei" not in months, months  # every other month, the last kept
    for chart in charts:
        assert chart["width"] > 0 and chart["right"] <= PHONE["width"], chart["key"]
    _assert_labels_fit(charts)
