"""The registry write of a confirmed import: one transaction under the import lock;
"done" means it committed. The follow-up stage is queued after the commit."""

from __future__ import annotations

import logging
import time
from functools import partial

from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from imports.apply import apply
from imports.checks import pipeline as checks
from imports.checks.pipeline import fetch
from imports.models import DerivedStatus, ImportMode, ImportStatus, RosterImport
from imports.progress import Progress
from imports.services.common import _setting, _update
from imports.services.derived import roster_import_derived_enqueue
from imports.staging import stage_roster
from imports.tables import T
from pkh.sql import log_elapsed

logger = logging.getLogger(__name__)

# pg_advisory_xact_lock key of the one-import-at-a-time lock ("PKHI").
IMPORT_LOCK_KEY = 0x504B4849


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
