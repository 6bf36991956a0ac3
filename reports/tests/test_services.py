import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from households.models import Household
from reports import services
from reports.models import ProgressReport, ReportRun, ReportRunItem, RunStatus, Trigger
from reports.quarters import Quarter
from reports.tests.conftest import Q

pytestmark = pytest.mark.django_db


def _run(facilitators, by=None, quarter=Q, **kw):
    return services.report_run_create(quarter=quarter, facilitators=facilitators, by=by, **kw)


def test_a_run_makes_one_report_per_facilitator(
    seeded, supervisor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = _run(seeded, trigger=Trigger.SCHEDULE)
    run.refresh_from_db()
    assert (run.status, run.done_count, run.failed_count, run.total) == ("done", 3, 0, 3)
    assert ProgressReport.objects.filter(quarter="2026Q2").count() == 3
    report = ProgressReport.objects.get(facilitator=seeded[2])
    assert report.summary["caseload.total_end"] == 4
    assert report.generated_by is None and report.trigger == Trigger.SCHEDULE


def test_running_the_quarter_twice_gives_one_report_each_and_records_who(
    seeded, supervisor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _run(seeded, trigger=Trigger.SCHEDULE)
    first = {r.facilitator_id: r.pk for r in ProgressReport.objects.all()}
    team = seeded[:2]
    with django_capture_on_commit_callbacks(execute=True):
        _run(team, by=supervisor)
    assert ProgressReport.objects.count() == 3
    assert {r.facilitator_id: r.pk for r in ProgressReport.objects.all()} == first
    regenerated = ProgressReport.objects.get(facilitator=seeded[0])
    assert regenerated.generated_by == supervisor
    assert regenerated.trigger == Trigger.MANUAL and regenerated.regenerated_count == 1


def test_a_regenerated_report_reflects_new_data_the_old_one_did_not(
    seeded, supervisor, django_capture_on_commit_callbacks
):
    f = seeded[0]
    with django_capture_on_commit_callbacks(execute=True):
        _run([f])
    report = ProgressReport.objects.get(facilitator=f)
    assert report.summary["caseload.total_end"] == 2
    from reports.tests.factories import household_at

    household_at(when=Q.start + datetime.timedelta(days=3), facilitator=f)  # late entry
    report.refresh_from_db()
    assert report.summary["caseload.total_end"] == 2  # stored: unchanged until regenerated
    with django_capture_on_commit_callbacks(execute=True):
        services.report_regenerate(facilitator=f, quarter=Q, by=supervisor)
    report.refresh_from_db()
    assert report.summary["caseload.total_end"] == 3
    assert report.generated_by == supervisor


def test_a_quarter_that_has_not_ended_is_refused(seeded, supervisor):
    with pytest.raises(ValidationError):
        _run(seeded[:1], by=supervisor, quarter=Quarter.last_ended().next)
    assert not ReportRun.objects.exists()


def test_a_supervisor_cannot_regenerate_another_teams_report(seeded, other_supervisor):
    with pytest.raises(ValidationError):
        _run(seeded[:1], by=other_supervisor)
    assert not ReportRun.objects.exists()


def test_a_facilitator_cannot_start_a_run(seeded, facilitator):
    with pytest.raises(ValidationError):
        _run(seeded[:1], by=facilitator)
    assert not ReportRun.objects.exists()


def test_one_failing_facilitator_fails_alone_and_can_be_rerun(
    seeded, supervisor, monkeypatch, django_capture_on_commit_callbacks
):
    from reports import snapshot

    real = snapshot.snapshot_build
    broken = seeded[1].pk

    def flaky(*, facilitator, quarter):
        if facilitator.pk == broken:
            raise ValueError("data tidak konsisten")
        return real(facilitator=facilitator, quarter=quarter)

    monkeypatch.setattr(services, "snapshot_build", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        run = _run(seeded, by=None, trigger=Trigger.COMMAND)
    run.refresh_from_db()
    assert (run.status, run.done_count, run.failed_count) == ("failed", 2, 1)
    item = ReportRunItem.objects.get(run=run, facilitator_id=broken)
    assert item.status == "failed" and "data tidak konsisten" in item.error
    assert not ProgressReport.objects.filter(facilitator_id=broken).exists()

    monkeypatch.setattr(services, "snapshot_build", real)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_item_rerun(item=item, by=supervisor)
    run.refresh_from_db()
    item.refresh_from_db()
    assert (run.status, run.done_count, run.failed_count) == ("done", 3, 0)
    assert item.status == "done" and item.error == "" and item.requested_by == supervisor
    assert ProgressReport.objects.filter(facilitator_id=broken).count() == 1


def test_database_hiccups_are_retried_not_failed(seeded, monkeypatch):
    from django.db import OperationalError

    run = _run(seeded[:1], enqueue=False)
    item = run.items.get()

    def down(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "snapshot_build", down)
    with pytest.raises(OperationalError):
        services.report_item_generate(item_id=item.pk)
    item.refresh_from_db()
    assert item.status == "running" and item.attempts == 1  # the task's retry takes over


def test_the_task_is_thin_late_acked_retried_and_time_limited():
    from django.db import OperationalError

    from reports.tasks import progress_report_generate as task

    assert task.acks_late and task.reject_on_worker_lost
    assert OperationalError in task.autoretry_for and task.retry_backoff
    assert task.max_retries >= 3
    assert task.soft_time_limit < task.time_limit


def test_when_retries_run_out_the_item_is_marked_failed(seeded):
    from django.db import OperationalError

    from reports.tasks import progress_report_generate

    run = _run(seeded[:1], enqueue=False)
    item = run.items.get()
    progress_report_generate.on_failure(
        OperationalError("could not connect to server"), "task-id", (item.pk,), {}, None
    )
    item.refresh_from_db()
    run.refresh_from_db()
    assert item.status == "failed" and "could not connect" in item.error
    assert run.status == "failed" and run.failed_count == 1


def test_generating_an_item_twice_is_harmless(seeded):
    run = _run(seeded[:1], enqueue=False)
    item = run.items.get()
    assert services.report_item_generate(item_id=item.pk) == "done"
    assert services.report_item_generate(item_id=item.pk) == "skipped"
    assert ProgressReport.objects.count() == 1


def test_resume_requeues_only_unfinished_items(
    seeded, supervisor, django_capture_on_commit_callbacks
):
    run = _run(seeded, enqueue=False)
    items = list(run.items.order_by("pk"))
    services.report_item_generate(item_id=items[0].pk)
    # The second item's worker "died": it stays running with an old start.
    ReportRunItem.objects.filter(pk=items[1].pk).update(
        status=RunStatus.RUNNING, started_at=timezone.now() - datetime.timedelta(hours=2)
    )
    first_report = ProgressReport.objects.get(facilitator=items[0].facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        ids = services.report_run_resume(run=run, by=None)
    assert sorted(ids) == sorted([items[1].pk, items[2].pk])
    run.refresh_from_db()
    assert run.status == "done" and run.done_count == 3
    assert ProgressReport.objects.get(pk=first_report.pk).generated_at == first_report.generated_at


def test_watchdog_requeues_dead_items_only(seeded, django_capture_on_commit_callbacks):
    run = _run(seeded, enqueue=False)
    dead, fresh, done = list(run.items.order_by("pk"))
    services.report_item_generate(item_id=done.pk)
    ReportRunItem.objects.filter(pk=dead.pk).update(
        status=RunStatus.RUNNING, started_at=timezone.now() - datetime.timedelta(hours=1)
    )
    ReportRunItem.objects.filter(pk=fresh.pk).update(
        status=RunStatus.RUNNING, started_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        resumed = services.report_runs_resume_stalled()
    assert resumed == [dead.pk]
    assert ReportRunItem.objects.get(pk=dead.pk).status == "done"
    assert ReportRunItem.objects.get(pk=fresh.pk).status == "running"


def test_the_schedule_starts_one_run_per_quarter(seeded, django_capture_on_commit_callbacks):
    from reports.tasks import quarter_reports_start

    with django_capture_on_commit_callbacks(execute=True):
        first = quarter_reports_start.apply(kwargs={"quarter": "2026Q2"}).get()
    with django_capture_on_commit_callbacks(execute=True):
        second = quarter_reports_start.apply(kwargs={"quarter": "2026Q2"}).get()
    assert first == second
    run = ReportRun.objects.get()
    assert run.trigger == "schedule" and run.total == 3 and run.status == "done"


def test_the_schedule_defaults_to_the_quarter_that_just_ended(
    seeded, django_capture_on_commit_callbacks
):
    from reports.tasks import quarter_reports_start

    with django_capture_on_commit_callbacks(execute=True):
        quarter_reports_start.apply().get()
    assert ReportRun.objects.get().quarter == str(Quarter.last_ended())


def test_inactive_facilitators_get_no_scheduled_report(seeded, django_capture_on_commit_callbacks):
    seeded[2].is_active = False
    seeded[2].save()
    with django_capture_on_commit_callbacks(execute=True):
        run, _ = services.scheduled_run_get_or_create(quarter=Q)
    assert run.total == 2


@pytest.mark.django_db(transaction=True)
def test_redis_down_marks_the_run_failed_with_a_clear_error(
    component_rows, seeded, supervisor, broker_down
):
    with pytest.raises(services.QueueUnavailable):
        services.report_regenerate(facilitator=seeded[0], quarter=Q, by=supervisor)
    run = ReportRun.objects.get()
    assert run.status == "failed" and "Redis" in run.error
    assert not ProgressReport.objects.exists()
    assert Household.objects.count() == 9  # nothing else touched
