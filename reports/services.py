"""Writes of the reports app: report runs, their items, and the stored reports.

A run has one item per facilitator; each item is produced by one Celery task
(``reports.tasks.progress_report_generate``) calling :func:`report_item_generate`, which
computes the snapshot (read-only) and then, in ONE transaction, replaces the facilitator's
report for the quarter, marks the item done and refreshes the run's counts. A worker killed
before that commit leaves the old report (or none) untouched and the item "running"; the
run can then be resumed (:func:`report_run_resume`, or the watchdog task), and because a
report is unique per (facilitator, quarter), running an item twice still leaves one report.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from households.selectors import facilitator_list
from pkh.permissions import may_run_reports
from reports.models import ProgressReport, ReportRun, ReportRunItem, RunStatus, Trigger
from reports.quarters import Quarter
from reports.snapshot import snapshot_build

logger = logging.getLogger(__name__)

PENDING = (RunStatus.QUEUED, RunStatus.RUNNING)
# Errors worth retrying: the database or the broker was briefly unreachable.
RETRYABLE = (OperationalError, InterfaceError)


class QueueUnavailable(Exception):
    """The broker (Redis) could not take the tasks; the run is marked failed and resumable."""


def active_facilitators() -> QuerySet[User]:
    return User.objects.filter(role=Role.FACILITATOR, is_active=True)


def _check_quarter(quarter: Quarter) -> None:
    if not quarter.has_ended():
        raise ValidationError(
            _("Triwulan %(q)s belum berakhir; laporan dibuat setelah triwulan selesai.")
            % {"q": quarter.display}
        )


def _check_requester(by: User | None, facilitators: list[User]) -> None:
    """A supervisor may regenerate their team's reports, an admin their region's."""
    if by is None:
        return
    if not may_run_reports(by):
        raise ValidationError(_("Hanya supervisor atau admin yang dapat membuat ulang laporan."))
    allowed = set(facilitator_list(user=by).values_list("pk", flat=True))
    if any(f.pk not in allowed for f in facilitators):
        raise ValidationError(_("Sebagian pendamping tidak termasuk tim atau wilayah Anda."))


@transaction.atomic
def report_run_create(
    *,
    quarter: Quarter,
    facilitators: Iterable[User],
    by: User | None,
    trigger: str = Trigger.MANUAL,
    enqueue: bool = True,
) -> ReportRun:
    """Start producing ``quarter``'s reports for ``facilitators`` (replacing existing ones).

    ``by`` is who asked (None for the schedule). The tasks are published after commit;
    if the broker cannot be reached the run is marked failed with a clear error (see
    :func:`report_run_enqueue`) and can be resumed later.
    """
    _check_quarter(quarter)
    facilitators = list(facilitators)
    if not facilitators:
        raise ValidationError(_("Tidak ada pendamping aktif untuk dibuatkan laporan."))
    _check_requester(by, facilitators)
    run = ReportRun.objects.create(
        quarter=str(quarter), trigger=trigger, requested_by=by, total=len(facilitators)
    )
    ReportRunItem.objects.bulk_create(
        [ReportRunItem(run=run, facilitator=f, requested_by=by) for f in facilitators],
        batch_size=1000,
    )
    if enqueue:
        transaction.on_commit(partial(report_run_enqueue, run=run))
    return run


def report_run_enqueue(*, run: ReportRun, item_ids: list[int] | None = None) -> bool:
    """Publish one task per queued item of ``run``. False (and the run marked failed,
    with the reason) if the broker could not be reached; never raises for that."""
    from pkh.queue import publish
    from reports.tasks import progress_report_generate

    if item_ids is None:
        item_ids = list(
            ReportRunItem.objects.filter(run=run, status=RunStatus.QUEUED).values_list(
                "pk", flat=True
            )
        )
    if not all(publish(progress_report_generate, item_id) for item_id in item_ids):
        message = _(
            "Antrian tugas (Redis) tidak dapat dihubungi, laporan belum dibuat. "
            "Coba lagi nanti dengan tombol Lanjutkan."
        )
        ReportRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, error=message)
        run.status, run.error = RunStatus.FAILED, message
        run.queue_unavailable = True
        return False
    run.queue_unavailable = False
    return True


def report_run_start(**kwargs) -> ReportRun:
    """:func:`report_run_create`, then raise :class:`QueueUnavailable` if publishing failed.

    For views and commands: the run exists either way (its status tells what happened).
    """
    run = report_run_create(**kwargs)
    if getattr(run, "queue_unavailable", False):
        raise QueueUnavailable(run)
    return run


def report_regenerate(*, facilitator: User, quarter: Quarter, by: User) -> ReportRun:
    """Regenerate one facilitator's report now (button): a run of one, recording ``by``."""
    return report_run_start(quarter=quarter, facilitators=[facilitator], by=by)


