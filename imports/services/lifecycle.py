"""The life of an import up to the write: upload, validation (the preview), confirm,
cancel, retry, the stale-worker check, and the synchronous run of the command line."""

from __future__ import annotations

import datetime
import logging
import os
import time

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from imports.checks import pipeline as checks
from imports.models import DerivedStatus, ImportMode, ImportStatus, RosterImport
from imports.progress import Progress
from imports.reader import RosterFileError
from imports.services.cleanup import _clear_staging, staging_cleanup
from imports.services.common import _enqueue, _update, stale_after
from imports.services.derived import roster_import_derive
from imports.services.write import roster_import_write
from imports.staging import stage_roster
from pkh.permissions import may_import

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------------------
# Upload
# ---------------------------------------------------------------------------
@transaction.atomic
def roster_import_create(
    *,
    by: User,
    file,
    file_name: str,
    mode: str = ImportMode.ALL_OR_NOTHING,
    sheet: str = "",
    enqueue: bool = True,
) -> RosterImport:
    """Store an uploaded roster and queue its validation (the preview)."""
    if not may_import(by):
        raise ValidationError(_("Hanya admin yang dapat mengimpor data keluarga."))
    if mode not in ImportMode.values:
        raise ValidationError({"mode": _("Mode impor tidak dikenal.")})
    if not by.area_codes:
        raise ValidationError(_("Akun Anda belum punya wilayah tugas: tidak ada desa tujuan."))
    staging_cleanup()
    name = os.path.basename(file_name or getattr(file, "name", "") or "roster")[:255]
    roster_import = RosterImport(
        created_by=by,
        file_name=name,
        mode=mode,
        sheet=(sheet or "").strip()[:100],
        progress_phase=_("Dalam antrean"),
    )
    roster_import.file.save(name, file if isinstance(file, File) else File(file), save=False)
    roster_import.file_size = roster_import.file.size
    roster_import.save()
    if enqueue:
        _enqueue("roster_import_validate_task", roster_import.pk)
    return roster_import


# ---------------------------------------------------------------------------
# Validation (preview)
# ---------------------------------------------------------------------------
@checks.tuned_session()
def roster_import_validate(*, roster_import_id: int, retryable: bool = False) -> RosterImport:
    """Read, check and count; idempotent (a rerun starts the staging over)."""
    roster_import = RosterImport.objects.select_related("created_by").get(pk=roster_import_id)
    if roster_import.status not in (ImportStatus.QUEUED, ImportStatus.VALIDATING):
        return roster_import
    _update(
        roster_import,
        status=ImportStatus.VALIDATING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        attempts=roster_import.attempts + 1,
        error="",
    )
    progress = Progress(roster_import.pk).start()
    try:
        try:
            with checks.timed("stage"):
                stage_roster(roster_import=roster_import, progress=progress)
        except RosterFileError as exc:
            progress.stop()
            _update(
                roster_import,
                status=ImportStatus.FAILED,
                error=str(exc),
                finished_at=timezone.now(),
                progress_phase="",
            )
            return roster_import
        roster_import.refresh_from_db(fields=["columns", "headers", "header_line"])
        progress.report(phase=_("Memeriksa duplikat dan aturan antar-baris"))
        with checks.timed("check_file"):
            checks.check_file(roster_import=roster_import)
        progress.report(phase=_("Membandingkan dengan registri"))
        signature = checks.registry_signature()
        with checks.timed("check_registry"):
            checks.check_registry(roster_import=roster_import)
        counts = checks.count(roster_import=roster_import)
    except OperationalError:
        progress.stop()
        if retryable:  # the task retries with backoff; the status stays truthful
            _update(roster_import, status=ImportStatus.QUEUED, progress_phase=_("Mencoba lagi"))
            raise
        logger.exception("roster import %s: validation failed", roster_import.pk)
        _update(
            roster_import,
            status=ImportStatus.FAILED,
            error=_("Pemeriksaan gagal karena kesalahan basis data. Silakan ulangi."),
            finished_at=timezone.now(),
        )
        raise
    except Exception:
        progress.stop()
        logger.exception("roster import %s: validation failed", roster_import.pk)
        _update(
            roster_import,
            status=ImportStatus.FAILED,
            error=_("Pemeriksaan gagal karena kesalahan sistem. Silakan ulangi."),
            finished_at=timezone.now(),
        )
        raise
    progress.stop()
    done = roster_import.mode == ImportMode.DRY_RUN
    _update(
        roster_import,
        status=ImportStatus.DONE if done else ImportStatus.AWAITING_CONFIRMATION,
        registry_signature=signature,
        validated_at=timezone.now(),
        finished_at=timezone.now() if done else None,
        progress_phase="",
        **counts.as_fields(),
    )
    return roster_import


