"""The coverage rollup: ``CoverageCount`` per (facilitator, village, aid), recounted
from the aid rows."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Q

from assistance.models import AidEnrolment, AidStatus, CoverageCount
from pkh.sql import chunks

Pair = tuple  # (facilitator_id | None, village_id)


def _pair_q(pairs: Iterable[Pair]) -> Q:
    q = Q(pk__in=[])
    by_facilitator: dict = {}
    for facilitator_id, village_id in pairs:
        by_facilitator.setdefault(facilitator_id, set()).add(village_id)
    for facilitator_id, villages in by_facilitator.items():
        who = (
            Q(facilitator__isnull=True)
            if facilitator_id is None
            else Q(facilitator_id=facilitator_id)
        )
        q |= who & Q(village_id__in=sorted(villages))
    return q


def coverage_pairs(*, household_ids: Iterable[int]) -> set[Pair]:
    """The (facilitator, village) pairs the aid rows of these families count under."""
    ids = sorted(set(household_ids))
    pairs: set[Pair] = set()
    for batch in chunks(ids, 10_000):
        pairs |= set(
            AidEnrolment.objects.filter(household_id__in=batch)
            .order_by()
            .values_list("facilitator_id", "village_id")
            .distinct()
        )
    return pairs


@transaction.atomic
def coverage_counts_rebuild(*, pairs: Iterable[Pair] | None = None) -> int:
    """Recount ``CoverageCount`` for the given (facilitator, village) pairs from the
    aid rows (``None``: everything). Set-based: one delete, one aggregate, one insert
    per 500 pairs. Returns the number of rollup rows written."""
    if pairs is None:
        CoverageCount.objects.all().delete()
        batches = [None]
    else:
        pairs = sorted(pairs, key=lambda p: (p[0] or 0, p[1] or ""))
        batches = list(chunks(pairs, 500))
    written = 0
    for chunk in batches:
        rows = AidEnrolment.objects.filter(in_programme=True, village__isnull=False)
        if chunk is not None:
            if not chunk:
                continue
            CoverageCount.objects.filter(_pair_q(chunk)).delete()
            rows = rows.filter(_pair_q(chunk))
        counts = (
            rows.values("facilitator_id", "village_id", "aid_id")
            .annotate(
                receiving=Count("pk", filter=Q(status=AidStatus.RECEIVING)),
                not_receiving=Count("pk", filter=Q(status=AidStatus.ELIGIBLE)),
                proposed=Count("pk", filter=Q(status=AidStatus.PROPOSED)),
            )
            .order_by()
        )
        objs = [
            CoverageCount(
                facilitator_id=c["facilitator_id"],
                village_id=c["village_id"],
                aid_id=c["aid_id"],
                receiving=c["receiving"],
                not_receiving=c["not_receiving"],
                proposed=c["proposed"],
            )
            for c in counts
            if c["receiving"] or c["not_receiving"] or c["proposed"]
        ]
        CoverageCount.objects.bulk_create(objs, batch_size=5000)
        written += len(objs)
    return written
