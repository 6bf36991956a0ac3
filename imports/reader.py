"""Read a roster file as a stream of rows, whatever Excel did to it.

* The type is decided by the content, not the name: an XLSX renamed ``.csv`` is read as
  XLSX, a PDF renamed ``.csv`` is refused.
* CSV: comma, semicolon or tab (counted on the header line); each line is decoded as
  UTF-8 (a BOM is dropped) or, if that fails, as Windows-1252, so a file that mixes
  both still reads.
* XLSX: openpyxl in read-only mode, the first sheet or a named one; cells keep their
  types (dates stay dates, numbers stay numbers, so a NIK stored as a number can be
  recognised and refused).
* The header row is the first row among the first 20 non-blank rows that holds a
  known column; rows entirely blank are skipped. Line numbers are spreadsheet rows.

Nothing here holds more than one row (and one CSV line buffer) in memory.
"""

from __future__ import annotations

import csv
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from imports.columns import HEADER_ALIASES, REQUIRED, header_key

csv.field_size_limit(1024 * 1024)

HEADER_SEARCH_ROWS = 20


class RosterFileError(Exception):
    """The file cannot be read as a roster at all (wrong type, empty, no header)."""


@dataclass
class RosterSource:
    rows: Iterator[tuple[int, list]]
    file_format: str
    header_line: int
    headers: list[str]
    column_index: dict[str, int]
    unknown_columns: list[str]
    duplicate_columns: list[str]
    encoding: str = ""
    delimiter: str = ""
    size: int = 0
    _position: object = field(default=None, repr=False)
    _close: object = field(default=None, repr=False)

    def position(self) -> int:
        """How far the reader is, in the same unit as ``size`` (bytes or rows)."""
        return self._position() if self._position else 0

    def close(self) -> None:
        if self._close:
            self._close()


def _is_blank(cells: list) -> bool:
    try:
        return not "".join(cells).strip()  # a CSV row: all text, checked at C speed
    except TypeError:
        pass
    for cell in cells:
        if cell is not None and (not isinstance(cell, str) or cell.strip()):
            return False
    return True


def sniff_type(head: bytes) -> str:
    """ "csv" or "xlsx", or raise RosterFileError naming what the file is instead."""
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise RosterFileError(_("File kosong."))
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"%PDF"):
        raise RosterFileError(_("File ini adalah PDF, bukan CSV atau XLSX."))
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise RosterFileError(
            _("File ini format Excel lama (.xls). Simpan ulang sebagai .xlsx atau CSV.")
        )
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z")):
        raise RosterFileError(_("File ini bukan CSV atau XLSX."))
    if b"\x00" in head:
        raise RosterFileError(_("File ini bukan file teks CSV (berisi data biner)."))
    return "csv"


def open_roster(path: str, *, sheet: str = "") -> RosterSource:
    with open(path, "rb") as f:
        head = f.read(8192)
    kind = sniff_type(head)
    if kind == "xlsx":
        return _open_xlsx(path, sheet=sheet)
    return _open_csv(path)


def _decode_lines(f) -> Iterator[str]:
    first = True
    for raw in f:
        if first:
            first = False
            if raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            yield raw.decode("cp1252", errors="replace")


def _open_csv(path: str) -> RosterSource:
    size = os.path.getsize(path)
    f = open(path, "rb")  # noqa: SIM115 - closed by RosterSource.close
    try:
        with open(path, "rb") as probe:
            sample = probe.read(65536)
        utf8 = True
        try:
            sample.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the sample is still UTF-8.
            utf8 = exc.start >= len(sample) - 4
        lines = _decode_lines(f)
        # The delimiter is the most frequent candidate on the first non-blank line.
        buffered: list[str] = []
        delimiter = ","
        for text in lines:
            buffered.append(text)
            if text.strip():
                counts = {d: text.count(d) for d in (";", ",", "\t")}
                delimiter = max(counts, key=lambda d: counts[d])
                break

        def chained() -> Iterator[str]:
            yield from buffered
            yield from lines

        reader = csv.reader(chained(), delimiter=delimiter)
        # Spreadsheet row numbers: one per record, blank lines included.
        rows = enumerate(reader, start=1)
        source = _with_header(rows, file_format="csv")
    except BaseException:
        f.close()
        raise
    source.encoding = "utf-8" if utf8 else "windows-1252"
    source.delimiter = delimiter
    source.size = size
    source._position = f.tell
    source._close = f.close
    return source


