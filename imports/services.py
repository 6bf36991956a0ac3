"""Roster import services: upload, validate (preview), confirm, write, cancel, retry.

The pipeline, set-based from end to end:

1. ``roster_import_validate``: stream the file, normalise and check each row in Python
   and load it into the staging table in batches (``imports/staging.py``); then the
   cross-row checks and deduplication in SQL (``imports/checks/``); then the counts
   of the preview. A dry run ends here.
2. ``roster_import_confirm``: the admin confirms; a Celery task runs
   ``roster_import_write``.
3. ``roster_import_write``: one transaction, under a global import lock (a PostgreSQL
   advisory lock; on SQLite the database write lock). If the registry changed since
   the preview, the registry checks run again. Then the bulk upsert with audit rows
   (``imports/apply.py``), ``families_changed``, and the final status, all in the
   same transaction: a worker killed half-way leaves nothing written and the status
   at "importing" with a heartbeat that stops, which ``roster_imports_fail_stale``
   turns into "failed" (the page says nothing was written and offers a retry).
"""

from __future__ import annotations

import datetime
import logging
import os
import time
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from assistance import eligibility
from assistance.services.roster import roster_aid_apply_staged
from imports.apply import apply
from imports.checks import pipeline as checks
from imports.checks.pipeline import fetch
from imports.models import (
    ImportMode,
    ImportStatus,
    RosterImport,
    StagingFamily,
    StagingHousehold,
    StagingMember,
    StagingRow,
)
from imports.progress import Progress
from imports.reader import RosterFileError
from imports.staging import stage_roster
from imports.tables import T
from pkh.extensions import families_changed
from pkh.permissions import may_import
from pkh.queue import publish
from pkh.sql import log_elapsed

logger = logging.getLogger(__name__)

# pg_advisory_xact_lock key of the one-import-at-a-time lock ("PKHI").
IMPORT_LOCK_KEY = 0x504B4849
CHANGED_FIELDS = frozenset(
    {"no_kk", "village", "address", "rt", "rw", "phone", "facilitator", "fds_group", "members"}
)


def _setting(name: str, default):
    return getattr(settings, name, default)


def stale_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=_setting("IMPORTS_STALE_SECONDS", 60))


def _enqueue(task_name: str, roster_import_id: int) -> None:
    transaction.on_commit(partial(roster_import_enqueue, task_name, roster_import_id))


def roster_import_enqueue(task_name: str, roster_import_id: int) -> bool:
    """Publish an import's task (after commit). If the broker (Redis) cannot be reached,
    the import is marked failed with a clear message instead of waiting for a task that
    never comes; the file is kept, nothing was written, and "Ulangi impor" queues it again.
    """
    from imports import tasks

    if publish(getattr(tasks, task_name), roster_import_id):
        return True
    RosterImport.objects.filter(
        pk=roster_import_id, status__in=(ImportStatus.QUEUED, ImportStatus.IMPORTING)
    ).update(
        status=ImportStatus.FAILED,
        finished_at=timezone.now(),
        progress_phase="",
        error=_(
            "Antrian tugas (Redis) tidak dapat dihubungi, jadi impor belum dijalankan. File "
            "tersimpan dan tidak ada data yang berubah. Coba lagi beberapa saat lagi dengan "
            "tombol Ulangi impor."
        ),
    )
    return False


def _update(roster_import: RosterImport, **fields) -> None:
    """Write fields of the import row now (outside any long transaction)."""
    for name, value in fields.items():
        setattr(roster_import, name, value)
    RosterImport.objects.filter(pk=roster_import.pk).update(**fields)


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


# ---------------------------------------------------------------------------
# Write
# ---------------------------------------------------------------------------
def _take_lock(progress: Progress) -> None:
    """One import writes at a time: the second waits here (PostgreSQL) or, on SQLite,
    waits for the database write lock and gives up with a clear message."""
    progress.report(phase=_("Menunggu giliran: impor lain sedang berjalan"))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            timeout = int(_setting("IMPORTS_LOCK_TIMEOUT_SECONDS", 3600))
            cursor.execute(f"SET LOCAL lock_timeout = '{timeout}s'")
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])
            cursor.execute("SET LOCAL lock_timeout = 0")
        else:
            # A write as the first statement takes SQLite's database lock now.
            cursor.execute(f"UPDATE {RosterImport._meta.db_table} SET id = id WHERE id = 0")


def _staging_complete(roster_import: RosterImport) -> bool:
    if roster_import.staging_cleared:
        return False
    n = fetch(
        f"SELECT COUNT(*) FROM {T.rows} WHERE import_id = %s AND line > 0", [roster_import.pk]
    )
    return n[0][0] == roster_import.rows and roster_import.rows > 0


