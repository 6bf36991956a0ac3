"""The real thing: Celery workers on Redis against PostgreSQL (skipped without them).

* a worker generates a seeded quarter, compared with figures computed independently;
* a worker killed inside a report's write transaction leaves no half-written report, the
  run says so, and resuming it on a new worker finishes the job with one report each.
"""

import pytest
from django.db import connection

from accounts.tests.factories import AdminFactory, FacilitatorFactory, SupervisorFactory
from pkh.testing import celery_worker, kill_worker, wait_for
from reports import services
from reports.models import ProgressReport, ReportRun, ReportRunItem, Trigger
from reports.tests import scenario
from reports.tests.conftest import Q

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("component_rows"),
]


def _purge():
    from pkh.celery import app

    app.control.purge()


def test_a_worker_on_redis_generates_the_quarter_as_computed_independently(regions, real_worker):
    _purge()
    supervisor = SupervisorFactory()
    facilitators = [FacilitatorFactory(supervisor=supervisor) for _ in range(3)]
    plans = scenario.plan(quarter=Q, n_facilitators=3, n_households=45, seed=7)
    scenario.apply(plans, facilitators=facilitators, admin=AdminFactory())
    run = services.report_run_create(
        quarter=Q, facilitators=facilitators, by=None, trigger=Trigger.SCHEDULE
    )
    assert not getattr(run, "queue_unavailable", True)
    assert wait_for(lambda: ReportRun.objects.get(pk=run.pk).status in ("done", "failed"))
    run.refresh_from_db()
    assert (run.status, run.done_count) == ("done", 3), list(run.items.values("status", "error"))
    for i, f in enumerate(facilitators):
        report = ProgressReport.objects.get(facilitator=f, quarter=str(Q))
        want = scenario.expected(plans, facilitator=i, quarter=Q)
        want.pop("by_status_end")
        assert {k: report.summary[k] for k in want} == want
        assert report.run_id == run.pk


@pytest.fixture
def pause_inside_transaction(monkeypatch):
    # Read by pkh/settings/worker_test.py when the worker starts.
    monkeypatch.setenv("PKH_REPORT_PAUSE_BEFORE_COMMIT", "30")


def _open_transactions() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND state = 'idle in transaction' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_a_killed_worker_leaves_no_half_written_report_and_the_run_resumes(
    regions, pause_inside_transaction, real_worker, monkeypatch
):
    _purge()
    supervisor = SupervisorFactory()
    facilitator = FacilitatorFactory(supervisor=supervisor)
    plans = scenario.plan(quarter=Q, n_facilitators=1, n_households=8, seed=3)
    scenario.apply(plans, facilitators=[facilitator], admin=AdminFactory())
    old = ProgressReport.objects.create(
        facilitator=facilitator,
        quarter=str(Q),
        snapshot={"sections": []},
        summary={"caseload.total_end": -1},
        generated_at="2026-07-01T02:00:00+07:00",
        trigger=Trigger.SCHEDULE,
    )
    run = services.report_run_create(quarter=Q, facilitators=[facilitator], by=supervisor)
    item = ReportRunItem.objects.get(run=run)
    # The worker has written the new report and is paused before COMMIT: kill it there.
    assert wait_for(lambda: ReportRunItem.objects.get(pk=item.pk).status == "running")
    assert wait_for(lambda: _open_transactions() >= 1, timeout=20)
    kill_worker(real_worker)
    assert wait_for(lambda: _open_transactions() == 0, timeout=20)

    old.refresh_from_db()
    assert old.summary == {"caseload.total_end": -1}  # the half-done replacement rolled back
    assert ProgressReport.objects.count() == 1
    item.refresh_from_db()
    run.refresh_from_db()
    assert item.status == "running" and run.status == "running"  # not "done": the truth

    monkeypatch.delenv("PKH_REPORT_PAUSE_BEFORE_COMMIT")
    with celery_worker():
        services.report_run_resume(run=run, by=supervisor)
        assert wait_for(lambda: ReportRun.objects.get(pk=run.pk).status == "done")
    report = ProgressReport.objects.get(facilitator=facilitator, quarter=str(Q))
    want = scenario.expected(plans, facilitator=0, quarter=Q)
    assert (
        report.pk == old.pk and report.summary["caseload.total_end"] == want["caseload.total_end"]
    )
    assert report.generated_by == supervisor
    assert ProgressReport.objects.count() == 1
