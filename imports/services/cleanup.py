"""Staging rows: dropped when an import is cancelled, and a week after it finished
(unless its follow-up stage still reads them)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from imports.models import (
    DERIVED_OPEN_STATUSES,
    RosterImport,
    StagingFamily,
    StagingHousehold,
    StagingMember,
    StagingRow,
)
from imports.services.common import _setting


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
