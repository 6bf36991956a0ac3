"""Roster import services: upload, validate (preview), confirm, write, cancel, retry.

A package cut by stage; every public name is re-exported here
(``from imports.services import X``):

* ``lifecycle``: upload, validation (preview), confirm, cancel, retry, stale workers,
  the command line's synchronous run;
* ``write``: the registry write, one transaction under the import lock;
* ``aid``: the file's aid statuses of a committed import;
* ``derived``: the follow-up stage (derived data after the commit);
* ``cleanup``: dropping staging rows;
* ``common``: settings, queueing after commit, updating the import row.

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

from imports.services.aid import (
    AID_HOUSEHOLD_CODES,
    AID_MEMBER_CODES,
    roster_import_aid_flags,
    roster_import_aid_stage,
)
from imports.services.cleanup import (
    staging_cleanup,
)
from imports.services.common import (
    roster_import_enqueue,
    stale_after,
)
from imports.services.derived import (
    CHANGED_FIELDS,
    DERIVED_LOCK_KEY,
    changed_household_ids,
    derived_batch_size,
    derived_stale_after,
    roster_import_derive,
    roster_import_derived_enqueue,
    roster_import_derived_retry,
    roster_imports_derived_repair,
    roster_imports_derived_resume,
)
from imports.services.lifecycle import (
    roster_import_cancel,
    roster_import_confirm,
    roster_import_create,
    roster_import_retry,
    roster_import_run,
    roster_import_validate,
    roster_imports_fail_stale,
    wait_for,
    writable_families,
)
from imports.services.write import (
    IMPORT_LOCK_KEY,
    roster_import_write,
)

__all__ = [
    "AID_HOUSEHOLD_CODES",
    "AID_MEMBER_CODES",
    "CHANGED_FIELDS",
    "DERIVED_LOCK_KEY",
    "IMPORT_LOCK_KEY",
    "changed_household_ids",
    "derived_batch_size",
    "derived_stale_after",
    "roster_import_aid_flags",
    "roster_import_aid_stage",
    "roster_import_cancel",
    "roster_import_confirm",
    "roster_import_create",
    "roster_import_derive",
    "roster_import_derived_enqueue",
    "roster_import_derived_retry",
    "roster_import_enqueue",
    "roster_import_retry",
    "roster_import_run",
    "roster_import_validate",
    "roster_import_write",
    "roster_imports_derived_repair",
    "roster_imports_derived_resume",
    "roster_imports_fail_stale",
    "staging_cleanup",
    "stale_after",
    "wait_for",
    "writable_families",
]
