"""The follow-up stage: the derived data (aid eligibility, P2K2 periods) of a committed
import, computed after the commit in idempotent steps ("memperbarui cakupan bansos dan
kelompok P2K2")."""

from __future__ import annotations

import datetime
import logging
import os
import time
from functools import partial

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from assistance.services.roster import roster_aid_apply_staged
from imports.apply import changed_household_ids
from imports.checks import pipeline as checks
from imports.models import DERIVED_OPEN_STATUSES, DerivedStatus, RosterImport
from imports.progress import Progress
from imports.services.aid import roster_import_aid_stage
from imports.services.common import _setting, _update, stale_after
from pkh.extensions import families_changed_reactions
from pkh.queue import publish
from pkh.sql import chunks, log_elapsed

logger = logging.getLogger(__name__)

CHANGED_FIELDS = frozenset(
    {"no_kk", "village", "address", "rt", "rw", "phone", "facilitator", "fds_group", "members"}
)

# pg_advisory_lock key of the follow-up stage ("PKHD"): one runs at a time, in import order.
DERIVED_LOCK_KEY = 0x504B4844


def derived_batch_size() -> int:
    return int(_setting("IMPORTS_DERIVED_BATCH", 25_000))


def roster_import_derived_enqueue(roster_import_id: int) -> bool:
    """Publish the follow-up task (after the commit). If the broker is down the stage
    stays "pending" with a note: the watchdog queues it again once the broker is back,
    and the nightly repair runs whatever is still open. The import itself is done."""
    from imports import tasks

    if publish(tasks.roster_import_derived_task, roster_import_id):
        return True
    RosterImport.objects.filter(pk=roster_import_id, derived_status=DerivedStatus.PENDING).update(
        derived_error=_(
            "Antrian tugas (Redis) tidak dapat dihubungi: pembaruan akan dijalankan lagi "
            "secara otomatis. Data keluarga sudah tersimpan."
        )
    )
    return False


class _DerivedLock:
    """A session-level advisory lock (PostgreSQL) for the whole follow-up stage; its
    steps commit one by one, so a transaction-level lock would not cover them. A dead
    worker's connection closes and releases it. Nothing on SQLite (one writer anyway)."""

    def __enter__(self):
        if connection.vendor == "postgresql":
            timeout = int(_setting("IMPORTS_LOCK_TIMEOUT_SECONDS", 3600))
            with connection.cursor() as cursor:
                cursor.execute(f"SET lock_timeout = '{timeout}s'")
                try:
                    cursor.execute("SELECT pg_advisory_lock(%s)", [DERIVED_LOCK_KEY])
                finally:
                    cursor.execute("SET lock_timeout = 0")
        return self

    def __exit__(self, *exc):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [DERIVED_LOCK_KEY])


def roster_import_derive(*, roster_import_id: int, retryable: bool = False) -> RosterImport:
    """Compute the derived data of a committed import: the follow-up stage ("memperbarui
    cakupan bansos dan kelompok P2K2"). Idempotent: every step recomputes from the
    staging tables and the registry as they are, so a rerun after a failure or a kill
    gives what one clean run gives.

    Open stages of older imports run first, in import order (the file's aid statuses of
    a newer roster must not be overwritten by an older one's): a stage is done only when
    every older one is. Runs only while the stage is open (pending, running after a
    kill, or failed); a done stage is left alone, so a task delivered twice does no harm.
    """
    roster_import = RosterImport.objects.get(pk=roster_import_id)
    if roster_import.derived_status not in DERIVED_OPEN_STATUSES:
        return roster_import
    with _DerivedLock():
        todo = RosterImport.objects.filter(
            committed=True,
            staging_cleared=False,
            derived_status__in=DERIVED_OPEN_STATUSES,
            pk__lte=roster_import.pk,
        ).order_by("pk")
        for pk in list(todo.values_list("pk", flat=True)):
            _derive_one(pk, retryable=retryable)
    roster_import.refresh_from_db()
    return roster_import


