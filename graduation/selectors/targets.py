"""Quarters and quarterly self-graduation targets."""

from __future__ import annotations

import datetime

from django.conf import settings

from accounts.models import User
from graduation.models import QuarterlyTarget
from households.selectors import facilitator_list
from pkh import quarter_calendar


def quarter_of(day: datetime.date) -> tuple[int, int]:
    """``(year, quarter)`` containing ``day``: quarters follow ``PKH_QUARTER_FIRST_MONTH``
    (``pkh.quarter_calendar``), the same as the quarterly reports, so a target set here is the
    target of the report of the same quarter."""
    return quarter_calendar.quarter_of(day)


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of a quarter (``pkh.quarter_calendar``)."""
    return quarter_calendar.quarter_bounds(year, quarter)


def default_quarter_target(quarter: int) -> int:
    """The yearly target spread over four quarters, the remainder going to the first
    quarters (10 a year: 3, 3, 2, 2)."""
    yearly = settings.PKH_GRADUATION_YEARLY_TARGET
    return yearly // 4 + (1 if quarter <= yearly % 4 else 0)


def quarterly_targets(*, user: User, year: int, quarter: int) -> dict[int, int]:
    """Each visible facilitator's target for the quarter (the default where none is set)."""
    ids = list(facilitator_list(user=user).values_list("pk", flat=True))
    rows = target_rows(ids, year, quarter)
    default = default_quarter_target(quarter)
    return {pk: rows.get(pk, default) for pk in ids}


def target_rows(ids: list[int], year: int, quarter: int) -> dict[int, int]:
    return dict(
        QuarterlyTarget.objects.filter(
            facilitator_id__in=ids, year=year, quarter=quarter
        ).values_list("facilitator_id", "target")
    )
