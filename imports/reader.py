"""Read a roster file (or any sheet of known columns) as a stream of rows, whatever
Excel did to it. Which headers are known and required is a ``ColumnTable``
(``imports.columns``): the roster's by default, the commitment verification sheet's
when ``commitments`` reads one.

* The type is decided by the content, not the name: an XLSX renamed ``.csv`` is read as
  XLSX, a PDF renamed ``.csv`` is refused.
* CSV: comma, semicolon or tab (counted on the header line); each line is decoded as
  UTF-8 (a BOM is dropped) or, if that fails, as Windows-1252, so a file that mixes
  both still reads.
* XLSX: openpyxl in read-only mode, the first sheet or a named one; cells keep their
  types (dates stay dates, numbers stay numbers, so a NIK stored as a number can be
  recognised and refused). An XLSX is a zip, so it is unpacked through
  ``GuardedZipFile``: the parts may expand to ``IMPORTS_XLSX_MAX_EXPANDED_MB`` in all
  (the sizes the zip declares, and the bytes each part really yields), and no cell may
  hold more than ``IMPORTS_XLSX_MAX_CELL_CHARS`` characters, checked on the unpacked
  bytes before the XML parser sees a whole cell, so a zip bomb is refused with a message
  instead of filling the memory.
* The header row is the first row among the first 20 non-blank rows that holds a
  known column; rows entirely blank are skipped. Line numbers are spreadsheet rows.

Nothing here holds more than one row (and one CSV line buffer) in memory.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from imports.columns import ROSTER_COLUMNS, ColumnTable, header_key

csv.field_size_limit(1024 * 1024)

HEADER_SEARCH_ROWS = 20


class RosterFileError(Exception):
    """The file cannot be read as a roster at all (wrong type, empty, no header)."""


class XlsxTooLarge(RosterFileError):
    """The XLSX would unpack to more than the limits allow (a zip bomb, or a huge cell)."""


# Excel's own limits: a sheet has at most this many rows and columns.
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_COLUMNS = 16_384
# An XML text of N characters takes at most this many bytes per character (a numeric
# character reference such as ``&#x10FFFF;``), plus the markup of one cell around it.
_XML_BYTES_PER_CHAR = 10
_XML_CELL_MARKUP = 4096


def _xlsx_limits() -> tuple[int, int]:
    """(bytes the parts may expand to, characters a cell may hold)."""
    max_mb = getattr(settings, "IMPORTS_XLSX_MAX_EXPANDED_MB", 1024)
    max_chars = getattr(settings, "IMPORTS_XLSX_MAX_CELL_CHARS", 32767)
    return max_mb * 1024 * 1024, max_chars


def _expanded_error(max_bytes: int) -> XlsxTooLarge:
    return XlsxTooLarge(
        _(
            "File XLSX ini terlalu besar setelah dibuka: isinya lebih dari %(n)s MB, "
            "batas yang diizinkan. Tidak ada yang disimpan. Periksa apakah file ini "
            "benar roster; roster yang memang sebesar ini diunggah sebagai CSV atau "
            "dibagi menjadi beberapa file."
        )
        % {"n": max_bytes // (1024 * 1024)}
    )


def _cell_error(max_chars: int, line: int | None = None) -> XlsxTooLarge:
    if line is None:
        message = _(
            "File XLSX ini berisi sel yang terlalu panjang (lebih dari %(n)s karakter). "
            "Tidak ada yang disimpan. Perbaiki atau hapus isi sel itu lalu unggah lagi."
        ) % {"n": max_chars}
    else:
        message = _(
            "Baris %(line)s file XLSX ini berisi sel yang terlalu panjang (lebih dari "
            "%(n)s karakter). Tidak ada yang disimpan. Perbaiki atau hapus isi sel itu "
            "lalu unggah lagi."
        ) % {"n": max_chars, "line": line}
    return XlsxTooLarge(message)


def _damaged_error() -> RosterFileError:
    return RosterFileError(
        _(
            "File XLSX ini rusak: isinya tidak sesuai dengan yang tercatat di dalam "
            "file. Tidak ada yang disimpan. Buka dan simpan ulang di Excel, atau simpan "
            "sebagai CSV."
        )
    )


class GuardedZipFile(zipfile.ZipFile):
    """A zip that refuses to unpack more than it may, for openpyxl to read an XLSX from.

    * Before anything is unpacked: the sizes the zip declares for its parts may add up
      to ``max_bytes`` at most, and only the compressions Excel writes (stored, deflate)
      are accepted (bzip2 and LZMA decompress a whole block at once, unbounded).
    * While a part is unpacked (``_GuardedStream``): it may not yield more bytes than it
      declared (a lying size header) nor more than ``max_bytes``; and in an XML part no
      run of text between two ``<`` may be longer than ``max_text_run`` bytes, so a huge
      cell is refused while it streams past, before the XML parser holds it whole
      (``max_cell_chars`` characters take at most ``max_text_run`` bytes of XML).
    """

    def __init__(self, file, *, max_bytes: int, max_cell_chars: int):
        super().__init__(file, "r")
        self.max_bytes = max_bytes
        self.max_cell_chars = max_cell_chars
        self.max_text_run = max_cell_chars * _XML_BYTES_PER_CHAR + _XML_CELL_MARKUP
        try:
            declared = 0
            for info in self.infolist():
                if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                    raise RosterFileError(
                        _("File XLSX ini memakai kompresi yang tidak dibuat oleh Excel.")
                    )
                declared += info.file_size
            if declared > max_bytes:
                raise _expanded_error(max_bytes)
        except BaseException:
            self.close()
            raise

    def open(self, name, mode="r", pwd=None, *, force_zip64=False):
        stream = super().open(name, mode, pwd, force_zip64=force_zip64)
        if mode != "r":
            return stream
        info = name if isinstance(name, zipfile.ZipInfo) else self.getinfo(name)
        return _GuardedStream(
            stream,
            archive=self,
            declared=info.file_size,
            xml=info.filename.lower().endswith((".xml", ".rels", ".vml")),
        )


class _GuardedStream(io.RawIOBase):
    """One part of a ``GuardedZipFile`` as it is unpacked, counted chunk by chunk."""

    def __init__(self, raw, *, archive: GuardedZipFile, declared: int, xml: bool):
        super().__init__()
        self._raw = raw
        self._archive = archive
        self._declared = declared
        self._xml = xml
        self._yielded = 0
        self._run = 0  # bytes since the last "<" of an XML part
        # Chunks no longer than the text run allowed, so that a run inside one chunk
        # is within the limit and only runs across chunks need counting.
        self._chunk = max(1024, min(64 * 1024, archive.max_text_run))

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read(self, size: int | None = -1) -> bytes:
        parts, left = [], -1 if size is None or size < 0 else size
        while left != 0:
            chunk = self._next(self._chunk if left < 0 else min(left, self._chunk))
            if not chunk:
                break
            parts.append(chunk)
            if left > 0:
                left -= len(chunk)
        return b"".join(parts)

    def readall(self) -> bytes:
        return self.read(-1)

    def _next(self, n: int) -> bytes:
        try:
            data = self._raw.read(n)
        except (zipfile.BadZipFile, zlib.error, EOFError):
            raise _damaged_error() from None
        self._yielded += len(data)
        if self._yielded > self._declared:
            raise _damaged_error()
        if self._yielded > self._archive.max_bytes:
            raise _expanded_error(self._archive.max_bytes)
        if self._xml and data:
            first = data.find(b"<")
            if first < 0:
                self._run += len(data)
            else:
                if self._run + first > self._archive.max_text_run:
                    raise _cell_error(self._archive.max_cell_chars)
                self._run = len(data) - data.rindex(b"<") - 1
            if self._run > self._archive.max_text_run:
                raise _cell_error(self._archive.max_cell_chars)
        return data

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


def _load_workbook(path: str):
    """openpyxl's read-only load, with the zip opened as a ``GuardedZipFile``."""
    from openpyxl.reader.excel import ExcelReader

    max_bytes, max_chars = _xlsx_limits()
    archive = GuardedZipFile(path, max_bytes=max_bytes, max_cell_chars=max_chars)
    try:
        # ExcelReader opens the path as a plain ZipFile; read from the guarded one.
        reader = ExcelReader(path, read_only=True, data_only=True)
        reader.archive.close()
        reader.archive = archive
        reader.valid_files = archive.namelist()
        reader.read()
    except BaseException:
        archive.close()
        raise
    return reader.wb


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


