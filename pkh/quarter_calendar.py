"""The one rule for reporting quarters, shared by every app (graduation targets, reports).

A quarter is a block of three months counted from ``settings.PKH_QUARTER_FIRST_MONTH``
(1 = calendar quarters Jan-Mar, Apr-Jun, ...; 4 = a year running April to March). A
quarter is named by the year in which its year starts and its number 1..4: with
``PKH_QUARTER_FIRST_MONTH = 4``, quarter (2026, 4) is January to March 2027.

This module is the calendar only: ``(year, number)`` pairs, their days and their label.
The reports' value type with keys (``2026Q3``) and time-zone instants,
``reports.quarters.Quarter``, is built on it.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils.translation import gettext as _


def quarter_of(day: datetime.date) -> tuple[int, int]:
    """``(year, number)`` of the quarter that contains ``day``."""
    first_month = settings.PKH_QUARTER_FIRST_MONTH
    offset = (day.month - first_month) % 12
    year = day.year if day.month >= first_month else day.year - 1
    return year, offset // 3 + 1


def quarter_first_day(year: int, number: int) -> datetime.date:
    month0 = settings.PKH_QUARTER_FIRST_MONTH - 1 + 3 * (number - 1)
    return datetime.date(year + month0 // 12, month0 % 12 + 1, 1)


def quarter_bounds(year: int, number: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of the quarter."""
    following = (year + 1, 1) if number == 4 else (year, number + 1)
    return (
        quarter_first_day(year, number),
        quarter_first_day(*following) - datetime.timedelta(days=1),
    )


def quarter_label(year: int | None, number: int) -> str:
    """How a quarter is shown to people, in the active language: ``T3 2026`` in
    Indonesian (*triwulan*), ``Q3 2026`` in English; ``T3`` / ``Q3`` without a year (the
    quarter picker beside a year field). The machine key ``2026Q3`` stays in URLs, query
    parameters, the database and file names; this is the one display form, used by the
    ``quarter_label`` template filter (``pkh/display.py``), the forms' choices and the
    exports."""
    if year is None:
        return _("T%(number)s") % {"number": number}
    # str(): a year is never written with a thousands separator.
    return _("T%(number)s %(year)s") % {"number": number, "year": str(year)}