def _open_xlsx(path: str, *, sheet: str) -> RosterSource:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise RosterFileError(_("File ini bukan XLSX yang dapat dibaca."))
    try:
        if sheet:
            if sheet not in wb.sheetnames:
                raise RosterFileError(
                    _("Sheet “%(sheet)s” tidak ada. Sheet yang ada: %(names)s.")
                    % {"sheet": sheet, "names": ", ".join(wb.sheetnames)}
                )
            ws = wb[sheet]
        else:
            if not wb.worksheets:
                raise RosterFileError(_("File XLSX ini tidak berisi sheet."))
            ws = wb.worksheets[0]
        try:
            size = int(ws.max_row or 0)
        except (TypeError, ValueError):
            size = 0
        counter = {"row": 0}

        def rows() -> Iterator[tuple[int, list]]:
            for number, cells in enumerate(ws.iter_rows(values_only=True), start=1):
                counter["row"] = number
                yield number, list(cells)

        source = _with_header(rows(), file_format="xlsx")
    except BaseException:
        wb.close()
        raise
    source.size = size
    source._position = lambda: counter["row"]
    source._close = wb.close
    return source


def _with_header(rows: Iterator[tuple[int, list]], *, file_format: str) -> RosterSource:
    seen = 0
    header_line, headers = None, None
    try:
        for line, cells in rows:
            if _is_blank(cells):
                continue
            seen += 1
            keys = [header_key(c) for c in cells]
            if any(k in HEADER_ALIASES for k in keys):
                header_line, headers = line, cells
                break
            if seen >= HEADER_SEARCH_ROWS:
                break
    except csv.Error as exc:
        raise RosterFileError(_("File CSV rusak: %(error)s") % {"error": exc})
    if header_line is None:
        if seen == 0:
            raise RosterFileError(_("File tidak berisi baris apa pun."))
        raise RosterFileError(
            _("Baris judul kolom tidak ditemukan. Kolom wajib: %(columns)s.")
            % {"columns": ", ".join(REQUIRED)}
        )
    names = ["" if h is None else str(h).strip() for h in headers]
    index: dict[str, int] = {}
    unknown, duplicate = [], []
    for position, name in enumerate(names):
        if not name:
            continue  # a blank trailing column
        canonical = HEADER_ALIASES.get(header_key(name))
        if canonical is None:
            unknown.append(name)
        elif canonical in index:
            duplicate.append(name)
        else:
            index[canonical] = position
    missing = [c for c in REQUIRED if c not in index]
    if missing:
        raise RosterFileError(
            _("Kolom wajib tidak ada: %(columns)s.") % {"columns": ", ".join(missing)}
        )

    def data() -> Iterator[tuple[int, list]]:
        try:
            for line, cells in rows:
                if not _is_blank(cells):
                    yield line, cells
        except csv.Error as exc:
            raise RosterFileError(_("File CSV rusak: %(error)s") % {"error": exc})

    return RosterSource(
        rows=data(),
        file_format=file_format,
        header_line=header_line,
        headers=names,
        column_index=index,
        unknown_columns=unknown,
        duplicate_columns=duplicate,
    )


def iter_original_rows(path: str, *, sheet: str = "") -> Iterator[tuple[int, list[str]]]:
    """Every data row of the file as text cells (for the rejection report)."""
    source = open_roster(path, sheet=sheet)
    try:
        for line, cells in source.rows:
            yield line, ["" if c is None else str(c) for c in cells]
    finally:
        source.close()