@checks.tuned_session()
def roster_import_write(*, roster_import_id: int, retryable: bool = False) -> RosterImport:
    """Write a confirmed import. Idempotent: runs only while the status is "importing";
    rerun after a crash it recomputes everything and writes the same result."""
    roster_import = RosterImport.objects.select_related("created_by").get(pk=roster_import_id)
    if roster_import.status != ImportStatus.IMPORTING:
        return roster_import
    _update(
        roster_import,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        attempts=roster_import.attempts + 1,
    )
    progress = Progress(roster_import.pk).start()
    committed = False
    try:
        if not _staging_complete(roster_import):
            # The staging rows are gone (e.g. a database restart): read the file again.
            stage_roster(roster_import=roster_import, progress=progress)
            roster_import.refresh_from_db(fields=["columns", "headers", "header_line", "rows"])
            checks.check_file(roster_import=roster_import)
            _update(
                roster_import,
                registry_signature="",
                rows=checks.count(roster_import=roster_import).rows,
            )
        with transaction.atomic():
            _take_lock(progress)
            current = RosterImport.objects.filter(pk=roster_import.pk).values_list(
                "status", flat=True
            )[0]
            if current != ImportStatus.IMPORTING:
                progress.stop()
                return roster_import
            if not roster_import.registry_signature:
                checks.check_registry(roster_import=roster_import)
            elif checks.registry_signature() != roster_import.registry_signature:
                progress.report(phase=_("Registri berubah sejak pratinjau: memeriksa ulang"))
                checks.check_registry(roster_import=roster_import, rerun=True)
            counts = checks.count(roster_import=roster_import)
            now = timezone.now()
            blocked = roster_import.mode == ImportMode.ALL_OR_NOTHING and counts.rows_rejected
            error = ""
            if blocked:
                error = _(
                    "Ada baris yang ditolak saat diperiksa ulang terhadap registri: tidak "
                    "ada yang disimpan."
                )
            else:
                with checks.timed("apply"):
                    ids = apply(roster_import=roster_import, progress=progress, now=now)
                # The file's KIP/KIS/SEMBAKO/KKS columns set the aid statuses, also for
                # families whose registry data did not change. Before the families' rule
                # rows are refreshed (families_changed below), so that a roster status
                # is written once, as it is, not as a rule row updated right after.
                roster_import.committed = True  # written with the final status below
                with checks.timed("roster_aid_apply"):
                    roster_aid_apply_staged(
                        by=roster_import.created_by,
                        on=timezone.localdate(),
                        rows=roster_import_aid_stage(roster_import=roster_import),
                    )
                if ids:
                    # Upper apps resync (FDS memberships, aid eligibility) in this
                    # transaction.
                    with checks.timed("families_changed"):
                        families_changed(ids, fields=CHANGED_FIELDS)
                committed = True
            progress.stop()
            # The final status is part of the transaction: "done" only if committed.
            RosterImport.objects.filter(pk=roster_import.pk).update(
                status=ImportStatus.DONE if committed else ImportStatus.FAILED,
                committed=committed,
                error=error,
                finished_at=timezone.now(),
                heartbeat_at=timezone.now(),
                progress_phase="",
                progress_done=1,
                progress_total=1,
                **counts.as_fields(),
            )
            commit_started = time.perf_counter()
        # The commit runs the foreign-key checks PostgreSQL defers to it (Django's are
        # DEFERRABLE INITIALLY DEFERRED): one per inserted row and foreign key.
        log_elapsed("commit", commit_started)
    except OperationalError as exc:
        progress.stop()
        locked = "locked" in str(exc).lower() or "lock timeout" in str(exc).lower()
        if retryable and not locked:  # the task retries with backoff
            _update(roster_import, progress_phase=_("Mencoba lagi"))
            raise
        _update(
            roster_import,
            status=ImportStatus.FAILED,
            finished_at=timezone.now(),
            error=(
                _("Impor lain sedang berjalan terlalu lama. Tidak ada yang disimpan; ulangi nanti.")
                if locked
                else _("Impor gagal karena kesalahan basis data. Tidak ada yang disimpan.")
            ),
        )
        if not locked:
            raise
    except Exception:
        progress.stop()
        logger.exception("roster import %s: write failed", roster_import.pk)
        _update(
            roster_import,
            status=ImportStatus.FAILED,
            finished_at=timezone.now(),
            error=_("Impor gagal karena kesalahan sistem. Tidak ada yang disimpan."),
        )
        raise
    finally:
        progress.stop()
    roster_import.refresh_from_db()
    return roster_import


def roster_import_run(*, roster_import: RosterImport) -> RosterImport:
    """Validate and (unless a dry run, and if the mode allows) write, synchronously:
    the command line's path through the same services."""
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
    return roster_import_write(roster_import_id=roster_import.pk)


# ---------------------------------------------------------------------------
# After a committed import
# ---------------------------------------------------------------------------
AID_MEMBER_CODES = (("kip", "KIP"), ("kis", "KIS"))
AID_HOUSEHOLD_CODES = (("sembako", "SEMBAKO"), ("kks", "KKS"))


