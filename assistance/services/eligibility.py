"""The stored aid eligibility: one ``AidEnrolment`` row per subject the catalogue's
rule makes eligible, kept in step with the families."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from accounts.models import User
from assistance import eligibility
from assistance.models import Aid, AidEnrolment, AidStatus, StatusSource
from assistance.services._dates import _today
from assistance.services.coverage import Pair, coverage_counts_rebuild, coverage_pairs
from households.models import Household, HouseholdStatus, Member
from pkh.sql import chunks, fetch, insert_history

BATCH_SIZE = 2000


def _rule_state(
    household_ids: list[int], aids: list[Aid], on: datetime.date
) -> tuple[set[tuple], dict[int, tuple], set[int]]:
    """For a batch of families: the rule-eligible subjects ``(aid, household, member)``
    (the rule's one definition, ``eligibility.eligible_sql``), each family's
    ``(active, facilitator_id, village_id)`` and the active members. Three queries."""
    families = {
        pk: (status == HouseholdStatus.ACTIVE, facilitator_id, village_id)
        for pk, status, facilitator_id, village_id in Household.objects.filter(
            pk__in=household_ids
        ).values_list("pk", "status", "facilitator_id", "village_id")
    }
    active_members = set(
        Member.objects.filter(household_id__in=household_ids, left_on__isnull=True).values_list(
            "pk", flat=True
        )
    )
    sql, params = eligibility.eligible_sql(
        aids, on, scope=(", ".join(["%s"] * len(household_ids)), list(household_ids))
    )
    eligible = {(aid, household, member) for aid, household, member, _key in fetch(sql, params)}
    return eligible, families, active_members


@transaction.atomic
def aid_eligibility_refresh(
    *,
    household_ids: Iterable[int] | None = None,
    on: datetime.date | None = None,
    batch_size: int = BATCH_SIZE,
    set_based: bool | None = None,
) -> int:
    """Bring the stored rows in line with the catalogue's rules; returns rows written.

    * a subject the rule makes eligible and without a row gets one: "eligible, not
      receiving", source "rule";
    * a row whose status the rule set follows the rule (eligible <-> not eligible);
      statuses set by a user or the roster are never overwritten;
    * every row's ``in_programme`` follows its family's status and member's exit.

    ``household_ids=None`` refreshes every family. Two ways to the same result, with the
    rule's one definition (``assistance.eligibility.eligible_sql``): a few families (a
    form saved) in Python, five queries per batch; many (``set_based``, by default
    above ``batch_size`` families or for all of them) in SQL over a temporary table of
    the families, a fixed number of statements whatever their number.
    """
    on = on or _today()
    if household_ids is None:
        set_based = True if set_based is None else set_based
        ids = None
    else:
        ids = household_ids if isinstance(household_ids, (set, frozenset)) else set(household_ids)
        if set_based is None:
            set_based = len(ids) > batch_size
    if set_based:
        eligibility.scope_fill(household_ids=ids)
        return eligibility.refresh_scope(on=on)
    aids = list(Aid.objects.filter(is_active=True).prefetch_related("components"))
    if ids is None:
        ids = Household.objects.values_list("pk", flat=True)
    written = 0
    touched: set[Pair] = set()
    for batch in chunks(sorted(ids), batch_size):
        written += _refresh_batch(batch, aids, on, touched)
    if touched:
        # Once for all batches: the families of a large call share most pairs.
        coverage_counts_rebuild(pairs=touched)
    return written


def _refresh_batch(batch: list[int], aids: list[Aid], on: datetime.date, touched: set[Pair]) -> int:
    eligible, families, active_members = _rule_state(batch, aids, on)
    rule_aids = {a.code for a in aids}
    existing = {}
    old_pairs: set[Pair] = set()
    status_changed, copy_changed = [], []
    for row in AidEnrolment.objects.filter(household_id__in=batch).only(
        "pk",
        "aid_id",
        "household_id",
        "member_id",
        "status",
        "source",
        "since",
        "in_programme",
        "facilitator_id",
        "village_id",
    ):
        key = (row.aid_id, row.household_id, row.member_id)
        existing[key] = row
        old_pairs.add((row.facilitator_id, row.village_id))
        active, facilitator_id, village_id = families[row.household_id]
        copy = (
            active and (row.member_id is None or row.member_id in active_members),
            facilitator_id,
            village_id,
        )
        copy_differs = copy != (row.in_programme, row.facilitator_id, row.village_id)
        row.in_programme, row.facilitator_id, row.village_id = copy
        if (
            row.source == StatusSource.RULE
            and row.aid_id in rule_aids
            and row.status in (AidStatus.ELIGIBLE, AidStatus.NOT_ELIGIBLE)
        ):
            wanted = AidStatus.ELIGIBLE if key in eligible else AidStatus.NOT_ELIGIBLE
            if row.status != wanted:
                row.status, row.since = wanted, on
                status_changed.append(row)
                continue
        if copy_differs:
            copy_changed.append(row)
    new = [
        AidEnrolment(
            aid_id=aid,
            household_id=household,
            member_id=member,
            status=AidStatus.ELIGIBLE,
            since=on,
            source=StatusSource.RULE,
            in_programme=True,
            facilitator_id=families[household][1],
            village_id=families[household][2],
        )
        for (aid, household, member) in eligible
        if (aid, household, member) not in existing
    ]
    if new:
        _create_with_history(new)
    if status_changed:
        bulk_update_with_history(
            status_changed,
            AidEnrolment,
            ["status", "since", "in_programme", "facilitator", "village"],
            batch_size=1000,
            default_change_reason="rule",
        )
    if copy_changed:
        AidEnrolment.objects.bulk_update(
            copy_changed, ["in_programme", "facilitator", "village"], batch_size=1000
        )
    if new or status_changed or copy_changed:
        # Pairs before (as loaded) and after (the families' current ones).
        touched |= {(f, v) for f, v in old_pairs} | {
            (f, v) for _a, f, v in families.values() if v is not None
        }
    return len(new) + len(status_changed) + len(copy_changed)


def _create_with_history(objs: list[AidEnrolment], *, by: User | None = None) -> None:
    """``bulk_create_with_history`` for many new rows: the rows by ``bulk_create``, their
    "created" audit rows by one ``INSERT ... SELECT`` per chunk, copied from the rows
    just written (no historical instance built in Python)."""
    AidEnrolment.objects.bulk_create(objs, batch_size=2000)
    when = timezone.now()
    for chunk in chunks([obj.pk for obj in objs], 1000):
        insert_history(
            AidEnrolment,
            source_alias="e",
            from_sql=f"FROM {AidEnrolment._meta.db_table} e "  # noqa: S608
            f"WHERE e.id IN ({', '.join(['%s'] * len(chunk))})",
            from_params=chunk,
            history_type_sql="'+'",
            when=when,
            reason=None,
            user_id=by.pk if by else None,
        )


@transaction.atomic
def aid_household_copy_sync(*, household_ids: Iterable[int]) -> int:
    """Copy the families' facilitator and village onto their aid rows (after a
    reassignment): one UPDATE per batch, no eligibility work. Returns rows updated."""
    ids = sorted(set(household_ids))
    before = coverage_pairs(household_ids=ids)
    updated = 0
    for batch in chunks(ids, 10_000):
        family = Household.objects.filter(pk=OuterRef("household_id"))
        updated += (
            AidEnrolment.objects.filter(household_id__in=batch)
            .exclude(
                facilitator_id=Subquery(family.values("facilitator_id")[:1]),
                village_id=Subquery(family.values("village_id")[:1]),
            )
            .update(
                facilitator_id=Subquery(family.values("facilitator_id")[:1]),
                village_id=Subquery(family.values("village_id")[:1]),
            )
        )
    if updated:
        coverage_counts_rebuild(pairs=before | coverage_pairs(household_ids=ids))
    return updated
