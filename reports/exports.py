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


CELL_PAD = 3  # points left and right of a table cell's text (reportlab's default is 6)


def _header_style(size: float):
    """Header cells wrap between words only: ``splitLongWords`` off, so a column is
    made wide enough for its longest word instead (see ``_column_widths``)."""
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle(
        f"TableHeader{size}",
        fontName="Helvetica-Bold",
        fontSize=size,
        leading=size * 1.2,
        splitLongWords=0,
        hyphenationLang="",
    )


def _widest_word(texts, font: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return max(
        [stringWidth(word, font, size) for text in texts for word in str(text).split()],
        default=0,
    )


def _column_widths(
    headers: list[str], body: list[list[str]], available: float, *, first_min: float
) -> tuple[float, list[float]]:
    """A header font size and column widths (points) from the content: every column at
    least as wide as its longest header word and its longest value (values do not wrap);
    the first column (names, which wrap) takes what is left, at least ``first_min``. The
    header font steps down until that fits; past the smallest size the widths are shared
    out in proportion (words still never split)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    body_size = 8
    value_widths = [
        max([stringWidth(str(row[i]), "Helvetica", body_size) for row in body], default=0)
        for i in range(1, len(headers))
    ]
    for size in (8, 7.5, 7, 6.5, 6):
        need = [
            max(_widest_word([h], "Helvetica-Bold", size), v) + 2 * CELL_PAD + 1
            for h, v in zip(headers[1:], value_widths, strict=True)
        ]
        first = max(first_min, _widest_word([headers[0]], "Helvetica-Bold", size) + 2 * CELL_PAD)
        if first + sum(need) <= available:
            return size, [available - sum(need), *need]
    scale = available / (first + sum(need))
    return size, [first * scale] + [w * scale for w in need]


def _grid(data, col_widths, *, header_rows: int = 1, spans=()):
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(data, colWidths=col_widths, repeatRows=header_rows)
    table.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
                ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#e8f5e9")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (1, header_rows), (-1, -1), "RIGHT"),
                *[("SPAN", a, b) for a, b in spans],
            ]
        )
    )
    return table


def _table(headers: list[str], rows: list[list], available: float, *, first_min: float, title=""):
    """A section table: header cells that wrap between words, widths from the content,
    an optional title row across the whole width."""
    from reportlab.platypus import Paragraph

    body = _pdf_styles()["BodyText"]
    texts = [[str(r[0]), *map(_fmt, r[1:])] for r in rows]
    size, widths = _column_widths(headers, texts, available, first_min=first_min)
    style = _header_style(size)
    data = []
    spans = []
    if title:
        data.append([Paragraph(f"<b>{escape(title)}</b>", body)] + [""] * (len(headers) - 1))
        spans.append(((0, 0), (-1, 0)))
    data.append([Paragraph(escape(h), style) for h in headers])
    data += [[Paragraph(escape(t[0]), body), *t[1:]] for t in texts]
    return _grid(data, widths, header_rows=len(data) - len(texts), spans=spans)


def _charts(charts, width: float) -> list:
    """Each chart under its title, kept together on a page: the page's own layout
    (reports.charts) drawn with reportlab shapes, sized for the PDF's text width."""
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, Spacer

    from reports import charts as layout

    styles = _pdf_styles()
    out = []
    for chart in charts:
        if not chart:
            continue
        drawing = layout.drawing(layout.layout(chart.spec, chart.kind, width=width, size=8))
        out.append(Spacer(1, 3 * mm))
        out.append(KeepTogether([Paragraph(escape(chart.title), styles["Heading4"]), drawing]))
    return out


def report_pdf_story(
    *, title: str, meta: list[tuple[str, str]], sections: list[SectionView], signers, charts=()
) -> list:
    """The report's flowables: title, meta, the charts, every section, signature lines."""
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, Spacer

    styles = _pdf_styles()
    body = styles["BodyText"]
    width = REPORT_TEXT_WIDTH
    story = [Paragraph(escape(title), styles["Title"])]
    story.append(Paragraph("<br/>".join(f"<b>{escape(k)}</b>: {escape(v)}" for k, v in meta), body))
    story += _charts(charts, width)
    for section in sections:
        story.append(Spacer(1, 4 * mm))
        story.append(Paragraph(escape(section.title), styles["Heading3"]))
        headers = [_("Indikator"), _("Triwulan ini"), _("Sebelumnya"), _("Perubahan")]
        rows = [[f.label, f.value, f.previous, f.change] for f in section.figures]
        story.append(_table(headers, rows, width, first_min=60 * mm))
        for table in section.tables:
            story.append(Spacer(1, 2 * mm))
            story.append(
                _table(table.columns, table.rows, width, first_min=45 * mm, title=table.title)
            )
    story.append(Spacer(1, 10 * mm))
    story.append(KeepTogether([_signatures(signers)]))
    return story


def _a4(out, *, title: str, landscape_: bool, margin_mm: tuple[float, float]):
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    side, top = margin_mm
    return SimpleDocTemplate(
        out,
        pagesize=landscape(A4) if landscape_ else A4,
        leftMargin=side * mm,
        rightMargin=side * mm,
        topMargin=top * mm,
        bottomMargin=top * mm,
        title=title,
        invariant=1,  # the same report gives the same bytes (no creation date or random id)
    )


REPORT_TEXT_WIDTH = (210 - 2 * 15) * 72 / 25.4  # A4 portrait less 15 mm margins, in points
TEAM_TEXT_WIDTH = (297 - 2 * 12) * 72 / 25.4  # A4 landscape less 12 mm margins


def report_pdf(
    *, title: str, meta: list[tuple[str, str]], sections: list[SectionView], signers, charts=()
) -> bytes:
    """A printable A4 page (or more) with the charts, every section and signature lines."""
    out = io.BytesIO()
    doc = _a4(out, title=title, landscape_=False, margin_mm=(15, 14))
    doc.build(
        report_pdf_story(title=title, meta=meta, sections=sections, signers=signers, charts=charts)
    )
    return out.getvalue()


def team_pdf_story(
    *,
    title: str,
    meta: list[tuple[str, str]],
    columns: list,
    rows: list,
    signers,
    note: str,
    chart=None,
) -> list:
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, Spacer

    styles = _pdf_styles()
    body = styles["BodyText"]
    story = [Paragraph(escape(title), styles["Title"])]
    story.append(Paragraph("<br/>".join(f"<b>{escape(k)}</b>: {escape(v)}" for k, v in meta), body))
    story.append(Paragraph(escape(note), body))
    story.append(Spacer(1, 3 * mm))
    headers = [_("Pendamping")] + [f"{_(column.label)} ({_('sebelumnya')})" for column in columns]
    data = [
        [str(r.facilitator)]
        + [f"{_fmt(r.values.get(c.key))} ({_fmt(r.previous.get(c.key))})" for c in columns]
        for r in rows
    ]
    story.append(_table(headers, data, TEAM_TEXT_WIDTH, first_min=35 * mm))
    # The chart is drawn at most as wide as on an A4 portrait page: bars stay readable.
    story += _charts([chart], REPORT_TEXT_WIDTH)
    story.append(Spacer(1, 10 * mm))
    story.append(KeepTogether([_signatures(signers)]))
    return story


def team_pdf(
    *,
    title: str,
    meta: list[tuple[str, str]],
    columns: list,
    rows: list,
    signers,
    note: str,
    chart=None,
) -> bytes:
    """The team page on A4 landscape: one row per facilitator, this and previous quarter,
    and the graduation chart."""
    out = io.BytesIO()
    doc = _a4(out, title=title, landscape_=True, margin_mm=(12, 12))
    doc.build(
        team_pdf_story(
            title=title,
            meta=meta,
            columns=columns,
            rows=rows,
            signers=signers,
            note=note,
            chart=chart,
        )
    )
    return out.getvalue()


def generated_line() -> str:
    return date_format(timezone.localtime(), "DATETIME_FORMAT")
