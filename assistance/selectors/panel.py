"""The aid panel on the family page."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from assistance.models import Aid, AidEnrolment, AidStatus, AidUnit, EligibilityRule
from assistance.selectors.catalogue import age_limit_problem, aid_list, member_rule_eligible
from households.models import Household, HouseholdStatus, Member


def today() -> datetime.date:
    return timezone.localdate()


@dataclass
class PanelLine:
    aid: Aid
    member: Member | None
    status: str
    status_label: str
    enrolment: AidEnrolment | None
    history: list = field(default_factory=list)


@dataclass
class PanelAid:
    aid: Aid
    lines: list[PanelLine]


def household_aid_panel(*, household: Household, on: datetime.date | None = None) -> list[PanelAid]:
    """Per active aid, one line per subject: the family, or each active member who can
    have the aid (within its age limits). A subject without a stored row shows what the
    rule says. Five queries whatever the family's size."""
    on = on or today()
    aids = list(aid_list(active_only=True))
    members = list(
        household.members.filter(left_on__isnull=True)
        .prefetch_related("components")
        .order_by("-is_pengurus", "birth_date")
    )
    rows = {
        (e.aid_id, e.member_id): e
        for e in AidEnrolment.objects.filter(household=household).select_related("office")
    }
    history = defaultdict(list)
    for record in (
        AidEnrolment.history.filter(household_id=household.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:200]
    ):
        history[record.id].append(record)
    family_active = household.status == HouseholdStatus.ACTIVE
    labels = dict(AidStatus.choices)
    panel = []
    for aid in aids:
        lines = []
        if aid.unit == AidUnit.FAMILY:
            subjects = [None]
        else:
            subjects = [
                m
                for m in members
                if (aid.code, m.pk) in rows
                or not age_limit_problem(aid=aid, birth_date=m.birth_date, on=on)
            ]
        for member in subjects:
            row = rows.get((aid.code, member.pk if member else None))
            if row:
                status = row.status
            elif member is None:
                status = (
                    AidStatus.ELIGIBLE
                    if family_active and aid.eligibility == EligibilityRule.EVERY
                    else AidStatus.NOT_ELIGIBLE
                )
            else:
                eligible = family_active and member_rule_eligible(
                    aid=aid,
                    component_codes={c.code for c in member.components.all()},
                    birth_date=member.birth_date,
                    on=on,
                )
                status = AidStatus.ELIGIBLE if eligible else AidStatus.NOT_ELIGIBLE
            lines.append(
                PanelLine(
                    aid=aid,
                    member=member,
                    status=status,
                    status_label=labels[status],
                    enrolment=row,
                    history=history.get(row.pk, []) if row else [],
                )
            )
        panel.append(PanelAid(aid=aid, lines=lines))
    return panel


def enrolment_for(*, household: Household, aid: Aid, member: Member | None) -> AidEnrolment | None:
    return AidEnrolment.objects.filter(household=household, aid=aid, member=member).first()


def household_member_get(*, household: Household, pk: int | None) -> Member | None:
    """A member of this family by pk (``None`` when not given or not theirs)."""
    return household.members.filter(pk=pk).first() if pk else None
