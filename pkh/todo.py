"""The home page's to-do list, grouped: by when (overdue, today, this week, later, no
date yet), then by kind, each group with its count and its first few items.

The items come from every app's ``todo_sources`` (``pkh.extensions``); the grouping works on
the list they return, so it costs no query of its own.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from pkh.extensions import TodoItem

# Items shown per group before "lihat semua" (see all).
GROUP_PREVIEW = 5
# Items per page when one group is shown whole.
GROUP_PAGE_SIZE = 25
WEEK = datetime.timedelta(days=7)

# (key, heading), in the order shown. The key is the ``grup`` parameter's first half.
WHEN = (
    ("terlambat", _("Terlambat")),
    ("hari-ini", _("Hari ini")),
    ("minggu-ini", _("Minggu ini")),
    ("nanti", _("Berikutnya")),
    ("tanpa-tanggal", _("Belum ada tanggal")),
)


@dataclass
class TodoGroup:
    key: str  # "<when>.<kind>", the ``grup`` parameter of the whole group's page
    title: str  # what to do, shared by the group's items
    items: list[TodoItem]

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def preview(self) -> list[TodoItem]:
        return self.items[:GROUP_PREVIEW]

    @property
    def more(self) -> int:
        return max(0, self.count - GROUP_PREVIEW)


@dataclass
class TodoBucket:
    key: str
    title: str
    groups: list[TodoGroup]

    @property
    def count(self) -> int:
        return sum(g.count for g in self.groups)


def when_key(item: TodoItem, today: datetime.date) -> str:
    """Which bucket an item falls in. An item its source marks overdue is overdue; one
    due today or earlier but not overdue (an FDS absentee: the date is the last
    absence) is for today."""
    if item.overdue:
        return "terlambat"
    if item.due is None:
        return "tanpa-tanggal"
    if item.due <= today:
        return "hari-ini"
    if item.due <= today + WEEK:
        return "minggu-ini"
    return "nanti"


def todo_group(items: list[TodoItem], *, today: datetime.date) -> list[TodoBucket]:
    """The buckets that have items, each with its kinds in order of first appearance
    (items sorted by due date, then family)."""
    items = sorted(items, key=lambda i: (i.due is None, i.due or today, i.household_label, i.label))
    buckets = []
    for key, title in WHEN:
        groups: dict[str, TodoGroup] = {}
        for item in items:
            if when_key(item, today) != key:
                continue
            group = groups.get(item.kind)
            if group is None:
                group = groups[item.kind] = TodoGroup(
                    key=f"{key}.{item.kind}", title=item.kind_label or item.label, items=[]
                )
            group.items.append(item)
        if groups:
            buckets.append(TodoBucket(key=key, title=title, groups=list(groups.values())))
    return buckets


def todo_group_get(buckets: list[TodoBucket], key: str) -> tuple[TodoBucket, TodoGroup] | None:
    for bucket in buckets:
        for group in bucket.groups:
            if group.key == key:
                return bucket, group
    return None
