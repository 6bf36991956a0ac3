"""Rejection and warning reports (CSV and XLSX): line, column, reason, value and the
original row as it stands in the file.

The original cells are not stored: the report reads the uploaded file again and joins
it with the issues by line number, both in line order, so memory stays flat whatever
the size of the file. Every text cell that a spreadsheet could take for a formula
(starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written
with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterator

from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from imports.models import ImportIssue, IssueKind, RosterImport
from imports.reader import RosterFileError, iter_original_rows
from pkh.spreadsheet_safety import neutralise as pkh_neutralise


def neutralise(value) -> str:
    """Every cell as text (CSV), never runnable as a formula."""
    return pkh_neutralise("" if value is None else str(value))


def report_header(roster_import: RosterImport, *, with_kind: bool) -> list[str]:
    head = [_("BARIS"), _("KOLOM"), _("ALASAN"), _("NILAI")]
    if with_kind:
        head.insert(0, _("JENIS"))
    return head + [h or f"#{i + 1}" for i, h in enumerate(roster_import.headers or [])]


def report_rows(roster_import: RosterImport, *, kind: str | None = None) -> Iterator[list[str]]:
    """Header row, then one row per issue (of ``kind``, or all), in line order."""
    yield [neutralise(h) for h in report_header(roster_import, with_kind=kind is None)]
    issues = ImportIssue.objects.filter(roster_import=roster_import).order_by("line", "id")
    if kind:
        issues = issues.filter(kind=kind)
    labels = dict(IssueKind.choices)

    def described() -> Iterator[tuple[int, list[str]]]:
        for issue in issues.iterator(chunk_size=2000):
            row = [str(issue.line or ""), issue.column, issue.reason, issue.value]
            if kind is None:
                row.insert(0, str(labels.get(issue.kind, issue.kind)))
            yield issue.line or 0, row

    yield from with_original_rows(described(), _original_rows(roster_import))


def with_original_rows(
    issues: Iterator[tuple[int, list[str]]], original: Iterator[tuple[int, list[str]]]
) -> Iterator[list[str]]:
    """Each ``(line, cells describing the issue)``, in line order, followed by the
    file's own cells of that line (read from ``original``, also in line order); every
    cell neutralised. Shared by the roster report and the verification sheet's."""
    current_line, current_cells = 0, []
    for line, described in issues:
        while current_line < line:
            try:
                current_line, current_cells = next(original)
            except StopIteration:
                current_line, current_cells = 10**12, []
        cells = current_cells if current_line == line else []
        yield [neutralise(c) for c in (*described, *cells)]


def _original_rows(roster_import: RosterImport) -> Iterator[tuple[int, list[str]]]:
    try:
        path = roster_import.file.path
    except (ValueError, NotImplementedError):
        return
    if not os.path.exists(path):
        return
    try:
        yield from iter_original_rows(path, sheet=roster_import.sheet)
    except RosterFileError:
        return


class _Echo:
    def write(self, value):
        return value


def csv_stream(rows: Iterator[list[str]]) -> Iterator[str]:
    """CSV lines as Indonesian Excel reads them: semicolons, UTF-8 with BOM."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"
    for row in rows:
        yield writer.writerow(row)


def xlsx_file(rows: Iterator[list[str]]) -> str:
    """Write the rows to a temporary XLSX file (write-only, streamed); returns its path."""
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(_("Laporan"))
    for row in rows:
        ws.append(row)
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    wb.save(handle.name)
    return handle.name


def write_report(*, roster_import: RosterImport, path: str) -> None:
    """Rejections and warnings of an import to ``path`` (.xlsx, else CSV)."""
    rows = report_rows(roster_import)
    if path.lower().endswith(".xlsx"):
        temp = xlsx_file(rows)
        os.replace(temp, path)
        return
    with open(path, "w", encoding="utf-8", newline="") as f:
        for chunk in csv_stream(rows):
            f.write(chunk)


def csv_text(roster_import: RosterImport, *, kind: str | None = None) -> str:
    """The whole CSV report as text (small reports, tests)."""
    buffer = io.StringIO()
    for chunk in csv_stream(report_rows(roster_import, kind=kind)):
        buffer.write(chunk)
    return buffer.getvalue()


def report_response(rows: Iterator[list[str]], *, filename: str, fmt: str) -> HttpResponseBase:
    """The download of a report: CSV streamed as it is written, or XLSX from a temporary
    file; never cached (the rows hold personal data)."""
    if fmt == "xlsx":
        path = xlsx_file(rows)
        handle = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
        os.unlink(path)  # the open handle keeps the data until the response is sent
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=filename,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = StreamingHttpResponse(
            (chunk.encode("utf-8") for chunk in csv_stream(rows)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response