def roster_import_aid_flags(
    *, roster_import: RosterImport
) -> tuple[dict[int, dict[str, bool]], dict[int, dict[str, bool]]]:
    """The KIP/KIS (per member) and SEMBAKO/KKS (per family) values of a committed import,
    for ``assistance.services.roster.roster_aid_apply(member_flags=..., household_flags=...)``.

    Keys are Member / Household pks; only flags the file gave (Y or T) appear, only for
    the families that were written.
    """
    if not roster_import.committed:
        raise ValidationError(_("Impor ini belum tersimpan."))
    if roster_import.staging_cleared:
        raise ValidationError(_("Data sementara impor ini sudah dihapus."))
    member_flags: dict[int, dict[str, bool]] = {}
    for member_id, kip, kis in fetch(
        f"""SELECT m.id, r.kip, r.kis FROM {T.member_plans} sm
            JOIN {T.rows} r ON r.import_id = sm.import_id AND r.nik = sm.nik AND r.line = sm.line
            JOIN {T.members} m ON m.nik = sm.nik
        WHERE sm.import_id = %s AND sm.line > 0 AND (r.kip IS NOT NULL OR r.kis IS NOT NULL)""",
        [roster_import.pk],
    ):
        flags = {}
        if kip is not None:
            flags["KIP"] = bool(kip)
        if kis is not None:
            flags["KIS"] = bool(kis)
        member_flags[member_id] = flags
    household_flags: dict[int, dict[str, bool]] = {}
    for household_id, sembako, kks in fetch(
        f"""SELECT h.id, f.sembako, f.kks FROM {T.household_plans} sh
            JOIN {T.families} f ON f.import_id = sh.import_id AND f.id_keluarga = sh.id_keluarga
            JOIN {T.households} h ON h.id_keluarga = sh.id_keluarga
        WHERE sh.import_id = %s AND (f.sembako IS NOT NULL OR f.kks IS NOT NULL)""",
        [roster_import.pk],
    ):
        flags = {}
        if sembako is not None:
            flags["SEMBAKO"] = bool(sembako)
        if kks is not None:
            flags["KKS"] = bool(kks)
        household_flags[household_id] = flags
    return member_flags, household_flags


def roster_import_aid_stage(*, roster_import: RosterImport) -> int:
    """The same statuses as ``roster_import_aid_flags``, put straight into the aid
    module's temporary table (``assistance.eligibility.wanted_table``) by one
    ``INSERT ... SELECT`` from the staging tables, for ``roster_aid_apply_staged``."""
    table = eligibility.wanted_table()
    imp = roster_import.pk
    # One pass over the members for both per-member aids (k.n: 1 = KIP, 2 = KIS).
    return checks.run(
        f"""INSERT INTO {table} (aid_id, household_id, member_id, member_key, receiving)
        SELECT aid_id, household_id, member_id, member_key, receiving FROM (
            SELECT CASE WHEN k.n = 1 THEN 'KIP' ELSE 'KIS' END AS aid_id,
                m.household_id, m.id AS member_id, m.id AS member_key,
                CASE WHEN k.n = 1 THEN r.kip ELSE r.kis END AS receiving
            FROM {T.member_plans} sm
                JOIN {T.rows} r ON r.import_id = sm.import_id AND r.nik = sm.nik
                    AND r.line = sm.line
                JOIN {T.members} m ON m.nik = sm.nik
                CROSS JOIN (SELECT 1 AS n UNION ALL SELECT 2) k
            WHERE sm.import_id = %s AND sm.line > 0
                AND (r.kip IS NOT NULL OR r.kis IS NOT NULL)
        ) x WHERE receiving IS NOT NULL
        UNION ALL
        SELECT CASE WHEN k.n = 1 THEN 'SEMBAKO' ELSE 'KKS' END, h.id, NULL, 0,
            CASE WHEN k.n = 1 THEN f.sembako ELSE f.kks END
        FROM {T.household_plans} sh
            JOIN {T.families} f ON f.import_id = sh.import_id AND f.id_keluarga = sh.id_keluarga
            JOIN {T.households} h ON h.id_keluarga = sh.id_keluarga
            CROSS JOIN (SELECT 1 AS n UNION ALL SELECT 2) k
        WHERE sh.import_id = %s
            AND CASE WHEN k.n = 1 THEN f.sembako ELSE f.kks END IS NOT NULL""",
        [imp, imp],
    )


def _clear_staging(import_id: int) -> None:
    for model in (StagingRow, StagingFamily, StagingHousehold, StagingMember):
        model.objects.filter(import_id=import_id).delete()
    RosterImport.objects.filter(pk=import_id).update(staging_cleared=True)


def staging_cleanup(*, now: datetime.datetime | None = None) -> int:
    """Drop the staging rows of imports finished more than IMPORTS_STAGING_DAYS ago."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=_setting("IMPORTS_STAGING_DAYS", 7))
    ids = list(
        RosterImport.objects.filter(staging_cleared=False, finished_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:50]
    )
    for pk in ids:
        _clear_staging(pk)
    return len(ids)


def wait_for(roster_import: RosterImport, *, timeout: float = 60.0) -> RosterImport:
    """Poll an import until it stops running (tests and the command line)."""
    deadline = time.monotonic() + timeout
    while True:
        roster_import.refresh_from_db()
        if not roster_import.is_running or time.monotonic() > deadline:
            return roster_import
        time.sleep(0.1)
