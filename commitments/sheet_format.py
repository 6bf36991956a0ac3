"""The verification sheet a school or the national system exports (docs/commitments.md,
"Import a verification sheet"): its columns, their aliases, and how one row reads.

Read with the roster import's reader (``imports.reader.open_roster`` with
``SHEET_COLUMNS``): the same CSV/XLSX handling, header matching (case, spaces, dots,
dashes and underscores ignored) and XLSX guards. Only the shape of a row is checked
here; whether its member and month are the user's to verify is the service's
(``commitments.services.sheet_import``).
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from commitments.services.verification import month_check
from imports.columns import ColumnTable
from imports.rows import cell_text, sixteen_digits

# canonical name -> (aliases, required). NIK is required per row unless NISN is given;
# at least one of the two columns must be present (checked by the service).
COLUMNS: dict[str, tuple[tuple[str, ...], bool]] = {
    "NIK": (("NIK SISWA", "NIK PESERTA DIDIK", "NIK ART", "NIK KTP", "NIK ANAK"), False),
    "NISN": (("NO NISN", "NOMOR NISN"), False),
    "NAMA": (("NAMA SISWA", "NAMA PESERTA DIDIK", "NAMA ART", "NAMA ANAK"), False),
    "BULAN": (("BULAN VERIFIKASI", "PERIODE", "BLN", "BULAN TAHUN"), True),
    "HARI_SEKOLAH": (
        ("HARI EFEKTIF", "JUMLAH HARI SEKOLAH", "JML HARI EFEKTIF", "HARI BELAJAR", "HARI EFEKTIF SEKOLAH"),
        True,
    ),
    "SAKIT": (("S", "JUMLAH SAKIT", "JML SAKIT"), False),
    "IZIN": (("I", "IJIN", "JUMLAH IZIN", "JML IZIN"), False),
    "ALPA": (("A", "ALFA", "ALPHA", "TANPA KETERANGAN", "JUMLAH ALPA", "JML ALPA"), False),
    "TIDAK_HADIR": (("JUMLAH TIDAK HADIR", "TOTAL TIDAK HADIR", "JML TIDAK HADIR", "ABSEN"), False),
}  # fmt: skip
SHEET_COLUMNS = ColumnTable.build(COLUMNS)
ABSENCE_COLUMNS = ("SAKIT", "IZIN", "ALPA")

_YEAR_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_WHOLE = re.compile(r"^(\d+)(?:[.,]0+)?$")


@dataclass(frozen=True)
class SheetRow:
    """One row that reads: the member's NIK and/or their NISN, the month and the days."""

    line: int
    nik: str
    nisn: str
    month: datetime.date
    school_days: int
    days_sick: int
    days_excused: int
    days_unexcused: int


def parse_month(value) -> datetime.date | None:
    """The first day of the month a cell names (2026-03, 03/2026, 2026-03-01,
    01/03/2026 or a date cell), or None."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    text = _TIME_SUFFIX.sub("", cell_text(value))
    year = month = None
    day = 1
    if m := _YEAR_MONTH.match(text):
        year, month = int(m[1]), int(m[2])
    elif m := _MONTH_YEAR.match(text):
        month, year = int(m[1]), int(m[2])
    elif m := _ISO_DATE.match(text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := _DMY_DATE.match(text):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    else:
        return None
    try:
        return datetime.date(year, month, day).replace(day=1)
    except ValueError:
        return None


def _count(value) -> int | None | str:
    """A whole number of days from a cell: the number, None when blank, "" when it
    does not read as one."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return value if value >= 0 else ""
    text = cell_text(value)
    if not text:
        return None
    m = _WHOLE.match(text)
    return int(m[1]) if m else ""