# ---------------------------------------------------------------------------
# Confirm, cancel, retry
# ---------------------------------------------------------------------------
def writable_families(roster_import: RosterImport) -> int:
    return (
        roster_import.households_created
        + roster_import.households_updated
        + roster_import.households_unchanged
    )


@transaction.atomic
def roster_import_confirm(
    *, roster_import: RosterImport, by: User, mode: str | None = None
) -> RosterImport:
    """The admin confirms the preview: queue the write."""
    roster_import = RosterImport.objects.select_for_update().get(pk=roster_import.pk)
    if roster_import.created_by_id != by.pk:
        raise ValidationError(_("Hanya admin yang mengunggah file ini yang dapat mengonfirmasi."))
    if roster_import.status != ImportStatus.AWAITING_CONFIRMATION:
        raise ValidationError(_("Impor ini tidak sedang menunggu konfirmasi."))
    mode = mode or roster_import.mode
    if mode not in (ImportMode.ALL_OR_NOTHING, ImportMode.SKIP_INVALID):
        raise ValidationError({"mode": _("Mode impor tidak dikenal.")})
    if mode == ImportMode.ALL_OR_NOTHING and roster_import.rows_rejected:
        raise ValidationError(
            _(
                "Ada %(n)d baris ditolak: dengan mode “semua atau tidak sama sekali” tidak ada "
                "yang disimpan. Perbaiki file, atau pilih “lewati keluarga yang tidak valid”."
            )
            % {"n": roster_import.rows_rejected}
        )
    if not writable_families(roster_import):
        raise ValidationError(_("Tidak ada keluarga yang dapat diimpor dari file ini."))
    roster_import.mode = mode
    roster_import.status = ImportStatus.IMPORTING
    roster_import.confirmed_at = timezone.now()
    roster_import.started_at = None
    roster_import.heartbeat_at = None
    roster_import.progress_phase = _("Menunggu worker")
    roster_import.progress_done = 0
    roster_import.progress_total = 0
    roster_import.save(
        update_fields=[
            "mode",
            "status",
            "confirmed_at",
            "started_at",
            "heartbeat_at",
            "progress_phase",
            "progress_done",
            "progress_total",
        ]
    )
    _enqueue("roster_import_write_task", roster_import.pk)
    return roster_import


@transaction.atomic
def roster_import_cancel(*, roster_import: RosterImport, by: User) -> RosterImport:
    roster_import = RosterImport.objects.select_for_update().get(pk=roster_import.pk)
    if roster_import.created_by_id != by.pk:
        raise ValidationError(_("Hanya admin yang mengunggah file ini yang dapat membatalkan."))
    if roster_import.status != ImportStatus.AWAITING_CONFIRMATION:
        raise ValidationError(_("Hanya impor yang menunggu konfirmasi yang dapat dibatalkan."))
    roster_import.status = ImportStatus.CANCELLED
    roster_import.finished_at = timezone.now()
    roster_import.save(update_fields=["status", "finished_at"])
    _clear_staging(roster_import.pk)
    return roster_import