def open_roster(
    path: str, *, sheet: str = "", columns: ColumnTable = ROSTER_COLUMNS
) -> RosterSource:
    """The file's rows after its header; ``columns`` says which headers are known and
    which are required (the roster's by default; e.g. the commitment verification sheet
    passes its own)."""
    with open(path, "rb") as f:
        head = f.read(8192)
    kind = sniff_type(head)
    if kind == "xlsx":
        return _open_xlsx(path, sheet=sheet, columns=columns)
    return _open_csv(path, columns=columns)


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


def _open_csv(path: str, *, columns: ColumnTable) -> RosterSource:
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
        source = _with_header(rows, file_format="csv", columns=columns)
    except BaseException:
        f.close()
        raise
    source.encoding = "utf-8" if utf8 else "windows-1252"
    source.delimiter = delimiter
    source.size = size
    source._position = f.tell
    source._close = f.close
    return source


def _open_xlsx(path: str, *, sheet: str, columns: ColumnTable) -> RosterSource:
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = _load_workbook(path)
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

        max_chars = _xlsx_limits()[1]

        def rows() -> Iterator[tuple[int, list]]:
            number = 0
            try:
                for number, cells in enumerate(ws.iter_rows(values_only=True), start=1):
                    if number > XLSX_MAX_ROWS or len(cells) > XLSX_MAX_COLUMNS:
                        raise RosterFileError(
                            _(
                                "File XLSX ini melebihi batas Excel (%(rows)s baris, "
                                "%(columns)s kolom). Tidak ada yang disimpan."
                            )
                            % {
                                "rows": number_format(XLSX_MAX_ROWS, force_grouping=True),
                                "columns": number_format(XLSX_MAX_COLUMNS, force_grouping=True),
                            }
                        )
                    for cell in cells:
                        if isinstance(cell, str) and len(cell) > max_chars:
                            raise _cell_error(max_chars, number)
                    counter["row"] = number
                    yield number, list(cells)
            except RosterFileError:
                raise
            except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, SyntaxError):
                # Broken XML or zip data in the middle of the sheet (ParseError is a
                # SyntaxError): a message, not a crash of the import.
                raise RosterFileError(
                    _(
                        "File XLSX ini rusak setelah baris %(line)s dan tidak dapat dibaca "
                        "sampai selesai. Tidak ada yang disimpan. Buka dan simpan ulang di "
                        "Excel, atau simpan sebagai CSV."
                    )
                    % {"line": number}
                ) from None

        source = _with_header(rows(), file_format="xlsx", columns=columns)
    except BaseException:
        wb.close()
        raise
    source.size = size
    source._position = lambda: counter["row"]
    source._close = wb.close
    return source