def _derive_one(pk: int, *, retryable: bool) -> None:
    roster_import = RosterImport.objects.select_related("created_by").get(pk=pk)
    if roster_import.derived_status not in DERIVED_OPEN_STATUSES:
        return  # another run finished it while this one waited for the lock
    _update(
        roster_import,
        derived_status=DerivedStatus.RUNNING,
        derived_started_at=timezone.now(),
        derived_finished_at=None,
        derived_heartbeat_at=timezone.now(),
        derived_attempts=roster_import.derived_attempts + 1,
        derived_error="",
    )
    progress = Progress(pk, prefix="derived_").start()
    started = time.perf_counter()
    try:
        ids = changed_household_ids(roster_import.pk)
        batches = list(chunks(ids, derived_batch_size()))
        reactions = [
            (name, families_changed_reactions.contributions[name])
            for name in families_changed_reactions.order
            if name in families_changed_reactions.contributions
        ]
        total = 1 + len(batches) * len(reactions)
        progress.report(phase=_("Menerapkan status bansos dari file"), done=0, total=total)
        # The file's KIP/KIS/SEMBAKO/KKS columns set the aid statuses, also for families
        # whose registry data did not change. Before the rule rows are refreshed below,
        # so that a roster status is written once, as it is. Applying the same statuses
        # again changes nothing.
        # The step's time includes its commit (the deferred foreign-key checks).
        with checks.timed("roster_aid_apply"), transaction.atomic():
            roster_aid_apply_staged(
                by=roster_import.created_by,
                on=timezone.localdate(),
                rows=roster_import_aid_stage(roster_import=roster_import),
            )
        done = 1
        for n, batch in enumerate(batches, start=1):
            batch_ids = set(batch)
            for name, reaction in reactions:
                progress.report(
                    phase=_("Memperbarui %(what)s (bagian %(n)d dari %(of)d)")
                    % {"what": _step_label(name), "n": n, "of": len(batches)},
                    done=done,
                )
                # One transaction per reaction and batch: a failure leaves the batches
                # before it complete and this one untouched; a rerun redoes them all.
                with checks.timed(f"families_changed:{name}"), transaction.atomic():
                    reaction(household_ids=batch_ids, fields=CHANGED_FIELDS)
                done += 1
            _derived_test_hooks()
        progress.report(done=done)
    except Exception as exc:
        progress.stop()
        logger.exception("roster import %s: derived data failed", pk)
        if retryable:  # the task retries with backoff; the stage stays open
            _update(
                roster_import,
                derived_status=DerivedStatus.PENDING,
                derived_progress_phase=_("Mencoba lagi"),
                derived_error=_("Pembaruan terhenti dan akan dicoba lagi otomatis."),
            )
        else:
            _update(
                roster_import,
                derived_status=DerivedStatus.FAILED,
                derived_finished_at=timezone.now(),
                derived_progress_phase="",
                derived_error=_(
                    "Pembaruan cakupan bansos dan kelompok P2K2 gagal (%(error)s). Data "
                    "keluarga sudah tersimpan; pembaruan diulang otomatis malam ini, atau "
                    "sekarang dengan tombol Ulangi pembaruan."
                )
                % {"error": type(exc).__name__},
            )
        raise
    progress.stop()
    log_elapsed("derived", started)
    _update(
        roster_import,
        derived_status=DerivedStatus.DONE,
        derived_finished_at=timezone.now(),
        derived_progress_phase="",
        derived_error="",
    )


def _derived_test_hooks() -> None:
    """After each batch: test hooks of the real-worker tests (``pkh/settings/
    worker_test.py``), never set in real use: a pause, so a test can kill the worker
    mid-stage, and one failure, when the marker file exists (deleted as it fires)."""
    pause = float(_setting("IMPORTS_DERIVED_PAUSE_SECONDS", 0) or 0)
    if pause:
        time.sleep(pause)
    marker = _setting("IMPORTS_DERIVED_FAIL_ONCE_PATH", "")
    if marker and os.path.exists(marker):
        os.unlink(marker)
        raise RuntimeError("test hook: the derived stage fails once")


