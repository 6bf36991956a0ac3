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
   (``imports/apply.py``) and the final status, in the same transaction: a worker
   killed half-way leaves nothing written and the status at "importing" with a
   heartbeat that stops, which ``roster_imports_fail_stale`` turns into "failed" (the
   page says nothing was written and offers a retry). "Done" means this committed.
4. ``roster_import_derive``: the follow-up stage, queued after the commit ("memperbarui
   cakupan bansos dan kelompok P2K2"): the file's aid statuses, then the
   ``families_changed`` reactions (aid eligibility, P2K2 membership periods) in batches,
   each step its own transaction and idempotent. Its own status, progress and
   timestamps (``RosterImport.derived_*``); retried with backoff, requeued by
   ``roster_imports_derived_resume`` when its worker died, and run by the nightly
   ``roster_imports_derived_repair`` if still open. Until it is done the coverage, gap
   and P2K2 pages say their figures are being refreshed (``imports/extensions.py``).
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
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from assistance import eligibility
from assistance.services.roster import roster_aid_apply_staged
from imports.apply import apply
from imports.checks import pipeline as checks
from imports.checks.pipeline import fetch
from imports.models import (
    DERIVED_OPEN_STATUSES,
    DerivedStatus,
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
from pkh.extensions import families_changed_reactions
from pkh.permissions import may_import
from pkh.queue import publish
from pkh.sql import chunks, log_elapsed

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
def roster_import_write(
    *, roster_import_id: int, retryable: bool = False, enqueue_derived: bool = True
) -> RosterImport:
    """Write a confirmed import. Idempotent: runs only while the status is "importing";
    rerun after a crash it recomputes everything and writes the same result.

    "Done" means the registry write committed. The follow-up stage (the derived data,
    ``roster_import_derive``) is then queued after the commit; ``enqueue_derived=False``
    leaves it to the caller (the command line runs it itself)."""
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
                    apply(roster_import=roster_import, progress=progress, now=now)
                # The data the other apps derive from the registry (the file's aid
                # statuses, aid eligibility, P2K2 periods) is the follow-up stage's:
                # queued after the commit (roster_import_derive).
                committed = True
            progress.stop()
            # The final status is part of the transaction: "done" only if committed.
            derived = (
                {
                    "derived_status": DerivedStatus.PENDING,
                    "derived_queued_at": timezone.now(),
                    "derived_error": "",
                    "derived_progress_phase": "",
                    "derived_progress_done": 0,
                    "derived_progress_total": 0,
                    "derived_started_at": None,
                    "derived_finished_at": None,
                }
                if committed
                else {}
            )
            RosterImport.objects.filter(pk=roster_import.pk).update(
                status=ImportStatus.DONE if committed else ImportStatus.FAILED,
                committed=committed,
                error=error,
                **derived,
                finished_at=timezone.now(),
                heartbeat_at=timezone.now(),
                progress_phase="",
                progress_done=1,
                progress_total=1,
                **counts.as_fields(),
            )
            if committed and enqueue_derived:
                transaction.on_commit(partial(roster_import_derived_enqueue, roster_import.pk))
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


# ---------------------------------------------------------------------------
# The follow-up stage: derived data after a committed import
# ---------------------------------------------------------------------------
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


def changed_household_ids(roster_import: RosterImport) -> list[int]:
    """The households an import created or changed (themselves or through their
    members), read again from its staging plans after the commit, in id order."""
    return [
        row[0]
        for row in fetch(
            f"""SELECT h.id FROM {T.household_plans} sh
                JOIN {T.households} h ON h.id_keluarga = sh.id_keluarga
            WHERE sh.import_id = %s AND sh.action IN (1, 2)
            UNION
            SELECT h.id FROM {T.member_plans} sm
                JOIN {T.households} h ON h.id_keluarga = sm.id_keluarga
            WHERE sm.import_id = %s AND sm.action IN (1, 2)
            ORDER BY 1""",
            [roster_import.pk, roster_import.pk],
        )
    ]


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
        ids = changed_household_ids(roster_import)
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
        with transaction.atomic(), checks.timed("roster_aid_apply"):
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
                with transaction.atomic(), checks.timed(f"families_changed:{name}"):
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


def _clear_staging(import_id: int) -> None:
    for model in (StagingRow, StagingFamily, StagingHousehold, StagingMember):
        model.objects.filter(import_id=import_id).delete()
    RosterImport.objects.filter(pk=import_id).update(staging_cleared=True)


def staging_cleanup(*, now: datetime.datetime | None = None) -> int:
    """Drop the staging rows of imports finished more than IMPORTS_STAGING_DAYS ago."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=_setting("IMPORTS_STAGING_DAYS", 7))
    ids = list(
        # An open follow-up stage still reads the staging tables: kept until it is done.
        RosterImport.objects.filter(staging_cleared=False, finished_at__lt=cutoff)
        .exclude(derived_status__in=DERIVED_OPEN_STATUSES)
        .values_list("pk", flat=True)[:50]
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
