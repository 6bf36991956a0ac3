"""The household registry "as it was" at an instant, read from django-simple-history.

The state of a row at instant ``t`` is its latest historical record with
``history_date < t`` (ties broken by ``history_id``), unless that record is a deletion.
Rows that have no historical record at all (e.g. written by a bulk path that skipped
history) fall back to their current values if they were created before ``t``.

Each function costs one query whatever the number of families.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.apps import apps
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from households.models import Household, HouseholdStatus, Member

HistoricalHousehold = Household.history.model
HistoricalMember = Member.history.model

# Statuses in which a family is still a KPM (counted for components).
IN_PROGRAMME = (HouseholdStatus.ACTIVE, HouseholdStatus.SUSPENDED)


def _historical_component_model():
    # simple-history's model for Member.components as it was at each historical record.
    return apps.get_model("households", "HistoricalMember_components")


def latest_as_of(model, at: datetime.datetime) -> QuerySet:
    """Historical rows of ``model`` that are the latest record of their object before ``at``."""
    later = model.objects.filter(id=OuterRef("id"), history_date__lt=at).filter(
        Q(history_date__gt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__gt=OuterRef("history_id"))
    )
    return (
        model.objects.filter(history_date__lt=at)
        .exclude(history_type="-")
        .exclude(Exists(later))
        .order_by()
    )


def caseload_as_of(*, facilitator_id: int, at: datetime.datetime) -> dict[int, str]:
    """``{household id: status}`` of the families assigned to a facilitator at ``at``.

    Two queries: families with history, then families without any history record.
    """
    rows = dict(
        latest_as_of(HistoricalHousehold, at)
        .filter(facilitator_id=facilitator_id)
        .values_list("id", "status")
    )
    rows.update(
        Household.objects.filter(facilitator_id=facilitator_id, created_at__lt=at)
        .exclude(Exists(HistoricalHousehold.objects.filter(id=OuterRef("pk"))))
        .order_by()
        .values_list("pk", "status")
    )
    return rows


def components_as_of(*, household_ids: list[int], at: datetime.datetime) -> Counter:
    """How many members of these families counted as each component at ``at``.

    Members who had left the family by then (``left_on`` before ``at``'s date) do not
    count. Two queries (members with history, members without).
    """
    if not household_ids:
        return Counter()
    day = at.date()
    still_there = Q(left_on__isnull=True) | Q(left_on__gte=day)
    member_rows = (
        latest_as_of(HistoricalMember, at)
        .filter(still_there, household_id__in=household_ids)
        .values("history_id")
    )
    counts = Counter(
        dict(
            _historical_component_model()
            .objects.filter(history_id__in=member_rows)
            .order_by()
            .values("component_id")
            .annotate(n=Count("*"))
            .values_list("component_id", "n")
        )
    )
    through = Member.components.through
    counts.update(
        dict(
            through.objects.filter(
                member__household_id__in=household_ids, member__created_at__lt=at
            )
            .filter(
                Q(member__left_on__isnull=True) | Q(member__left_on__gte=day),
                ~Exists(HistoricalMember.objects.filter(id=OuterRef("member_id"))),
            )
            .order_by()
            .values("component_id")
            .annotate(n=Count("*"))
            .values_list("component_id", "n")
        )
    )
    return counts
