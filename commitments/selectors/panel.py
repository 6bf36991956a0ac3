"""The family page's commitment section: each component member's last months and what
is due next."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commitments import rules as r
from commitments.models import Enrolment, Sector, VerificationEntry
from commitments.rules import Rules, Verdict
from commitments.selectors.compliance import entries_with_verdict
from commitments.selectors.due import month_end, sector_of
from households.components import component_end_reason
from households.models import Household

PANEL_MONTHS = 6

ITEM_TEXT = {
    "antenatal_check": gettext_lazy("periksa kehamilan"),
    "weighed": gettext_lazy("ditimbang"),
    "immunisation_given": gettext_lazy("imunisasi"),
    "posyandu_visit": gettext_lazy("datang ke posyandu"),
    "care_visit": gettext_lazy("kunjungan perawatan"),
}


@dataclass
class MemberMonths:
    member_id: int
    name: str
    component: str  # the component's name
    component_code: str
    sector: str
    place: str  # where verified now ("" = not recorded)
    enrolled: bool | None  # None: no enrolment recorded
    months: list[tuple[datetime.date, str]] = field(default_factory=list)  # (month, verdict)
    next_month: datetime.date | None = None  # None: due no more (``next_asks`` says why)
    next_asks: str = ""


def household_commitments(
    *, household: Household, members, current: datetime.date, rules: Rules | None = None
) -> list[MemberMonths]:
    """One row per active member and component with a commitment: the verdicts of the
    ``PANEL_MONTHS`` months ending with ``current`` (the month being verified) and what
    the next month not yet entered asks (nothing, with the reason, once the component no
    longer counts: an ibu hamil past nifas, a child past the end age). ``members``: the family's members with their
    components prefetched (``households.selectors.household_members``). Two queries."""
    rules = rules or Rules.from_settings()
    start = r.month_add(current, -(PANEL_MONTHS - 1))
    months = [r.month_add(start, k) for k in range(PANEL_MONTHS)]
    held = [
        (m, c)
        for m in members
        if m.left_on is None
        for c in m.components.all()
        if r.has_commitment(c.code, rules)
    ]
    if not held:
        return []
    verdicts = {
        (e["member_id"], e["component_id"], e["month"]): e["verdict"]
        for e in entries_with_verdict(
            VerificationEntry.objects.filter(
                household=household, month__gte=start, month__lte=current
            ),
            rules=rules,
        ).values("member_id", "component_id", "month", "verdict")
    }
    places = {}
    for e in Enrolment.objects.filter(
        member__household=household, end_on__isnull=True
    ).select_related("school", "facility"):
        places[(e.member_id, e.sector)] = e
    rows = []
    for member, component in held:
        sector = sector_of(component.code, rules)
        e = places.get((member.pk, sector))
        row = MemberMonths(
            member_id=member.pk,
            name=member.name,
            component=component.name,
            component_code=component.code,
            sector=sector,
            place=(e.school or e.facility).name if e and e.is_enrolled else "",
            enrolled=None if e is None else e.is_enrolled,
            months=[
                (m, verdicts.get((member.pk, component.code, m), Verdict.NOT_ENTERED))
                for m in months
            ],
        )
        entered_now = row.months[-1][1] != Verdict.NOT_ENTERED
        row.next_month = r.month_add(current, 1) if entered_now else current
        ended = component_end_reason(member, component.code, row.next_month)
        if ended and component_end_reason(member, component.code, month_end(row.next_month)):
            # Due no more (the month asks only what counts in it: commitments.selectors.due).
            row.next_month, row.next_asks = None, ended
        elif sector == Sector.EDUCATION:
            row.next_asks = _("hadir minimal %(p)s%% hari sekolah") % {
                "p": rules.attendance_min_percent
            }
        else:
            age = r.age_in_months(member.birth_date, row.next_month)
            items = r.required_items(component.code, age, rules)
            row.next_asks = ", ".join(str(ITEM_TEXT[i]) for i in items) or _("tidak ada")
        rows.append(row)
    return rows
