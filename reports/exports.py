"""Downloads: a report and the team page as XLSX (openpyxl) and PDF (reportlab, A4).

Numbers are written as numbers. Every text cell that a spreadsheet could read as a formula
(starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) is neutralised with a
leading apostrophe and stored as text, so a name such as ``=HYPERLINK(...)`` stays text.
"""

from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from pkh.spreadsheet_safety import neutralise
from reports.presenters import SectionView, unit_label

SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")


def _put(ws, row: int, col: int, value, *, bold: bool = False):
    cell = ws.cell(row=row, column=col, value=neutralise(value))
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever openpyxl guessed
    if bold:
        cell.font = Font(bold=True)
    return cell


def _sheet_title(title: str, used: set[str]) -> str:
    base = SHEET_TITLE_BAD.sub(" ", title).strip()[:28] or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        name, n = f"{base[:25]} {n}", n + 1
    used.add(name.lower())
    return name


def _widths(ws, widths: list[int]) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def _header(ws, lines: list[tuple[str, str]]) -> int:
    for i, (label, value) in enumerate(lines, start=1):
        _put(ws, i, 1, label, bold=True)
        _put(ws, i, 2, value)
    return len(lines) + 2


def report_xlsx(*, meta: list[tuple[str, str]], sections: list[SectionView]) -> bytes:
    """One sheet per section: the figures (value, previous, change, definition), then the
    section's tables."""
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for section in sections:
        ws = wb.create_sheet(_sheet_title(section.title, used))
        row = _header(ws, [*meta, (_("Bagian"), section.title)])
        _widths(ws, [44, 16, 20, 14, 12, 90])
        heads = [
            _("Indikator"),
            _("Triwulan ini"),
            _("Triwulan sebelumnya"),
            _("Perubahan"),
            _("Satuan"),
            _("Definisi"),
        ]
        for col, head in enumerate(heads, start=1):
            _put(ws, row, col, head, bold=True)
        for f in section.figures:
            row += 1
            for col, value in enumerate(
                [f.label, f.value, f.previous, f.change, unit_label(f.unit), f.definition],
                start=1,
            ):
                _put(ws, row, col, value)
            ws.cell(row=row, column=6).alignment = Alignment(wrap_text=True)
        for table in section.tables:
            row += 2
            _put(ws, row, 1, table.title, bold=True)
            row += 1
            for col, head in enumerate(table.columns, start=1):
                _put(ws, row, col, head, bold=True)
            for values in table.rows:
                row += 1
                for col, value in enumerate(values, start=1):
                    _put(ws, row, col, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def team_xlsx(
    *,
    meta: list[tuple[str, str]],
    sections: list[tuple[str, list]],
    rows: list,
    show_supervisor: bool,
) -> bytes:
    """One sheet per section: a row per facilitator with this and the previous quarter.

    ``sections`` is ``[(title, columns)]``: a section's title and its columns (TeamColumn).
    """
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for title, columns in sections:
        ws = wb.create_sheet(_sheet_title(title, used))
        row = _header(ws, [*meta, (_("Bagian"), title)])
        heads = [_("Pendamping"), _("Nama pengguna")]
        if show_supervisor:
            heads.append(_("Supervisor"))
        for column in columns:
            heads += [_(column.label), _("%(label)s (sebelumnya)") % {"label": _(column.label)}]
        for col, head in enumerate(heads, start=1):
            _put(ws, row, col, head, bold=True)
        _widths(ws, [30, 18, *([24] if show_supervisor else []), *([16] * 2 * len(columns))])
        for r in rows:
            row += 1
            values = [str(r.facilitator), r.facilitator.username]
            if show_supervisor:
                values.append(str(r.facilitator.supervisor or ""))
            for column in columns:
                values += [r.values.get(column.key), r.previous.get(column.key)]
            for col, value in enumerate(values, start=1):
                _put(ws, row, col, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return number_format(value, 1)
    return str(value)


def _pdf_styles():
    from reportlab.lib.styles import getSampleStyleSheet

    styles = getSampleStyleSheet()
    styles["BodyText"].fontSize = 8.5
    styles["BodyText"].leading = 10.5
    return styles


def _signatures(names: list[tuple[str, str]]):
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle

    styles = _pdf_styles()
    cells = [
        Paragraph(
            f"{escape(role)}<br/><br/><br/><br/>______________________________<br/>"
            f"{escape(name)}<br/>{escape(_('Tanggal'))}: ____________________",
            styles["BodyText"],
        )
        for role, name in names
    ]
    table = Table([cells], colWidths=[80 * mm] * len(cells))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _grid(data, col_widths, *, header_rows: int = 1):
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(data, colWidths=col_widths, repeatRows=header_rows)
    table.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#e8f5e9")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (1, header_rows), (-1, -1), "RIGHT"),
            ]
        )
    )
    return table


