"""NIK and No. KK checks.

An NIK is 16 digits: the 6-digit region of first registration (province, regency,
district), the birth date as DDMMYY with 40 added to the day for women, and a 4-digit
serial. The format is a hard rule; disagreement with the member's stated data is only a
warning, because old records are often wrong.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SIXTEEN_DIGITS = re.compile(r"^\d{16}$")


def validate_sixteen_digits(value: str) -> None:
    if not isinstance(value, str) or not SIXTEEN_DIGITS.match(value):
        raise ValidationError(_("Harus tepat 16 angka."), code="sixteen_digits")


def nik_birth_parts(nik: str) -> tuple[int, int, int, str] | None:
    """(day, month, two-digit year, sex) encoded in an NIK, or None if unreadable."""
    if not SIXTEEN_DIGITS.match(nik or ""):
        return None
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "L"
    if day > 40:
        day, sex = day - 40, "P"
    return day, month, year, sex


def nik_warnings(
    nik: str,
    *,
    birth_date: datetime.date | None = None,
    sex: str | None = None,
    village_code: str | None = None,
) -> list[str]:
    """Ways in which ``nik`` disagrees with the member's data, as readable sentences."""
    parts = nik_birth_parts(nik)
    if parts is None:
        return [_("NIK bukan 16 angka.")]
    warnings: list[str] = []
    day, month, year, nik_sex = parts
    if birth_date is not None and (day, month, year) != (
        birth_date.day,
        birth_date.month,
        birth_date.year % 100,
    ):
        warnings.append(
            _("Tanggal lahir di NIK (%(nik)s) berbeda dengan tanggal lahir tercatat (%(data)s).")
            % {
                "nik": f"{day:02d}-{month:02d}-{year:02d}",
                "data": birth_date.strftime("%d-%m-%y"),
            }
        )
    elif birth_date is None and not _is_valid_day(day, month):
        warnings.append(_("Tanggal lahir di NIK tidak valid."))
    if sex in ("L", "P") and sex != nik_sex:
        warnings.append(
            _("Jenis kelamin di NIK (%(nik)s) berbeda dengan jenis kelamin tercatat (%(data)s).")
            % {"nik": nik_sex, "data": sex}
        )
    if village_code:
        region = village_code.replace(".", "")[:6]
        if len(region) == 6 and nik[:6] != region:
            warnings.append(
                _("Kode wilayah di NIK (%(nik)s) berbeda dengan kecamatan domisili (%(data)s).")
                % {"nik": nik[:6], "data": region}
            )
    return warnings


def _is_valid_day(day: int, month: int) -> bool:
    try:
        datetime.date(2000, month, day)  # 2000 is a leap year: 29 February is possible
    except ValueError:
        return False
    return True