def _step_label(reaction: str) -> str:
    """A reaction's name (``families_changed_reactions``) as the progress line shows it."""
    return {
        "assistance": _("kelayakan bansos"),
        "fds_sessions": _("keanggotaan kelompok P2K2"),
    }.get(reaction, reaction)


@transaction.atomic
def roster_import_derived_retry(*, roster_import: RosterImport, by: User) -> RosterImport:
    """Queue a failed follow-up stage again (the "Ulangi pembaruan" button)."""
    roster_import = RosterImport.objects.select_for_update().get(pk=roster_import.pk)
    if roster_import.created_by_id != by.pk:
        raise ValidationError(_("Hanya admin yang mengunggah file ini yang dapat mengulang."))
    if roster_import.derived_status != DerivedStatus.FAILED or roster_import.staging_cleared:
        raise ValidationError(_("Hanya pembaruan yang gagal yang dapat diulang."))
    _update(
        roster_import,
        derived_status=DerivedStatus.PENDING,
        derived_queued_at=timezone.now(),
        derived_progress_phase="",
        derived_error="",
    )
    transaction.on_commit(partial(roster_import_derived_enqueue, roster_import.pk))
    return roster_import


def derived_stale_after() -> datetime.timedelta:
    """A pending stage whose task has not started after this long was lost (the broker
    was down at the commit, or the message was dropped): the watchdog queues it again."""
    return datetime.timedelta(seconds=_setting("IMPORTS_DERIVED_REQUEUE_SECONDS", 600))


def roster_imports_derived_resume(*, now: datetime.datetime | None = None) -> list[int]:
    """The stale-stage detector (beat, every few minutes): a running stage whose heartbeat
    stopped (its worker died) goes back to pending, and every pending stage whose task
    did not start in time is queued again. Returns the ids queued.

    A heartbeat comes from a separate connection only on PostgreSQL; elsewhere only the
    lost pending stages are queued again.
    """
    now = now or timezone.now()
    if connection.vendor == "postgresql":
        RosterImport.objects.filter(
            derived_status=DerivedStatus.RUNNING, derived_heartbeat_at__lt=now - stale_after()
        ).update(
            derived_status=DerivedStatus.PENDING,
            derived_queued_at=now,
            derived_error=_("Pembaruan terhenti karena worker berhenti; dicoba lagi."),
        )
        recent = Q(derived_queued_at=now)
    else:
        recent = Q(pk__in=[])
    lost = Q(derived_queued_at__lt=now - derived_stale_after()) | Q(derived_queued_at__isnull=True)
    ids = list(
        RosterImport.objects.filter(
            Q(derived_status=DerivedStatus.PENDING) & (lost | recent), staging_cleared=False
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if ids:
        RosterImport.objects.filter(pk__in=ids).update(derived_queued_at=now)
        # One task for the newest: it runs every older open stage first, in order.
        transaction.on_commit(partial(roster_import_derived_enqueue, ids[-1]))
    return ids


def roster_imports_derived_repair(*, now: datetime.datetime | None = None) -> int:
    """The nightly repair: run every follow-up stage still open (pending, failed after
    its retries, or running with a dead worker), here and now, in import order. Returns
    how many stages it finished. A stage still failing stays failed, with its message."""
    now = now or timezone.now()
    open_stages = RosterImport.objects.filter(
        committed=True, staging_cleared=False, derived_status__in=DERIVED_OPEN_STATUSES
    )
    if connection.vendor == "postgresql":
        # A stage running with a live heartbeat belongs to a worker: leave it alone.
        open_stages = open_stages.exclude(
            derived_status=DerivedStatus.RUNNING, derived_heartbeat_at__gte=now - stale_after()
        )
    finished = 0
    for pk in list(open_stages.order_by("pk").values_list("pk", flat=True)):
        try:
            if roster_import_derive(roster_import_id=pk).derived_status == DerivedStatus.DONE:
                finished += 1
        except Exception:  # noqa: BLE001 - logged and recorded; the next ones still run
            logger.warning("roster import %s: nightly repair of derived data failed", pk)
            break  # the newer ones wait for this one (import order)
    return finished