@transaction.atomic
def scheduled_run_get_or_create(*, quarter: Quarter) -> tuple[ReportRun, bool]:
    """The schedule's run for ``quarter``: one per quarter, so a repeated beat tick or a
    redelivered message does not start a second run."""
    existing = ReportRun.objects.filter(quarter=str(quarter), trigger=Trigger.SCHEDULE).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            run = report_run_create(
                quarter=quarter,
                facilitators=active_facilitators(),
                by=None,
                trigger=Trigger.SCHEDULE,
            )
    except IntegrityError:
        return ReportRun.objects.get(quarter=str(quarter), trigger=Trigger.SCHEDULE), False
    return run, True


def _run_refresh(run_id: int) -> None:
    """Recompute a run's counts and status from its items (call inside a transaction)."""
    run = ReportRun.objects.select_for_update().get(pk=run_id)
    counts = dict(
        ReportRunItem.objects.filter(run_id=run_id)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    run.done_count = counts.get(RunStatus.DONE, 0)
    run.failed_count = counts.get(RunStatus.FAILED, 0)
    pending = counts.get(RunStatus.QUEUED, 0) + counts.get(RunStatus.RUNNING, 0)
    if pending:
        started = run.done_count or run.failed_count or counts.get(RunStatus.RUNNING, 0)
        run.status = RunStatus.RUNNING if started else RunStatus.QUEUED
        run.finished_at = None
    else:
        run.status = RunStatus.FAILED if run.failed_count else RunStatus.DONE
        run.finished_at = timezone.now()
        if run.status == RunStatus.DONE:
            run.error = ""
    run.save(update_fields=["done_count", "failed_count", "status", "finished_at", "error"])


def _report_save(*, item: ReportRunItem, snapshot: dict, summary: dict) -> ProgressReport:
    """Replace (or create) the facilitator's report for the quarter. Inside a transaction."""
    values = {
        "snapshot": snapshot,
        "summary": summary,
        "generated_at": timezone.now(),
        "generated_by_id": item.requested_by_id,
        "trigger": item.run.trigger,
        "run_id": item.run_id,
    }
    key = {"facilitator_id": item.facilitator_id, "quarter": item.run.quarter}
    report = ProgressReport.objects.select_for_update().filter(**key).first()
    if report is None:
        try:
            with transaction.atomic():
                return ProgressReport.objects.create(**key, **values)
        except IntegrityError:  # another run created it meanwhile: replace that one
            report = ProgressReport.objects.select_for_update().get(**key)
    for name, value in values.items():
        setattr(report, name, value)
    report.regenerated_count = F("regenerated_count") + 1
    report.save(update_fields=[*values, "regenerated_count"])
    return report


def _item_fail(item_id: int, error: str) -> None:
    with transaction.atomic():
        ReportRunItem.objects.filter(pk=item_id).update(
            status=RunStatus.FAILED,
            error=error[:2000],
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        run_id = ReportRunItem.objects.filter(pk=item_id).values_list("run_id", flat=True).first()
        if run_id:
            _run_refresh(run_id)


def report_item_fail(*, item_id: int, error: str) -> None:
    """Mark an item failed for good (retries exhausted, time limit): the rerun button remains."""
    _item_fail(item_id, error)


def report_item_generate(*, item_id: int) -> str:
    """Produce one facilitator's report for the item's run. Idempotent; returns the outcome.

    Database/broker hiccups (``RETRYABLE``) propagate so the task retries with backoff;
    any other error marks the item failed with its message and does not raise.
    """
    item = (
        ReportRunItem.objects.select_related("run", "facilitator__supervisor")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        return "missing"
    if item.status == RunStatus.DONE:
        return "skipped"  # a redelivered message for an item already produced
    if item.attempts >= settings.PKH_REPORT_MAX_ATTEMPTS:
        _item_fail(item_id, _("Gagal setelah %(n)s percobaan.") % {"n": item.attempts})
        return "failed"
    now = timezone.now()
    # Tell the status page this item is under way (autocommit: visible at once).
    ReportRunItem.objects.filter(pk=item_id).update(
        status=RunStatus.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        finished_at=None,
        updated_at=now,
    )
    if item.run.status == RunStatus.QUEUED:
        ReportRun.objects.filter(pk=item.run_id, status=RunStatus.QUEUED).update(
            status=RunStatus.RUNNING
        )
    try:
        # One transaction for the reads and the writes: a crash anywhere in it leaves the
        # previous report and the run's counts exactly as they were.
        with transaction.atomic():
            snapshot, summary = snapshot_build(
                facilitator=item.facilitator, quarter=Quarter.parse(item.run.quarter)
            )
            report = _report_save(item=item, snapshot=snapshot, summary=summary)
            ReportRunItem.objects.filter(pk=item_id).update(
                status=RunStatus.DONE,
                error="",
                finished_at=timezone.now(),
                updated_at=timezone.now(),
            )
            if settings.PKH_REPORT_PAUSE_BEFORE_COMMIT:  # crash-safety tests only
                time.sleep(settings.PKH_REPORT_PAUSE_BEFORE_COMMIT)
            _run_refresh(item.run_id)
    except RETRYABLE:
        raise
    except Exception as exc:
        logger.exception("report item %s failed", item_id)
        _item_fail(item_id, f"{type(exc).__name__}: {exc}")
        return "failed"
    logger.info("report item %s done (report %s)", item_id, report.pk)
    return "done"


@transaction.atomic
def report_run_resume(*, run: ReportRun, by: User | None) -> list[int]:
    """Queue again every item of ``run`` that is not done (failed, stalled or never sent).

    Returns the item ids; the tasks are published after commit.
    """
    items = ReportRunItem.objects.select_for_update().filter(run=run).exclude(status=RunStatus.DONE)
    if by is not None:
        items = items.filter(facilitator__in=facilitator_list(user=by))
    ids = list(items.values_list("pk", flat=True))
    if not ids:
        return []
    changes = {"status": RunStatus.QUEUED, "error": "", "attempts": 0}
    changes["updated_at"] = timezone.now()
    if by is not None:
        changes["requested_by"] = by
    ReportRunItem.objects.filter(pk__in=ids).update(**changes)
    ReportRun.objects.filter(pk=run.pk).update(error="")
    _run_refresh(run.pk)
    transaction.on_commit(partial(report_run_enqueue, run=run, item_ids=ids))
    return ids


def report_run_resume_start(*, run: ReportRun, by: User | None) -> list[int]:
    """:func:`report_run_resume` for views: raises :class:`QueueUnavailable` on a dead broker."""
    if by is not None and not may_run_reports(by):
        raise ValidationError(_("Hanya supervisor atau admin yang dapat menjalankan ulang."))
    ids = report_run_resume(run=run, by=by)
    if getattr(run, "queue_unavailable", False):
        raise QueueUnavailable(run)
    return ids


def report_item_rerun(*, item: ReportRunItem, by: User) -> None:
    """Rerun one facilitator's report of a run (e.g. after it failed)."""
    if not may_run_reports(by):
        raise ValidationError(_("Hanya supervisor atau admin yang dapat menjalankan ulang."))
    _check_requester(by, [item.facilitator])
    with transaction.atomic():
        ReportRunItem.objects.filter(pk=item.pk).update(
            status=RunStatus.QUEUED,
            error="",
            attempts=0,
            requested_by=by,
            updated_at=timezone.now(),
        )
        _run_refresh(item.run_id)
        transaction.on_commit(partial(report_run_enqueue, run=item.run, item_ids=[item.pk]))
    if getattr(item.run, "queue_unavailable", False):
        raise QueueUnavailable(item.run)


def stalled_before(now: datetime.datetime | None = None) -> datetime.datetime:
    """A running item started before this instant is dead: its hard time limit has passed."""
    return (now or timezone.now()) - datetime.timedelta(seconds=settings.PKH_REPORT_TIME_LIMIT + 60)


def report_runs_resume_stalled(*, now: datetime.datetime | None = None) -> list[int]:
    """Watchdog: re-enqueue items whose worker died, and runs that made no progress at all.

    * a "running" item started longer ago than the hard time limit is dead;
    * "queued" items of a run in which no item changed for ``PKH_REPORT_STALL_MINUTES``
      lost their messages (e.g. Redis restarted empty).
    """
    now = now or timezone.now()
    quiet_since = now - datetime.timedelta(minutes=settings.PKH_REPORT_STALL_MINUTES)
    quiet_runs = (
        ReportRunItem.objects.filter(status__in=PENDING)
        .order_by()
        .values("run_id")
        .annotate(last=Max("updated_at"))
        .filter(last__lt=quiet_since)
        .values("run_id")
    )
    stalled = ReportRunItem.objects.filter(
        Q(status=RunStatus.RUNNING, started_at__lt=stalled_before(now))
        | Q(status=RunStatus.QUEUED, run_id__in=quiet_runs)
    )
    resumed = []
    for run in ReportRun.objects.filter(pk__in=stalled.values("run_id")):
        with transaction.atomic():
            ids = list(stalled.filter(run=run).values_list("pk", flat=True))
            ReportRunItem.objects.filter(pk__in=ids).update(status=RunStatus.QUEUED, updated_at=now)
            _run_refresh(run.pk)
            transaction.on_commit(partial(report_run_enqueue, run=run, item_ids=ids))
        resumed.extend(ids)
    return resumed
