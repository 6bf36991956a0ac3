"""Natural graduation (graduasi alamiah): families with no member holding a valid component.

When a component still counts is the households app's rule (``households/components.py``:
the nifas period after an HPL, the early-childhood end age, school levels ...)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from households.components import component_end_reason, valid_component_q
from households.models import Household, HouseholdStatus, Member
from households.selectors import household_scope, pengurus_name


def natural_graduation_scope(
    households: QuerySet[Household], *, today: datetime.date | None = None
) -> QuerySet[Household]:
    """Active families of ``households`` with no member holding a valid component.

    One set-based query (an anti-join): no Python loop over families."""
    today = today or timezone.localdate()
    through = Member.components.through
    still_valid = through.objects.filter(valid_component_q(today), member__household=OuterRef("pk"))
    return households.filter(status=HouseholdStatus.ACTIVE).exclude(Exists(still_valid))


def natural_graduation_candidates(
    *, user: User, today: datetime.date | None = None
) -> QuerySet[Household]:
    """Families in ``user``'s scope detected as natural graduates, ready to render."""
    return (
        natural_graduation_scope(household_scope(user=user), today=today)
        .select_related("village", "facilitator")
        .annotate(pengurus_name=pengurus_name())
        .order_by("village__name", "pengurus_name", "pk")
    )


def natural_graduation_ids(
    *, user: User, facilitator: int | None = None, today: datetime.date | None = None
) -> list[int]:
    """Ids of the detected families in ``user``'s scope, by village: one set-based query,
    so a page can count and slice without running the detection twice."""
    qs = natural_graduation_scope(household_scope(user=user), today=today)
    if facilitator:
        qs = qs.filter(facilitator_id=facilitator)
    return list(qs.order_by("village_id", "pk").values_list("pk", flat=True))


def natural_graduation_rows(ids: list[int]) -> list[Household]:
    """The families ``ids`` ready to render, in the order given."""
    rows = {
        h.pk: h
        for h in Household.objects.filter(pk__in=ids)
        .select_related("village", "facilitator")
        .annotate(pengurus_name=pengurus_name())
    }
    return [rows[pk] for pk in ids if pk in rows]


def natural_graduation_reasons(
    household_ids: Iterable[int], *, today: datetime.date | None = None
) -> dict[int, list[str]]:
    """Why each family no longer has a component, one line per former component holder.
    Two queries whatever the number of families."""
    household_ids = list(household_ids)
    today = today or timezone.localdate()
    members = (
        Member.objects.filter(household_id__in=household_ids)
        .prefetch_related("components")
        .order_by("household_id", "birth_date")
    )
    reasons: dict[int, list[str]] = defaultdict(list)
    for member in members:
        for component in member.components.all():
            why = component_end_reason(member, component.code, today)
            if why is None:
                continue
            reasons[member.household_id].append(
                _("%(name)s, %(component)s: %(why)s")
                % {"name": member.name, "component": component.name, "why": why}
            )
    for pk in household_ids:
        if not reasons.get(pk):
            reasons[pk] = [_("tidak ada anggota yang tercatat sebagai komponen")]
    return dict(reasons)
