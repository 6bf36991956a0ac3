import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import AdminFactory, FacilitatorFactory, SupervisorFactory
from households.models import Household, HouseholdStatus
from households.tests.factories import HouseholdFactory, ensure_regions
from reports.quarters import Quarter
from reports.snapshot import snapshot_build
from reports.tests import scenario
from reports.tests.factories import household_at, visit_on

pytestmark = pytest.mark.django_db

Q = Quarter(2026, 2)


@pytest.fixture
def team(regions):
    supervisor = SupervisorFactory()
    return [FacilitatorFactory(supervisor=supervisor) for _ in range(3)], AdminFactory()


@pytest.mark.parametrize("seed", [1, 2])
def test_figures_match_an_independent_count_of_the_quarter_as_it_was(team, seed):
    facilitators, admin = team
    plans = scenario.plan(quarter=Q, n_facilitators=3, n_households=40, seed=seed)
    scenario.apply(plans, facilitators=facilitators, admin=admin)
    for i, facilitator in enumerate(facilitators):
        snapshot, summary = snapshot_build(facilitator=facilitator, quarter=Q)
        want = scenario.expected(plans, facilitator=i, quarter=Q)
        by_status = want.pop("by_status_end")
        assert {k: summary[k] for k in want} == want, f"facilitator {i}"
        table = next(
            t
            for s in snapshot["sections"]
            for t in s.get("tables", [])
            if t["key"] == "caseload.by_status"
        )
        assert [row[2] for row in table["rows"]] == [
            by_status[s] for s in ["active", "suspended", "graduated", "exited"]
        ]


def test_later_edits_do_not_change_the_quarter(team):
    facilitators, admin = team
    f = facilitators[0]
    h = household_at(when=Q.start - datetime.timedelta(days=3), facilitator=f)
    before, _ = snapshot_build(facilitator=f, quarter=Q)
    # Today (long after the quarter) the family graduates: the quarter must not change.
    h.status, h.status_date, h.exit_type = (
        HouseholdStatus.GRADUATED,
        datetime.date.today(),
        "mandiri",
    )
    h.status_reason = "Sejahtera"
    h.save()
    after, summary = snapshot_build(facilitator=f, quarter=Q)
    assert summary["caseload.active_end"] == 1
    assert before["sections"] == after["sections"]


def test_families_without_history_records_still_count(team):
    """A bulk path that skipped history (e.g. a set-based import) must not vanish."""
    facilitators, _ = team
    f = facilitators[0]
    ensure_regions()
    h = HouseholdFactory.build(facilitator=f)
    Household.objects.bulk_create([h])  # no simple-history record
    Household.objects.filter(facilitator=f).update(created_at=Q.start - datetime.timedelta(days=1))
    _, summary = snapshot_build(facilitator=f, quarter=Q)
    assert summary["caseload.total_end"] == 1
    assert summary["caseload.total_end__prev"] == 1


def test_every_section_is_computed(team):
    facilitators, _ = team
    snapshot, summary = snapshot_build(facilitator=facilitators[0], quarter=Q)
    assert [s["key"] for s in snapshot["sections"]] == [
        "caseload",
        "graduation",
        "visits",
        "fds",
        "aid",
        "commitments",
        "complaints",
        "roster",
    ]
    assert all(set(s) == {"key", "title", "figures", "tables"} for s in snapshot["sections"])
    for prefix in ("graduation.", "fds.", "aid.", "commitments.", "complaints."):
        assert any(k.startswith(prefix) for k in summary)


def test_each_figure_carries_its_definition(team):
    facilitators, _ = team
    snapshot, _ = snapshot_build(facilitator=facilitators[0], quarter=Q)
    figures = [f for s in snapshot["sections"] for f in s.get("figures", [])]
    assert figures and all(f["label"] and len(f["definition"]) > 20 for f in figures)
    assert snapshot["period"] == {
        "first_day": "2026-04-01",
        "last_day": "2026-06-30",
        "start": "2026-04-01T00:00:00+07:00",
        "end": "2026-07-01T00:00:00+07:00",
        "time_zone": "Asia/Jakarta",
    }


def _queries_for(facilitator) -> int:
    facilitator = type(facilitator).objects.get(pk=facilitator.pk)
    with CaptureQueriesContext(connection) as ctx:
        snapshot_build(facilitator=facilitator, quarter=Q)
    return len(ctx.captured_queries)


def test_query_count_is_fixed_whatever_the_caseload(team):
    facilitators, _ = team
    small, large = facilitators[0], facilitators[1]
    for n, f in [(2, small), (25, large)]:
        for i in range(n):
            h = household_at(
                when=Q.start + datetime.timedelta(days=i % 80),
                facilitator=f,
                components=("SD", "LANSIA"),
            )
            visit_on(h, day=Q.first_day + datetime.timedelta(days=i % 80))
    # Caseload 7 (3 shared), graduation 5, visits 1, FDS 8 (7 without a group), aid 4
    # (2 without an active family), commitments 6 (the members' history shared with caseload;
    # the failed entries of each quarter, the rates, the proposals), complaints 2, roster 1, the supervisor 1
    # (fewer when sets are empty).
    assert _queries_for(small) == _queries_for(large) <= 35
