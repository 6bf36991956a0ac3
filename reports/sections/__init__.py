"""The report as a list of sections, each computed by one function from one app's data.

Each section has a ``compute(ctx) -> SectionResult``. To add one, write
``reports/sections/<x>.py`` with a ``compute`` function that reads that app's selectors for
``ctx.facilitator`` and ``ctx.quarter`` in a fixed number of queries, and add it to
``_sections()`` below (see docs/reports.md, "Adding a section").

Figures are stored in the snapshot with their label and definition as Indonesian source
strings (marked with ``gettext_noop``) and translated when displayed, so an old report keeps
the definitions it was computed with.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.utils.translation import gettext_noop

from reports.quarters import Quarter


@dataclass
class ReportContext:
    """What a section needs: whose report, which quarter, and shared, cached reads."""

    facilitator: Any  # accounts.User
    quarter: Quarter

    @cached_property
    def previous(self) -> Quarter:
        return self.quarter.previous

    @cached_property
    def _caseloads(self) -> tuple[list[dict[int, str]], dict[int, datetime.datetime]]:
        from reports.history import caseloads_as_of

        return caseloads_as_of(
            facilitator_id=self.facilitator.pk, instants=[self.quarter.start, self.quarter.end]
        )

    @property
    def caseload_start(self) -> dict[int, str]:
        """``{household id: status}`` at the first instant of the quarter."""
        return self._caseloads[0][0]

    @property
    def caseload_end(self) -> dict[int, str]:
        """``{household id: status}`` at the end of the quarter (= start of the next)."""
        return self._caseloads[0][1]

    @cached_property
    def month_members(self) -> dict[datetime.date, dict]:
        """``{first day of month: {member id: reports.history.MemberAsOf}}`` at the end of
        each month of the previous quarter and of this one, for the families active or
        suspended at the end of the quarter the month belongs to (``caseload_start`` for
        the previous quarter's months). One read of the members' history for the six
        instants (two queries); the caseload section's components at the start and end of
        the quarter are the last month of each quarter, the commitment section's due
        list every month."""
        from reports.history import IN_PROGRAMME, members_as_of, month_end_instant

        slots = []
        for quarter, caseload in (
            (self.previous, self.caseload_start),
            (self.quarter, self.caseload_end),
        ):
            families = sorted(pk for pk, status in caseload.items() if status in IN_PROGRAMME)
            slots += [(month, families) for month in quarter.months]
        states = members_as_of(
            households=[(families, month_end_instant(month)) for month, families in slots]
        )
        return {month: members for (month, _), members in zip(slots, states, strict=True)}

    @property
    def created_at(self) -> dict[int, datetime.datetime]:
        """When each family of either caseload was first recorded."""
        return self._caseloads[1]


@dataclass(frozen=True)
class Figure:
    key: str  # "<section>.<name>", also the key in ProgressReport.summary
    label: str  # Indonesian source string (gettext_noop)
    definition: str  # Indonesian source string (gettext_noop)
    value: int | float | None
    previous: int | float | None = None
    unit: str = ""  # "keluarga", "kunjungan", "%"...

    def as_dict(self) -> dict:
        change = None
        if self.value is not None and self.previous is not None:
            change = round(self.value - self.previous, 1)
            if isinstance(self.value, int) and isinstance(self.previous, int):
                change = int(change)
        return {
            "key": self.key,
            "label": self.label,
            "definition": self.definition,
            "value": self.value,
            "previous": self.previous,
            "change": change,
            "unit": self.unit,
        }


@dataclass(frozen=True)
class Table:
    key: str
    title: str  # Indonesian source string
    columns: list[str]  # Indonesian source strings; the first column is the row label
    rows: list[list[Any]]  # [label, number, number, ...]; labels translated on display
    translate_labels: bool = True  # False when labels come from data (component names)

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "columns": self.columns,
            "rows": self.rows,
            "translate_labels": self.translate_labels,
        }


@dataclass(frozen=True)
class SectionResult:
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass(frozen=True)
class TeamColumn:
    """A headline figure shown per facilitator on the team and district pages."""

    key: str  # a Figure key
    label: str  # Indonesian source string
    higher_is_better: bool = True
    unit: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str  # Indonesian source string
    compute: Callable[[ReportContext], SectionResult]
    team_columns: tuple[TeamColumn, ...] = ()


def _sections() -> list[Section]:
    from reports.sections import (
        aid,
        caseload,
        commitments,
        complaints,
        fds,
        graduation,
        roster,
        visits,
    )

    return [
        Section(
            "caseload",
            gettext_noop("Jumlah dampingan"),
            caseload.compute,
            team_columns=(
                TeamColumn("caseload.total_end", gettext_noop("Keluarga (akhir)"), unit="keluarga"),
                TeamColumn("caseload.active_end", gettext_noop("Aktif (akhir)"), unit="keluarga"),
            ),
        ),
        Section(
            "graduation",
            gettext_noop("Graduasi terhadap target"),
            graduation.compute,
            team_columns=(
                TeamColumn(
                    "graduation.behind_target",
                    gettext_noop("Kurang dari target"),
                    higher_is_better=False,
                    unit="keluarga",
                ),
                TeamColumn("graduation.target", gettext_noop("Target graduasi"), unit="keluarga"),
                TeamColumn(
                    "graduation.self_approved", gettext_noop("Graduasi mandiri"), unit="keluarga"
                ),
            ),
        ),
        Section(
            "visits",
            gettext_noop("Kunjungan rumah"),
            visits.compute,
            team_columns=(
                TeamColumn("visits.made", gettext_noop("Kunjungan"), unit="kunjungan"),
                TeamColumn(
                    "visits.not_visited_pct",
                    gettext_noop("Belum dikunjungi (%)"),
                    higher_is_better=False,
                    unit="%",
                ),
            ),
        ),
        Section(
            "fds",
            gettext_noop("Pertemuan P2K2 (FDS)"),
            fds.compute,
            team_columns=(
                TeamColumn("fds.attendance_pct", gettext_noop("Kehadiran P2K2 (%)"), unit="%"),
            ),
        ),
        Section(
            "aid",
            gettext_noop("Bantuan komplementer"),
            aid.compute,
            team_columns=(
                TeamColumn("aid.coverage_pct", gettext_noop("Cakupan bantuan (%)"), unit="%"),
            ),
        ),
        Section(
            "commitments",
            gettext_noop("Verifikasi komitmen"),
            commitments.compute,
            team_columns=(
                TeamColumn(
                    "commitments.completeness_pct",
                    gettext_noop("Kelengkapan verifikasi (%)"),
                    unit="%",
                ),
                TeamColumn(
                    "commitments.compliance_pct", gettext_noop("Kepatuhan komitmen (%)"), unit="%"
                ),
            ),
        ),
        Section(
            "complaints",
            gettext_noop("Pengaduan"),
            complaints.compute,
            team_columns=(
                TeamColumn(
                    "complaints.overdue_end",
                    gettext_noop("Pengaduan lewat tenggat"),
                    higher_is_better=False,
                    unit="pengaduan",
                ),
            ),
        ),
        Section(
            "roster",
            gettext_noop("Perubahan daftar dampingan"),
            roster.compute,
            team_columns=(
                TeamColumn("roster.added", gettext_noop("Keluarga baru"), unit="keluarga"),
                TeamColumn("roster.moved_in", gettext_noop("Pindah masuk"), unit="keluarga"),
                TeamColumn("roster.moved_out", gettext_noop("Pindah keluar"), unit="keluarga"),
            ),
        ),
    ]


SECTIONS: list[Section] = []


def sections() -> list[Section]:
    if not SECTIONS:
        SECTIONS.extend(_sections())
    return SECTIONS


# The team page lists the facilitators most behind first: the largest shortfall against
# the quarter's self-graduation target.
TEAM_DEFAULT_SORT = ("graduation.behind_target", "desc")
TEAM_DEFAULT_SORT_NOTE = gettext_noop(
    "Diurutkan dari kekurangan terbesar terhadap target graduasi sejahtera mandiri triwulan "
    "(target dikurangi graduasi mandiri yang disetujui)."
)


def date_iso(value: datetime.date | datetime.datetime) -> str:
    return value.isoformat()