def _with_header(
    rows: Iterator[tuple[int, list]], *, file_format: str, columns: ColumnTable = ROSTER_COLUMNS
) -> RosterSource:
    aliases = columns.aliases
    seen = 0
    header_line, headers = None, None
    try:
        for line, cells in rows:
            if _is_blank(cells):
                continue
            seen += 1
            keys = [header_key(c) for c in cells]
            if any(k in aliases for k in keys):
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
            % {"columns": ", ".join(columns.required)}
        )
    names = ["" if h is None else str(h).strip() for h in headers]
    index: dict[str, int] = {}
    unknown, duplicate = [], []
    for position, name in enumerate(names):
        if not name:
            continue  # a blank trailing column
        canonical = aliases.get(header_key(name))
        if canonical is None:
            unknown.append(name)
        elif canonical in index:
            duplicate.append(name)
        else:
            index[canonical] = position
    missing = [c for c in columns.required if c not in index]
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


def iter_original_rows(
    path: str, *, sheet: str = "", columns: ColumnTable = ROSTER_COLUMNS
) -> Iterator[tuple[int, list[str]]]:
    """Every data row of the file as text cells (for the rejection report)."""
    source = open_roster(path, sheet=sheet, columns=columns)
    try:
        for line, cells in source.rows:
            yield line, ["" if c is None else str(c) for c in cells]
    finally:
        source.close()
