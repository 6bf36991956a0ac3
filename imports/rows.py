"""Normalise and validate one roster row in Python (the streaming pass).

``RowParser.parse`` turns the cells of one row into the values of a ``StagingRow``
(all as text or ``None``, ready for COPY or executemany) and a list of issues. It only
checks what one row can tell: rules that need other rows or the registry run in SQL
afterwards (``imports/checks.py``). It is on the hot path: keep it lean.
"""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext as _

from households.validators import nik_warnings
from imports.columns import (
    COMPONENT_ALIASES,
    COMPONENT_BITS,
    RELATIONSHIP,
    SEX,
    YES_NO,
)
from pkh.forms import EARLIEST_BIRTH

# Order of the values RowParser.parse returns (and of the COPY columns).
STAGING_COLUMNS = (
    "line",
    "id_keluarga",
    "no_kk",
    "nik",
    "name",
    "name_normalized",
    "sex",
    "birth_date",
    "relationship",
    "pengurus",
    "components",
    "village_code",
    "address",
    "rt",
    "rw",
    "phone",
    "facilitator_id",
    "group_name",
    "kip",
    "kis",
    "sembako",
    "kks",
    "rejected",
)

REJECTION, WARNING = "rejection", "warning"
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$")
_FLOAT_TEXT = re.compile(r"^(\d+)[.,](0+)$")
_COMPONENT_SPLIT = re.compile(r"[,;/+]")
_TIME_SUFFIX = re.compile(r"[ T]0{1,2}:00(?::00(?:\.0+)?)?$")
MAX_INT_EXACT = 2**53


def cell_text(value) -> str:
    """A cell as text: how it would read in the spreadsheet (stripped)."""
    if value is None:
        return ""
    if type(value) is str:
        return value.strip()
    if isinstance(value, bool):
        return "Y" if value else "T"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def sixteen_digits(value, column: str, issues: list, *, required: str = "") -> str | None:
    """A 16-digit NIK or No. KK from a cell, or None with the reason appended to
    ``issues`` as ``(REJECTION, column, value, reason)``: never a digit guessed back
    from what Excel made of the number (shared with the verification sheet import)."""
    if type(value) is str:
        text = value.strip()
        if len(text) == 16 and text.isascii() and text.isdigit():
            return text
        if text.startswith("'"):
            text = text[1:].strip()
            if len(text) == 16 and text.isascii() and text.isdigit():
                return text
    elif isinstance(value, bool) or value is None:
        text = "" if value is None else str(value)
    elif isinstance(value, int | float):
        # A number in an XLSX cell: Excel keeps only 15 significant digits, so a
        # 16-digit number whose last digit is 0 may have lost it. Never guess.
        if isinstance(value, float) and not value.is_integer():
            issues.append(
                (REJECTION, column, str(value), _("Harus tepat 16 angka, bukan pecahan."))
            )
            return None
        number = int(value)
        digits = str(number)
        if len(digits) == 16 and digits[-1] != "0" and number < MAX_INT_EXACT:
            return digits
        issues.append(
            (
                REJECTION,
                column,
                digits,
                _(
                    "%(column)s tersimpan sebagai angka di Excel; digitnya mungkin hilang "
                    "(Excel hanya menyimpan 15 digit). Format kolom sebagai Teks lalu "
                    "ketik ulang."
                )
                % {"column": column},
            )
        )
        return None
    else:
        text = cell_text(value)
    if not text:
        issues.append((REJECTION, column, "", required or _("Wajib diisi.")))
        return None
    if _SCIENTIFIC.match(text):
        issues.append(
            (
                REJECTION,
                column,
                text,
                _(
                    "%(column)s ditulis Excel dalam notasi ilmiah (%(value)s): digitnya "
                    "hilang. Format kolom sebagai Teks lalu ketik ulang."
                )
                % {"column": column, "value": text},
            )
        )
        return None
    match = _FLOAT_TEXT.match(text)
    if match:
        digits = match.group(1)
        if len(digits) == 16 and digits[-1] != "0":
            return digits
        issues.append(
            (
                REJECTION,
                column,
                text,
                _(
                    "%(column)s ditulis Excel sebagai angka desimal (%(value)s); digitnya "
                    "mungkin hilang. Format kolom sebagai Teks lalu ketik ulang."
                )
                % {"column": column, "value": text},
            )
        )
        return None
    if text.isascii() and text.isdigit():
        reason = _("Harus tepat 16 angka (terbaca %(n)d angka).") % {"n": len(text)}
        if len(text) == 15:
            reason += " " + _("Angka 0 di depan mungkin hilang karena Excel.")
    else:
        reason = _("Harus tepat 16 angka.")
    issues.append((REJECTION, column, text[:200], reason))
    return None