class SheetRowParser:
    """Reads data rows given the header's ``column_index`` (``RosterSource``)."""

    def __init__(self, *, column_index: dict[str, int], today: datetime.date):
        self.col = {name: column_index.get(name, -1) for name in COLUMNS}
        self.today = today

    def _cell(self, cells: list, name: str):
        i = self.col[name]
        return cells[i] if 0 <= i < len(cells) else None

    def _nisn(self, value, issues: list) -> str:
        """10 digits; a number cell that lost its leading zeros is an error, never padded."""
        if isinstance(value, int | float) and not isinstance(value, bool):
            issues.append(
                (
                    "NISN",
                    _(
                        "NISN tersimpan sebagai angka di Excel; angka 0 di depan mungkin "
                        "hilang. Format kolom sebagai Teks lalu ketik ulang."
                    ),
                )
            )
            return ""
        text = cell_text(value).lstrip("'")
        if len(text) == 10 and text.isascii() and text.isdigit():
            return text
        issues.append(("NISN", _("NISN harus tepat 10 angka.")))
        return ""

    def parse(self, line: int, cells: list) -> tuple[SheetRow | None, list[tuple[str, str]]]:
        """``(row, [])`` or ``(None, [(column, reason), ...])``."""
        issues: list[tuple[str, str]] = []
        nik, nisn = "", cell_text(self._cell(cells, "NISN")).lstrip("'")
        raw_nik = self._cell(cells, "NIK")
        if cell_text(raw_nik):
            found: list = []
            nik = sixteen_digits(raw_nik, "NIK", found) or ""
            issues += [(column, reason) for _kind, column, _value, reason in found]
        elif not nisn:
            issues.append(("NIK", _("NIK wajib diisi (atau NISN).")))
        if nisn:  # with a NIK too: checked against it by the service
            nisn = self._nisn(self._cell(cells, "NISN"), issues)

        month = parse_month(self._cell(cells, "BULAN"))
        if month is None:
            text = cell_text(self._cell(cells, "BULAN"))
            issues.append(
                (
                    "BULAN",
                    _("Bulan wajib diisi.")
                    if not text
                    else _("Bulan tidak terbaca: tulis 2026-03, 03/2026 atau 2026-03-01."),
                )
            )
        else:
            try:
                month_check(month, today=self.today)
            except ValidationError as exc:
                issues.append(("BULAN", " ".join(exc.messages)))
                month = None

        days = _count(self._cell(cells, "HARI_SEKOLAH"))
        if days is None:
            issues.append(("HARI_SEKOLAH", _("Hari sekolah wajib diisi.")))
        elif days == "":
            issues.append(("HARI_SEKOLAH", _("Hari sekolah harus bilangan bulat 0 atau lebih.")))
        elif month is not None:
            limit = calendar.monthrange(month.year, month.month)[1]
            if days > limit:
                issues.append(
                    (
                        "HARI_SEKOLAH",
                        _("Hari sekolah harus antara 0 dan %(limit)s (hari dalam bulan itu).")
                        % {"limit": limit},
                    )
                )

        absences: dict[str, int] = {}
        given = False
        for name in ABSENCE_COLUMNS:
            value = _count(self._cell(cells, name))
            if value == "":
                issues.append((name, _("Harus bilangan bulat 0 atau lebih.")))
            else:
                given = given or value is not None
                absences[name] = value or 0
        total = _count(self._cell(cells, "TIDAK_HADIR"))
        if total == "":
            issues.append(("TIDAK_HADIR", _("Harus bilangan bulat 0 atau lebih.")))
        elif total is not None and len(absences) == len(ABSENCE_COLUMNS):
            if not given:
                absences["ALPA"] = total  # no breakdown: counted as unexcused
            elif total != sum(absences.values()):
                issues.append(
                    (
                        "TIDAK_HADIR",
                        _(
                            "TIDAK_HADIR (%(total)s) tidak sama dengan SAKIT + IZIN + ALPA (%(sum)s)."
                        )
                        % {"total": total, "sum": sum(absences.values())},
                    )
                )
        if (
            isinstance(days, int)
            and len(absences) == len(ABSENCE_COLUMNS)
            and sum(absences.values()) > days
        ):
            issues.append(
                (
                    "TIDAK_HADIR" if total not in (None, "") and not given else "ALPA",
                    _("Jumlah hari tidak hadir (%(absent)s) melebihi hari sekolah (%(days)s).")
                    % {"absent": sum(absences.values()), "days": days},
                )
            )
        if issues:
            return None, issues
        return (
            SheetRow(
                line=line,
                nik=nik,
                nisn=nisn,
                month=month,
                school_days=days,
                days_sick=absences["SAKIT"],
                days_excused=absences["IZIN"],
                days_unexcused=absences["ALPA"],
            ),
            [],
        )
