"""Helpers of the import tests: an import's issues and the size of the audit trail."""

from households.models import Household, Member
from imports.models import IssueKind


def issues(roster_import, kind=IssueKind.REJECTION):
    return list(roster_import.issues.filter(kind=kind).values_list("line", "column", "reason"))


def history_count():
    return Household.history.count() + Member.history.count()
