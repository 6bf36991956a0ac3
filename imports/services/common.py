"""What the import services share: settings, queueing a task after commit, and
writing fields of the import row outside the long transaction."""

from __future__ import annotations

import datetime
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from imports.models import ImportStatus, RosterImport
from pkh.queue import publish


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