@transaction.atomic
def roster_import_retry(*, roster_import: RosterImport, by: User) -> RosterImport:
    """Run a failed import again: the write if it had been confirmed, else the check."""
    roster_import = RosterImport.objects.select_for_update().get(pk=roster_import.pk)
    if roster_import.created_by_id != by.pk:
        raise ValidationError(_("Hanya admin yang mengunggah file ini yang dapat mengulang."))
    if roster_import.status != ImportStatus.FAILED or roster_import.staging_cleared:
        raise ValidationError(_("Hanya impor yang gagal yang dapat diulang."))
    roster_import.error = ""
    roster_import.finished_at = None
    roster_import.started_at = None
    roster_import.heartbeat_at = None
    if roster_import.confirmed_at and roster_import.validated_at:
        roster_import.status = ImportStatus.IMPORTING
        roster_import.progress_phase = _("Menunggu worker")
        task = "roster_import_write_task"
    else:
        roster_import.status = ImportStatus.QUEUED
        roster_import.progress_phase = _("Dalam antrean")
        task = "roster_import_validate_task"
    roster_import.save(
        update_fields=[
            "error",
            "finished_at",
            "started_at",
            "heartbeat_at",
            "status",
            "progress_phase",
        ]
    )
    _enqueue(task, roster_import.pk)
    return roster_import


def roster_imports_fail_stale(*, now: datetime.datetime | None = None) -> int:
    """Mark imports whose worker stopped beating as failed. Returns how many.

    Only where the heartbeat comes from a separate connection (PostgreSQL): a running
    import there beats every few seconds, also inside its long transaction.
    """
    if connection.vendor != "postgresql":
        return 0
    now = now or timezone.now()
    cutoff = now - stale_after()
    stale = RosterImport.objects.filter(started_at__isnull=False, heartbeat_at__lt=cutoff)
    n = stale.filter(status=ImportStatus.VALIDATING).update(
        status=ImportStatus.FAILED,
        finished_at=now,
        error=_("Pemeriksaan terhenti karena worker berhenti. Silakan ulangi."),
    )
    n += stale.filter(status=ImportStatus.IMPORTING).update(
        status=ImportStatus.FAILED,
        finished_at=now,
        error=_(
            "Impor terhenti sebelum selesai karena worker berhenti. Tidak ada data yang "
            "ditulis (impor berjalan dalam satu transaksi). Silakan ulangi."
        ),
    )
    return n


def roster_import_run(*, roster_import: RosterImport, derive: bool = True) -> RosterImport:
    """Validate and (unless a dry run, and if the mode allows) write, synchronously:
    the command line's path through the same services. After a commit the follow-up
    stage runs here too (``derive=False``: it stays pending, as if its task were lost)."""
    roster_import = roster_import_validate(roster_import_id=roster_import.pk)
    if roster_import.status != ImportStatus.AWAITING_CONFIRMATION:
        return roster_import
    if roster_import.mode == ImportMode.ALL_OR_NOTHING and roster_import.rows_rejected:
        _update(
            roster_import,
            status=ImportStatus.FAILED,
            finished_at=timezone.now(),
            error=_("Ada baris yang ditolak: tidak ada yang disimpan."),
        )
        return roster_import
    if not writable_families(roster_import):
        _update(roster_import, status=ImportStatus.DONE, finished_at=timezone.now())
        return roster_import
    _update(roster_import, status=ImportStatus.IMPORTING, confirmed_at=timezone.now())
    roster_import = roster_import_write(roster_import_id=roster_import.pk, enqueue_derived=False)
    if roster_import.derived_status == DerivedStatus.PENDING and derive:
        roster_import = roster_import_derive(roster_import_id=roster_import.pk)
    return roster_import


def wait_for(roster_import: RosterImport, *, timeout: float = 60.0) -> RosterImport:
    """Poll an import until it stops running (tests and the command line)."""
    deadline = time.monotonic() + timeout
    while True:
        roster_import.refresh_from_db()
        if not roster_import.is_running or time.monotonic() > deadline:
            return roster_import
        time.sleep(0.1)
