"""Reads of roster imports: an admin sees only the imports they ran ("not yours" is 404)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from imports.models import DERIVED_OPEN_STATUSES, ImportIssue, IssueKind, RosterImport
from pkh.permissions import may_import


def roster_import_list(*, user: User) -> QuerySet[RosterImport]:
    if not may_import(user):
        return RosterImport.objects.none()
    return RosterImport.objects.filter(created_by=user).select_related("created_by")


def roster_import_get(*, user: User, pk: int) -> RosterImport:
    return get_object_or_404(roster_import_list(user=user), pk=pk)


def roster_import_issues(
    *, roster_import: RosterImport, kind: str = IssueKind.REJECTION, limit: int = 20
) -> list[ImportIssue]:
    """The first issues of a kind, in line order (the preview shows them)."""
    return list(
        ImportIssue.objects.filter(roster_import=roster_import, kind=kind).order_by("line", "id")[
            :limit
        ]
    )


def derived_refresh_pending() -> RosterImport | None:
    """The oldest committed import whose follow-up stage is still open, for the "still
    being refreshed" notices of the coverage, gap and P2K2 pages (one query)."""
    return (
        RosterImport.objects.filter(derived_status__in=DERIVED_OPEN_STATUSES)
        .only("pk", "created_by_id", "derived_status", "finished_at", "derived_queued_at")
        .order_by("pk")
        .first()
    )
