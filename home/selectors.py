"""What the start page reads: the signed-in user's to-dos from every app and the counts
of their caseload."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from households.selectors import household_scope, no_visit_cutoff
from pkh import extensions

if TYPE_CHECKING:
    from accounts.models import User
    from pkh.extensions import TodoItem


def todo_items(*, user: User, today: datetime.date) -> list[TodoItem]:
    """Every app's to-dos for ``user`` (``pkh.extensions.todo_sources``), the dated ones
    first by due day, then the undated ones, each by label."""
    items = []
    for source in extensions.todo_sources:
        items.extend(source(user=user, today=today))
    items.sort(key=lambda item: (item.due is None, item.due or today, item.label))
    return items


def caseload_counts(*, user: User, today: datetime.date) -> dict[str, int]:
    """The families ``user`` may see, and the active ones without a recent visit."""
    scope = household_scope(user=user)
    cutoff = no_visit_cutoff(today)
    return {
        "household_count": scope.count(),
        "no_visit_count": scope.filter(status="active").exclude(last_visit_on__gte=cutoff).count(),
    }
