"""The counts of an import's preview and result, and the registry signature."""

from __future__ import annotations

from dataclasses import dataclass

from households.models import Household, Member
from imports.models import ImportIssue, RosterImport
from imports.tables import T
from pkh.sql import fetch


@dataclass
class Counts:
    rows: int = 0
    rows_rejected: int = 0
    warnings: int = 0
    households_created: int = 0
    households_updated: int = 0
    households_unchanged: int = 0
    households_skipped: int = 0
    members_created: int = 0
    members_updated: int = 0
    members_unchanged: int = 0

    def as_fields(self) -> dict[str, int]:
        return dict(self.__dict__)


def count(*, roster_import: RosterImport) -> Counts:
    imp = roster_import.pk
    c = Counts()
    c.rows, c.rows_rejected = fetch(
        f"""SELECT COUNT(*), COALESCE(SUM(CASE WHEN rejected <> 0 THEN 1 ELSE 0 END), 0)
        FROM {T.rows} WHERE import_id = %s AND line > 0""",
        [imp],
    )[0]
    c.warnings = ImportIssue.objects.filter(roster_import_id=imp, kind="warning").count()
    c.households_skipped = fetch(
        f"SELECT COUNT(*) FROM {T.families} WHERE import_id = %s AND rejected <> 0", [imp]
    )[0][0]
    for action, n in fetch(
        f"SELECT action, COUNT(*) FROM {T.household_plans} WHERE import_id = %s GROUP BY action",
        [imp],
    ):
        if action == 1:
            c.households_created += n
        elif action == 2:
            c.households_updated += n
        else:
            c.households_unchanged += n
    for action, n in fetch(
        f"SELECT action, COUNT(*) FROM {T.member_plans} WHERE import_id = %s GROUP BY action", [imp]
    ):
        if action == 1:
            c.members_created += n
        elif action == 2:
            c.members_updated += n
        else:
            c.members_unchanged += n
    return c


def registry_signature() -> str:
    """Changes whenever a family, a member or a member's components change (every write
    to them leaves a history row or a through row): if it is the same as at preview
    time, the registry checks need not run again."""
    hh = Household.history.model._meta.db_table
    hm = Member.history.model._meta.db_table
    row = fetch(
        f"""SELECT (SELECT MAX(history_id) FROM {hh}), (SELECT MAX(history_id) FROM {hm}),
            (SELECT MAX(id) FROM {T.member_components}),
            (SELECT MAX(id) FROM {T.households}), (SELECT MAX(id) FROM {T.members}),
            (SELECT MAX(id) FROM {T.fds_groups})"""
    )[0]
    return ":".join(str(v or 0) for v in row)
