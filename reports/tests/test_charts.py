"""The report page's charts through the HTTP stack: the data each chart is drawn from,
checked against figures counted here; the report page draws them as inline SVG, the team
and district pages pass theirs by json_script; and the pages carry no inline script,
style attribute or event handler (the strict Content-Security-Policy)."""

import datetime
import io
import json
import random
import re
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import FacilitatorFactory, SupervisorFactory
from assistance.models import Aid, AidEnrolment, AidStatus
from conftest import login
from fds_sessions.models import AttendanceStatus
from fds_sessions.tests.factories import GroupFactory, add_families, held_session
from households.demo import FACILITATORS
from reports import services
from reports.models import ProgressReport, ReportRun, Trigger
from reports.quarters import Quarter
from reports.tests.factories import household_at

pytestmark = pytest.mark.django_db

Q = Quarter(2026, 2)
BEFORE = Q.start - datetime.timedelta(days=200)


def _chart(body: str, element_id: str):
    match = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', body, re.S
    )
    assert match, f"no json_script {element_id}"
    return json.loads(match.group(1))


def _drawn(response, key: str) -> dict:
    """The chart's data (from the page's context) after checking the page drew it."""
    assert f'<svg class="report-chart" data-chart="{key}"' in response.content.decode()
    charts = {c.key: c.spec for c in response.context["charts"]}
    return charts[key]


def _assert_csp_clean(body: str) -> None:
    """Only external scripts and json_script data; no style="...", no on*= handlers."""
    for tag in re.findall(r"<script\b[^>]*>", body):
        assert 'src="' in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"<[^>]+\sstyle=", body)
    assert not re.search(r"<[^>]+\son[a-z]+=", body)


def _generate(facilitators, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.report_run_create(
            quarter=Q, facilitators=facilitators, by=None, trigger=Trigger.SCHEDULE
        )
    return {r.facilitator_id: r for r in ProgressReport.objects.all()}


@pytest.fixture
def me(regions):
    return FacilitatorFactory(supervisor=SupervisorFactory())


def test_report_page_draws_the_attendance_trend_and_aid_coverage(
    client, me, django_capture_on_commit_callbacks
):
    rng = random.Random(7)
    group = GroupFactory(facilitator=me)
    families = add_families(group, 5)
    plan = {}  # month -> [statuses]
    for day in [
        Q.first_day - datetime.timedelta(days=50),  # previous quarter
        Q.first_day + datetime.timedelta(days=5),
        Q.first_day + datetime.timedelta(days=70),
    ]:
        statuses = {h.pk: rng.choice(list(AttendanceStatus.values)) for h in families}
        held_session(group, day, statuses)
        plan.setdefault(day.replace(day=1), []).extend(statuses.values())
    # Aid: each of these families' rows gets a status dated inside the quarter.
    aided = [household_at(when=BEFORE, facilitator=me) for _ in range(4)]
    rows = list(AidEnrolment.objects.filter(household__in=aided))
    assert rows
    AidEnrolment.history.all().delete()
    counts = defaultdict(Counter)
    for row in rows:
        row.status = rng.choice(list(AidStatus.values))
        row._history_date = Q.start + datetime.timedelta(days=10)
        row.save()
        counts[row.aid_id][row.status] += 1

    report = _generate([me], django_capture_on_commit_callbacks)[me.pk]
    response = login(client, me).get(reverse("reports:detail", args=[report.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    _assert_csp_clean(body)
    attendance = _drawn(response, "attendance")
    months = sorted(plan)
    first = min(months[0], Q.first_day)
    expected = {}
    day = first
    while day <= Q.last_day:
        statuses = plan.get(day, [])
        present = sum(s == AttendanceStatus.PRESENT for s in statuses)
        expected[day] = round(100 * present / len(statuses), 1) if statuses else None
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    assert attendance["series"][0]["data"] == list(expected.values())
    assert attendance["labels"][-1] == "Jun 2026" and attendance["percent"] is True

    aid = _drawn(response, "aid")
    names = dict(Aid.objects.values_list("code", "name"))
    order = list(Aid.objects.filter(is_active=True).order_by("order", "code").values_list("code"))
    want_labels, want_end = [], []
    for (code,) in order:
        c = counts.get(code)
        if not c:
            continue
        eligible = c[AidStatus.RECEIVING] + c[AidStatus.ELIGIBLE] + c[AidStatus.PROPOSED]
        want_labels.append(names[code])
        want_end.append(round(100 * c[AidStatus.RECEIVING] / eligible, 1) if eligible else None)
    assert aid["labels"] == want_labels
    assert aid["series"][1]["data"] == want_end  # end of the quarter
    assert aid["series"][0]["data"] == [None] * len(want_labels)  # nothing before it


def test_report_page_without_fds_or_aid_data_has_no_empty_charts(
    client, me, django_capture_on_commit_callbacks
):
    household_at(when=BEFORE, facilitator=me)
    AidEnrolment.history.all().delete()  # no aid status recorded by the quarter's end
    report = _generate([me], django_capture_on_commit_callbacks)[me.pk]
    body = login(client, me).get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert 'data-chart="attendance"' not in body
    assert 'data-chart="aid"' not in body


def test_team_and_district_pages_pass_chart_data_by_json_script_only(
    client, me, admin_user, django_capture_on_commit_callbacks
):
    household_at(when=BEFORE, facilitator=me)
    _generate([me], django_capture_on_commit_callbacks)
    team = login(client, me.supervisor).get(reverse("reports:team"), {"triwulan": str(Q)})
    assert team.status_code == 200
    _assert_csp_clean(team.content.decode())
    chart = _chart(team.content.decode(), "chart-team")
    assert chart["labels"] == [str(me)]
    district = login(client, admin_user).get(reverse("reports:district"), {"triwulan": str(Q)})
    assert district.status_code == 200
    _assert_csp_clean(district.content.decode())
    assert "labels" in _chart(district.content.decode(), "chart-district")


# --- demo ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_seed_demo_makes_reports_with_figures_and_is_idempotent(client, regions, settings):
    settings.DEBUG = True  # a development run: the production guard stays out of the way
    call_command("seed_demo", stdout=io.StringIO())
    last = Quarter.last_ended()
    quarters = {str(last), str(last.previous)}
    reports = list(ProgressReport.objects.select_related("facilitator"))
    assert {r.quarter for r in reports} == quarters
    assert len(reports) == 2 * len(FACILITATORS)
    runs = ReportRun.objects.count()
    for report in reports:
        # The demo registry existed in both quarters, with components and aid coverage.
        assert report.summary["caseload.total_end"] > 0
        assert report.summary["caseload.total_end__prev"] > 0
        assert report.summary["caseload.components_end"] > 0
        assert report.summary["aid.coverage_pct"] is not None
        assert report.summary["fds.attendance_pct"] is not None
    call_command("seed_demo", stdout=io.StringIO())
    assert ProgressReport.objects.count() == len(reports)
    assert ReportRun.objects.count() == runs
    # The pages show them: the facilitator's report with its charts, the supervisor's team.
    report = next(r for r in reports if r.quarter == str(last))
    page = login(client, report.facilitator).get(reverse("reports:detail", args=[report.pk]))
    assert _drawn(page, "attendance")["series"][0]["data"]
    assert _drawn(page, "aid")["labels"]
    supervisor = User.objects.get(username="supervisor")
    team = login(client, supervisor).get(reverse("reports:team"))
    assert len(team.context["rows"]) == len(FACILITATORS)
    assert all(r.report_id for r in team.context["rows"])
