"""Reporting quarters: keys such as ``2026Q3``, their dates and their instants.

The key is for machines; pages and files show ``Quarter.display`` (``T3 2026``).

A quarter is a block of three months counted from ``settings.PKH_QUARTER_FIRST_MONTH``
(1 = calendar quarters; the rule is ``pkh.quarter_calendar``, shared with the graduation targets).
Its boundaries are midnight in ``settings.PKH_REPORT_TIME_ZONE``
(Asia/Jakarta): ``start`` is the first instant of the quarter, ``end`` the first instant of
the next one (exclusive), so the state "at the end of Q" is the state "at the start of Q+1".
"""

from __future__ import annotations

import datetime
import re
import zoneinfo
from dataclasses import dataclass
from functools import total_ordering

from django.conf import settings
from django.utils import timezone

from pkh.quarter_calendar import quarter_first_day, quarter_label, quarter_of

LABEL_RE = re.compile(r"^\s*(\d{4})\s*[-/ ]?\s*[Qq]\s*([1-4])\s*$")


def report_tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.PKH_REPORT_TIME_ZONE)


@total_ordering
@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1..4

    @classmethod
    def parse(cls, label: str) -> Quarter:
        """``2026Q3`` (also ``2026-Q3``, ``2026 q3``); ValueError otherwise."""
        match = LABEL_RE.match(label or "")
        if not match:
            raise ValueError(f"not a quarter: {label!r} (expected e.g. 2026Q3)")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, day: datetime.date) -> Quarter:
        return cls(*quarter_of(day))

    @classmethod
    def last_ended(cls, now: datetime.datetime | None = None) -> Quarter:
        """The most recent quarter that has ended at ``now`` (in the report time zone)."""
        now = now or timezone.now()
        return cls.containing(now.astimezone(report_tz()).date()).previous

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    def __lt__(self, other: Quarter) -> bool:
        return (self.year, self.number) < (other.year, other.number)

    @property
    def label(self) -> str:
        """The machine key (``2026Q3``): URLs, query parameters, stored rows, file names."""
        return str(self)

    @property
    def display(self) -> str:
        """How people read it: ``T3 2026`` / ``Q3 2026`` (``pkh.quarter_calendar.quarter_label``)."""
        return quarter_label(self.year, self.number)

    @property
    def first_day(self) -> datetime.date:
        return quarter_first_day(self.year, self.number)

    @property
    def next(self) -> Quarter:
        return Quarter(self.year + (self.number == 4), self.number % 4 + 1)

    @property
    def previous(self) -> Quarter:
        return Quarter(self.year - (self.number == 1), (self.number - 2) % 4 + 1)

    @property
    def last_day(self) -> datetime.date:
        return self.next.first_day - datetime.timedelta(days=1)

    @property
    def months(self) -> list[datetime.date]:
        """The first days of the quarter's three months."""
        first = self.first_day
        return [
            datetime.date(
                first.year + (first.month + i - 1) // 12, (first.month + i - 1) % 12 + 1, 1
            )
            for i in range(3)
        ]

    @property
    def start(self) -> datetime.datetime:
        """First instant of the quarter (aware)."""
        return datetime.datetime.combine(self.first_day, datetime.time(), tzinfo=report_tz())

    @property
    def end(self) -> datetime.datetime:
        """First instant after the quarter (aware, exclusive)."""
        return self.next.start

    def has_ended(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.end


def recent_quarters(count: int = 8, now: datetime.datetime | None = None) -> list[Quarter]:
    """The last ``count`` ended quarters, newest first (for quarter pickers)."""
    quarters = [Quarter.last_ended(now)]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous)
    return quarters
