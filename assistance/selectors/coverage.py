"""The coverage figures per facilitator, village and district, read off the
``CoverageCount`` rollup (the ones the quarterly reports reuse)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Sum
from django.db.models.functions import Substr

from accounts.models import User
from assistance.models import AidStatus, CoverageCount
from assistance.selectors.gap import _active_aids
from pkh.scoping import scope_q
from regions.models import Region

COUNTED_STATUSES = (AidStatus.RECEIVING, AidStatus.ELIGIBLE, AidStatus.PROPOSED)


@dataclass(slots=True)
class AidCoverage:
    """One aid's figures for a group of subjects (families or members)."""

    aid: str
    receiving: int
    not_receiving: int
    proposed: int

    @property
    def eligible(self) -> int:
        """Subjects the aid is for: receiving, eligible but not receiving, and proposed."""
        return self.receiving + self.not_receiving + self.proposed

    @property
    def percent(self) -> float | None:
        """Percentage receiving, one decimal; None when nobody is eligible."""
        return round(100 * self.receiving / self.eligible, 1) if self.eligible else None


@dataclass(slots=True)
class CoverageRow:
    key: str | int | None  # facilitator pk, village code, or None (unassigned)
    label: str
    aids: dict[str, AidCoverage]


def _coverage(
    *,
    user: User,
    group_by: str,
    label_fields: tuple[str, ...],
    aids: list[str] | None,
    district: bool = False,
) -> tuple[dict, dict]:
    """One aggregate over the rollup rows in scope (``CoverageCount``, kept by the
    services from the aid rows): tens of thousands of rows for a whole province
    instead of a million enrolments; the group's labels come in the same query.
    Counts only, no personal data. Returns ``({key: {aid: AidCoverage}}, {key: labels})``."""
    qs = CoverageCount.objects.filter(
        scope_q(user, facilitator="facilitator", village="village__code"),
        aid_id__in=_active_aids(),
    )
    if aids:
        qs = qs.filter(aid_id__in=aids)
    if district:  # the district code is the village code's first 8 characters
        qs = qs.annotate(district=Substr("village_id", 1, 8))
    rows = (
        qs.values_list(group_by, *label_fields, "aid_id")
        .annotate(r=Sum("receiving"), n=Sum("not_receiving"), p=Sum("proposed"))
        .order_by()
    )
    grouped: dict = defaultdict(dict)
    labels: dict = {}
    width = len(label_fields)
    for key, *rest in rows:
        aid, r, n, p = rest[width:]
        grouped[key][aid] = AidCoverage(aid, r, n, p)
        labels[key] = rest[:width]
    return grouped, labels


def aid_coverage_by_facilitator(*, user: User, aids: list[str] | None = None) -> list[CoverageRow]:
    """Coverage per facilitator in the user's scope: for each aid, subjects receiving,
    eligible but not receiving, and proposed, and the percentage receiving.

    One query. Families without a facilitator form a row with ``key=None``. Ordered by
    facilitator name.
    """
    from django.utils.translation import gettext as _

    grouped, labels = _coverage(
        user=user,
        group_by="facilitator_id",
        label_fields=("facilitator__first_name", "facilitator__last_name", "facilitator__username"),
        aids=aids,
    )
    rows = []
    for key, figures in grouped.items():
        first, last, username = labels[key]
        label = " ".join(f"{first or ''} {last or ''}".split()) or username
        rows.append(CoverageRow(key, label if key else _("(tanpa pendamping)"), figures))
    return sorted(rows, key=lambda r: (r.key is None, r.label.lower()))


def aid_coverage_by_village(*, user: User, aids: list[str] | None = None) -> list[CoverageRow]:
    """Coverage per village in the user's scope (same figures as per facilitator).

    One query. Ordered by village code.
    """
    grouped, labels = _coverage(
        user=user, group_by="village_id", label_fields=("village__name",), aids=aids
    )
    return [CoverageRow(k, labels[k][0], grouped[k]) for k in sorted(grouped)]


def aid_coverage_by_district(*, user: User, aids: list[str] | None = None) -> list[CoverageRow]:
    """Coverage per district (kecamatan) in the user's scope: the villages' figures
    summed, for areas too large to list village by village (an admin's province).

    Two queries. Ordered by district code.
    """
    grouped, _labels = _coverage(
        user=user, group_by="district", label_fields=(), aids=aids, district=True
    )
    names = dict(Region.objects.filter(code__in=list(grouped)).values_list("code", "name"))
    return [CoverageRow(k, names.get(k, k), grouped[k]) for k in sorted(grouped)]


def coverage_total(rows: list[CoverageRow]) -> dict[str, AidCoverage]:
    """Sum of coverage rows per aid (the "all" line of a table)."""
    totals: dict[str, AidCoverage] = {}
    for row in rows:
        for code, c in row.aids.items():
            t = totals.get(code)
            if t is None:
                totals[code] = AidCoverage(code, c.receiving, c.not_receiving, c.proposed)
            else:
                t.receiving += c.receiving
                t.not_receiving += c.not_receiving
                t.proposed += c.proposed
    return totals