def report_pdf(
    *, title: str, meta: list[tuple[str, str]], sections: list[SectionView], signers
) -> bytes:
    """A printable A4 page (or more) with every section and signature lines."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

    styles = _pdf_styles()
    body = styles["BodyText"]
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=title,
    )
    story = [Paragraph(escape(title), styles["Title"])]
    story.append(Paragraph("<br/>".join(f"<b>{escape(k)}</b>: {escape(v)}" for k, v in meta), body))
    for section in sections:
        story.append(Spacer(1, 4 * mm))
        story.append(Paragraph(escape(section.title), styles["Heading3"]))
        data = [[_("Indikator"), _("Triwulan ini"), _("Sebelumnya"), _("Perubahan")]]
        data += [
            [Paragraph(escape(f.label), body), _fmt(f.value), _fmt(f.previous), _fmt(f.change)]
            for f in section.figures
        ]
        story.append(_grid(data, [90 * mm, 28 * mm, 28 * mm, 28 * mm]))
        for table in section.tables:
            data = [[Paragraph(f"<b>{escape(table.title)}</b>", body)] + [""] * 3]
            data.append(table.columns)
            data += [[Paragraph(escape(str(r[0])), body), *map(_fmt, r[1:])] for r in table.rows]
            story.append(Spacer(1, 2 * mm))
            story.append(_grid(data, [90 * mm, 28 * mm, 28 * mm, 28 * mm], header_rows=2))
    story.append(Spacer(1, 10 * mm))
    story.append(KeepTogether([_signatures(signers)]))
    doc.build(story)
    return out.getvalue()


def team_pdf(
    *, title: str, meta: list[tuple[str, str]], columns: list, rows: list, signers, note: str
) -> bytes:
    """The team page on A4 landscape: one row per facilitator, this and previous quarter."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

    styles = _pdf_styles()
    body = styles["BodyText"]
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=title,
    )
    story = [Paragraph(escape(title), styles["Title"])]
    story.append(Paragraph("<br/>".join(f"<b>{escape(k)}</b>: {escape(v)}" for k, v in meta), body))
    story.append(Paragraph(escape(note), body))
    story.append(Spacer(1, 3 * mm))
    head = [_("Pendamping")]
    for column in columns:
        head.append(Paragraph(f"{escape(_(column.label))}<br/>({escape(_('sebelumnya'))})", body))
    data = [head]
    for r in rows:
        data.append(
            [Paragraph(escape(str(r.facilitator)), body)]
            + [f"{_fmt(r.values.get(c.key))} ({_fmt(r.previous.get(c.key))})" for c in columns]
        )
    width = (273 - 60) / max(len(columns), 1)
    story.append(_grid(data, [60 * mm] + [width * mm] * len(columns)))
    story.append(Spacer(1, 10 * mm))
    story.append(KeepTogether([_signatures(signers)]))
    doc.build(story)
    return out.getvalue()


def generated_line() -> str:
    return date_format(timezone.localtime(), "DATETIME_FORMAT")
