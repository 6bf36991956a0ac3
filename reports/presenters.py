"""Turn a stored snapshot into what pages and exports show: translated labels, changes.

The snapshot keeps Indonesian source strings; they are translated here, at display time,
into the reader's language (an old report keeps the definitions it was computed with).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop


@dataclass
class FigureView:
    key: str
    label: str
    definition: str
    value: Any
    previous: Any
    change: Any
    unit: str


@dataclass
class TableView:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]


@dataclass
class SectionView:
    key: str
    title: str
    figures: list[FigureView] = field(default_factory=list)
    tables: list[TableView] = field(default_factory=list)


def unit_label(unit: str) -> str:
    labels = {
        "keluarga": _("keluarga"),
        "kunjungan": _("kunjungan"),
        "komponen": _("komponen"),
        "usulan": _("usulan"),
        "pertemuan": _("pertemuan"),
        "kelompok": _("kelompok"),
        "modul": _("modul"),
        "kehadiran": _("kehadiran"),
        "sasaran": _("sasaran"),
        "kasus": _("kasus"),
        "komitmen": _("komitmen"),
        "anggota": _("anggota"),
        "pengaduan": _("pengaduan"),
        "hari": _("hari"),
        "%": "%",
    }
    return labels.get(unit, unit)


def sections_view(snapshot: dict) -> list[SectionView]:
    out = []
    for section in snapshot.get("sections", []):
        view = SectionView(
            key=section["key"],
            title=_(section["title"]),
        )
        for f in section.get("figures", []):
            view.figures.append(
                FigureView(
                    key=f["key"],
                    label=_(f["label"]),
                    definition=_(f["definition"]),
                    value=f["value"],
                    previous=f.get("previous"),
                    change=f.get("change"),
                    unit=f.get("unit", ""),
                )
            )
        for t in section.get("tables", []):
            translate = t.get("translate_labels", True)
            view.tables.append(
                TableView(
                    key=t["key"],
                    title=_(t["title"]),
                    columns=[_(c) for c in t["columns"]],
                    rows=[[_(r[0]) if translate and r[0] else r[0], *r[1:]] for r in t["rows"]],
                )
            )
        out.append(view)
    return out


def chart_data(snapshot: dict) -> dict:
    """Series for the report page's charts (Chart.js), from the snapshot's tables."""
    tables = {t["key"]: t for s in snapshot.get("sections", []) for t in s.get("tables", [])}
    charts = {}
    component = tables.get("caseload.by_component")
    if component:
        charts["components"] = {
            "labels": [r[0] for r in component["rows"]],
            "series": [
                {"label": _("Awal triwulan"), "data": [r[1] for r in component["rows"]]},
                {"label": _("Akhir triwulan"), "data": [r[2] for r in component["rows"]]},
            ],
        }
    purpose = tables.get("visits.by_purpose")
    if purpose:
        charts["visits"] = {
            "labels": [_(r[0]) for r in purpose["rows"]],
            "series": [
                {"label": _("Triwulan sebelumnya"), "data": [r[2] for r in purpose["rows"]]},
                {"label": _("Triwulan ini"), "data": [r[1] for r in purpose["rows"]]},
            ],
        }
    trend = tables.get("fds.attendance_by_month")
    if trend and any(r[1] is not None for r in trend["rows"]):
        charts["attendance"] = {
            "labels": [_month_label(r[0]) for r in trend["rows"]],
            "series": [{"label": _("Kehadiran P2K2 (%)"), "data": [r[1] for r in trend["rows"]]}],
            "percent": True,
            "months": [r[0] for r in trend["rows"]],  # the keys, for short month names
        }
    aid = tables.get("aid.coverage")
    if aid and any(r[4] is not None or r[5] is not None for r in aid["rows"]):
        rows = [r for r in aid["rows"] if r[4] is not None or r[5] is not None]
        charts["aid"] = {
            "labels": [r[0] for r in rows],
            "series": [
                {"label": _("Awal triwulan"), "data": [r[5] for r in rows]},
                {"label": _("Akhir triwulan"), "data": [r[4] for r in rows]},
            ],
            "percent": True,
        }
    return charts


@dataclass
class ChartView:
    key: str
    kind: str  # hbar | line (reports.charts)
    title: str
    spec: dict


# The report's charts, in page order: key in chart_data, kind, title (Indonesian source).
REPORT_CHARTS = [
    ("components", "hbar", gettext_noop("Komponen: awal dan akhir triwulan")),
    ("visits", "hbar", gettext_noop("Kunjungan menurut tujuan")),
    ("attendance", "line", gettext_noop("Tren kehadiran P2K2 per bulan")),
    ("aid", "hbar", gettext_noop("Cakupan bantuan komplementer per bantuan (%)")),
]


def chart_views(snapshot: dict) -> list[ChartView]:
    """The charts the report page and its PDF draw, with their translated titles."""
    data = chart_data(snapshot)
    return [
        ChartView(key, kind, _(title), data[key])
        for key, kind, title in REPORT_CHARTS
        if data.get(key) and data[key].get("labels")
    ]


def team_chart(rows) -> ChartView | None:
    """The team page's chart (and its PDF's): self-reliant graduations against the target
    per facilitator, for the facilitators with a report."""
    rows = [r for r in rows if r.report_id]
    if not rows:
        return None
    return ChartView(
        "team",
        "hbar",
        _("Graduasi sejahtera mandiri terhadap target per pendamping"),
        {
            "labels": [str(r.facilitator) for r in rows],
            "series": [
                {
                    "label": _("Target graduasi mandiri"),
                    "data": [r.values.get("graduation.target") for r in rows],
                },
                {
                    "label": _("Graduasi mandiri disetujui"),
                    "data": [r.values.get("graduation.self_approved") for r in rows],
                },
            ],
        },
    )


def _month_label(value: str) -> str:
    """``"2026-07"`` as the reader's short month and year ("Jul 2026")."""
    try:
        day = datetime.date.fromisoformat(f"{value}-01")
    except ValueError:
        return value
    return date_format(day, "YEAR_MONTH_FORMAT")
