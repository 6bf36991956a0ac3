"""What the checks share: their context, the head of the issue inserts and SQL fragments."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from imports.columns import COMPONENT_BITS
from imports.models import RosterImport
from imports.tables import T
from pkh.sql import Dialect


def issue_insert() -> str:
    """The head of every statement that writes import issues."""
    return f'INSERT INTO {T.issues} (roster_import_id, kind, phase, line, "column", value, reason)'


def split(template: str, key: str) -> tuple[str, str]:
    """A translated message with one ``%(key)s`` cut into the text before and after it."""
    before, _sep, after = template.partition(f"%({key})s")
    return before, after


def area_sql(codes: list[str], column: str) -> tuple[str, list[str]]:
    """SQL condition: ``column`` (a village code) lies in one of ``codes``."""
    if not codes:
        return "1 = 0", []
    parts, params = [], []
    for code in codes:
        parts.append(f"({column} = %s OR {column} LIKE %s)")
        params += [code, f"{code}.%"]
    return "(" + " OR ".join(parts) + ")", params


def component_mask_sql(column: str) -> str:
    whens = " ".join(f"WHEN '{code}' THEN {bit}" for code, bit in COMPONENT_BITS.items())
    return f"CASE {column} {whens} ELSE 0 END"


def component_bits_table() -> str:
    return " UNION ALL ".join(
        f"SELECT '{code}' AS code, {bit} AS bit" for code, bit in COMPONENT_BITS.items()
    )


@dataclass
class CheckContext:
    """What every check reads: the import, its id, the SQL dialect and the phase its
    issues are recorded in."""

    roster_import: RosterImport
    phase: int
    rerun: bool = False
    d: Dialect = field(default_factory=Dialect)

    @property
    def imp(self) -> int:
        return self.roster_import.pk

    @property
    def has_pengurus(self) -> bool:
        return "PENGURUS" in (self.roster_import.columns or [])

    @cached_property
    def area(self) -> tuple[str, list[str]]:
        """The admin's region as an SQL condition on ``h.village_id``, and its params."""
        return area_sql(self.roster_import.created_by.area_codes, "h.village_id")