class RowParser:
    def __init__(
        self,
        *,
        column_index: dict[str, int],
        villages: dict[str, str],
        village_exists,
        facilitators: dict[str, int],
        today: datetime.date,
    ):
        self.ix = column_index
        self.villages = villages  # plain 10-digit code -> dotted code (the admin's region)
        self.village_exists = village_exists  # callable(plain code) -> bool, for messages
        self.facilitators = facilitators  # username (and lower-cased) -> pk
        self.today = today
        self.has_components = "KOMPONEN" in column_index
        from imports.columns import COLUMNS

        self.col = {name: column_index.get(name, -1) for name in COLUMNS}
        self.width = max(column_index.values(), default=-1) + 1
        self._msg_required = _("Wajib diisi.")
        self._msg_outside = _("Desa ini di luar wilayah Anda.")
        self._msg_unknown_village = _("Kode wilayah tidak dikenal.")

    # -- fields --------------------------------------------------------------
    def _sixteen(self, value, column: str, issues: list) -> str | None:
        return sixteen_digits(value, column, issues, required=self._msg_required)

    def _date(self, value, issues: list) -> str | None:
        column = "TANGGAL_LAHIR"
        if isinstance(value, datetime.datetime):
            date = value.date()
        elif isinstance(value, datetime.date):
            date = value
        elif value is None or (type(value) is str and not value.strip()):
            issues.append((REJECTION, column, "", self._msg_required))
            return None
        elif type(value) is not str:
            issues.append(
                (
                    REJECTION,
                    column,
                    cell_text(value),
                    _("Bukan tanggal; gunakan DD/MM/YYYY, DD-MM-YYYY atau YYYY-MM-DD."),
                )
            )
            return None
        else:
            text = value.strip()
            if len(text) > 10:
                text = _TIME_SUFFIX.sub("", text)
            date = None
            try:
                if len(text) == 10 and text[4] == "-" and text[7] == "-":
                    date = datetime.date(int(text[:4]), int(text[5:7]), int(text[8:]))
                else:
                    sep = "/" if "/" in text else "-"
                    parts = text.split(sep)
                    if len(parts) == 3 and len(parts[2]) == 4 and len(parts[0]) <= 2:
                        date = datetime.date(int(parts[2]), int(parts[1]), int(parts[0]))
            except ValueError:
                date = None
            if date is None:
                issues.append(
                    (
                        REJECTION,
                        column,
                        text[:200],
                        _("Tanggal tidak terbaca; gunakan DD/MM/YYYY, DD-MM-YYYY atau YYYY-MM-DD."),
                    )
                )
                return None
        if date > self.today:
            issues.append((REJECTION, column, date.isoformat(), _("Tanggal lahir di masa depan.")))
            return None
        if date < EARLIEST_BIRTH:
            issues.append(
                (REJECTION, column, date.isoformat(), _("Tanggal lahir sebelum tahun 1900."))
            )
            return None
        return date.isoformat()

    def _flag(self, value, column: str, issues: list) -> str | None:
        if value is None:
            return None
        if type(value) is str:
            text = value.strip().upper()
            if text == "T":
                return "0"
            if text == "Y":
                return "1"
        else:
            text = cell_text(value).upper()
        if not text:
            return None
        flag = YES_NO.get(text)
        if flag is None:
            issues.append((REJECTION, column, text[:200], _("Harus Y atau T.")))
            return None
        return "1" if flag else "0"

    def _short_text(self, value, column: str, limit: int, issues: list) -> str | None:
        text = " ".join((value if type(value) is str else cell_text(value)).split())
        if not text:
            return None
        if len(text) > limit:
            issues.append(
                (
                    REJECTION,
                    column,
                    text[:200],
                    _("Terlalu panjang (maksimal %(n)d karakter).") % {"n": limit},
                )
            )
            return None
        return text

    # -- the row -------------------------------------------------------------
    def parse(self, line: int, cells: list) -> tuple[tuple, list]:
        ix = self.ix
        col = self.col
        short = self.width - len(cells)
        cells = list(cells)
        if short > 0:
            cells.extend([None] * short)
        cells.append(None)  # what an absent column (index -1) reads
        issues: list = []

        raw = cells[col["ID_KELUARGA"]]
        id_keluarga = raw.strip() if type(raw) is str else cell_text(raw)
        if not id_keluarga:
            issues.append((REJECTION, "ID_KELUARGA", "", self._msg_required))
            id_keluarga = None
        elif len(id_keluarga) > 40:
            issues.append(
                (REJECTION, "ID_KELUARGA", id_keluarga[:200], _("Terlalu panjang (maksimal 40)."))
            )
            id_keluarga = None

        no_kk = self._sixteen(cells[col["NO_KK"]], "NO_KK", issues)
        nik = self._sixteen(cells[col["NIK"]], "NIK", issues)

        raw = cells[col["NAMA"]]
        name = " ".join(raw.split()) if type(raw) is str else " ".join(cell_text(raw).split())
        name_normalized = None
        if not name:
            issues.append((REJECTION, "NAMA", "", self._msg_required))
            name = None
        elif len(name) > 120:
            issues.append((REJECTION, "NAMA", name[:200], _("Terlalu panjang (maksimal 120).")))
            name = None
        else:
            name_normalized = name.upper()

        raw = cells[col["JENIS_KELAMIN"]]
        text = raw.strip().upper() if type(raw) is str else cell_text(raw).upper()
        sex = SEX.get(text)
        if sex is None:
            if text:
                issues.append((REJECTION, "JENIS_KELAMIN", text[:200], _("Harus L atau P.")))
            else:
                issues.append((REJECTION, "JENIS_KELAMIN", "", self._msg_required))

        birth_date = self._date(cells[col["TANGGAL_LAHIR"]], issues)

        relationship = None
        if "HUBUNGAN" in ix:
            raw = cells[col["HUBUNGAN"]]
            text = " ".join((raw if type(raw) is str else cell_text(raw)).upper().split())
            if text:
                relationship = RELATIONSHIP.get(text)
                if relationship is None:
                    issues.append(
                        (
                            REJECTION,
                            "HUBUNGAN",
                            text[:200],
                            _("Hubungan tidak dikenal."),
                        )
                    )

        pengurus = (
            self._flag(cells[col["PENGURUS"]], "PENGURUS", issues) if "PENGURUS" in ix else None
        )

        components = None
        if self.has_components:
            raw = cells[col["KOMPONEN"]]
            text = (raw.strip() if type(raw) is str else cell_text(raw)).upper()
            mask = 0
            if text:
                for part in _COMPONENT_SPLIT.split(text):
                    part = " ".join(part.split())
                    if not part:
                        continue
                    code = COMPONENT_ALIASES.get(part)
                    if code is None:
                        issues.append(
                            (REJECTION, "KOMPONEN", part[:200], _("Komponen tidak dikenal."))
                        )
                        mask = None
                        break
                    mask |= COMPONENT_BITS[code]
            components = None if mask is None else str(mask)

        raw = cells[col["KODE_WILAYAH"]]
        text = raw.strip() if type(raw) is str else cell_text(raw)
        village_code = None
        if not text:
            issues.append((REJECTION, "KODE_WILAYAH", "", self._msg_required))
        else:
            plain = text.replace(".", "").replace(" ", "")
            village_code = self.villages.get(plain)
            if village_code is None:
                known = len(plain) == 10 and plain.isdigit() and self.village_exists(plain)
                issues.append(
                    (
                        REJECTION,
                        "KODE_WILAYAH",
                        text[:200],
                        self._msg_outside if known else self._msg_unknown_village,
                    )
                )

        address = (
            self._short_text(cells[col["ALAMAT"]], "ALAMAT", 200, issues)
            if "ALAMAT" in ix
            else None
        )
        rt = self._rt_rw(cells[col["RT"]], "RT", issues) if "RT" in ix else None
        rw = self._rt_rw(cells[col["RW"]], "RW", issues) if "RW" in ix else None
        phone = None
        if "TELEPON" in ix:
            raw = cells[col["TELEPON"]]
            phone = self._short_text(raw, "TELEPON", 20, issues)
            if phone and isinstance(raw, int | float) and not phone.startswith("0"):
                issues.append(
                    (
                        WARNING,
                        "TELEPON",
                        phone,
                        _(
                            "Nomor telepon tersimpan sebagai angka; angka 0 di depan mungkin hilang."
                        ),
                    )
                )

        facilitator_id = None
        if "PENDAMPING" in ix:
            raw = cells[col["PENDAMPING"]]
            username = raw.strip() if type(raw) is str else cell_text(raw)
            if username:
                pk = self.facilitators.get(username) or self.facilitators.get(username.lower())
                if pk is None:
                    issues.append(
                        (
                            REJECTION,
                            "PENDAMPING",
                            username[:200],
                            _(
                                "Pendamping tidak dikenal atau bukan pendamping aktif di wilayah Anda."
                            ),
                        )
                    )
                else:
                    facilitator_id = str(pk)
        group_name = (
            self._short_text(cells[col["KELOMPOK"]], "KELOMPOK", 80, issues)
            if "KELOMPOK" in ix
            else None
        )
        kip = self._flag(cells[col["KIP"]], "KIP", issues) if "KIP" in ix else None
        kis = self._flag(cells[col["KIS"]], "KIS", issues) if "KIS" in ix else None
        sembako = self._flag(cells[col["SEMBAKO"]], "SEMBAKO", issues) if "SEMBAKO" in ix else None
        kks = self._flag(cells[col["KKS"]], "KKS", issues) if "KKS" in ix else None

        rejected = "0"
        if issues:
            for issue in issues:
                if issue[0] == REJECTION:
                    rejected = "1"
                    break
        if nik is not None and (birth_date is not None or sex is not None):
            # NIK = region(6) + DDMMYY (+40 for women) + serial(4): a mismatch is a warning.
            day = int(nik[6:8])
            nik_sex = "L"
            if day > 40:
                day -= 40
                nik_sex = "P"
            mismatch = (sex is not None and sex != nik_sex) or (
                birth_date is not None
                and (
                    day != int(birth_date[8:10])
                    or nik[8:10] != birth_date[5:7]
                    or nik[10:12] != birth_date[2:4]
                )
            )
            if mismatch:
                for text in nik_warnings(
                    nik,
                    birth_date=datetime.date.fromisoformat(birth_date) if birth_date else None,
                    sex=sex,
                ):
                    issues.append((WARNING, "NIK", nik, text))
        return (
            (
                str(line),
                id_keluarga,
                no_kk,
                nik,
                name,
                name_normalized,
                sex,
                birth_date,
                relationship,
                pengurus,
                components,
                village_code,
                address,
                rt,
                rw,
                phone,
                facilitator_id,
                group_name,
                kip,
                kis,
                sembako,
                kks,
                rejected,
            ),
            issues,
        )

    def _rt_rw(self, value, column: str, issues: list) -> str | None:
        if type(value) is str:
            text = value.strip()
            if 0 < len(text) <= 3 and text.isdigit() and text.isascii() and text[0] != "0":
                return text
        else:
            text = cell_text(value)
        if not text:
            return None
        if text.isascii() and text.isdigit() and len(text.lstrip("0") or "0") <= 3:
            return str(int(text))
        issues.append((REJECTION, column, text[:200], _("Harus angka, paling banyak 3 digit.")))
        return None
