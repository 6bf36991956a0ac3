"""Reads of complaints, scoped through the family (``pkh.scoping``): another team's
complaint answers 404 like one that does not exist."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from assistance.models import CLOSED_CASE_STATUSES, AdvocacyCase
from complaints.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Complaint,
    ComplaintCategory,
    ComplaintEvent,
    ComplaintStatus,
)
from households.models import Household
from households.selectors import pengurus_name, team_facilitators
from pkh.scoping import household_scope_q

# The list's status filter: the statuses, and three groups.
OPEN, OVERDUE, CLOSED = "terbuka", "lewat", "tutup"
# The list's facilitator filter for complaints whose family has no facilitator (the
# board's "Tanpa pendamping" row links to it; an empty value means every facilitator).
NO_FACILITATOR = "tanpa"


def complaint_scope(*, user: User) -> QuerySet[Complaint]:
    return Complaint.objects.filter(household_scope_q(user, "household__"))


def complaint_list(
    *,
    user: User,
    status: str = "",
    category: int | None = None,
    facilitator: int | None = None,
    unassigned: bool = False,
    escalated: bool = False,
    closed_since: datetime.date | None = None,
    today: datetime.date | None = None,
) -> QuerySet[Complaint]:
    """The complaints the user may see, for the list page: open ones by due date first,
    then the closed ones, newest first; ``unassigned``: only those carried by no
    facilitator. A fixed number of queries per page."""
    today = today or timezone.localdate()
    qs = complaint_scope(user=user)
    if status == OPEN:
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status == OVERDUE:
        qs = qs.filter(status__in=OPEN_STATUSES, due_on__lt=today)
    elif status == CLOSED:
        qs = qs.filter(status__in=CLOSED_STATUSES)
    elif status in ComplaintStatus.values:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category_id=category)
    if facilitator:
        qs = qs.filter(facilitator_id=facilitator)
    if unassigned:
        qs = qs.filter(facilitator__isnull=True)
    if escalated:
        qs = qs.filter(escalation__gt=0)
    if closed_since:
        qs = qs.filter(closed_at__date__gte=closed_since)
    return (
        qs.select_related("category", "facilitator", "household__village", "member")
        .annotate(pengurus_name=pengurus_name("household"))
        .order_by("closed_at", "due_on", "-pk")
    )


def complaint_get(*, user: User, pk: int) -> Complaint:
    qs = complaint_scope(user=user).select_related(
        "category",
        "facilitator__supervisor",
        "opened_by",
        "household__village",
        "household__facilitator",
        "member",
        "referred_to__area",
        "advocacy_case",
    )
    return get_object_or_404(qs, pk=pk)


def complaint_events(*, complaint: Complaint) -> QuerySet[ComplaintEvent]:
    return complaint.events.select_related("by").order_by("at", "pk")


def household_complaints(*, household: Household, limit: int = 10) -> list[Complaint]:
    """A family's complaints for its page (open first); one query."""
    return list(
        household.complaints.select_related("category", "member").order_by(
            "closed_at", "due_on", "-pk"
        )[:limit]
    )


def facilitator_choices(*, user: User) -> QuerySet[User]:
    """The list's facilitator filter for a supervisor or an admin: the team's active
    facilitators, and whoever carries a complaint the user may see (a colleague who has
    left or moved on keeps their closed tickets, and their row on the board links here).
    One query."""
    carried = complaint_scope(user=user).filter(facilitator__isnull=False)
    return User.objects.filter(
        Q(pk__in=team_facilitators(user=user).values("pk"))
        | Q(pk__in=carried.values("facilitator_id"))
    ).order_by("first_name", "username", "pk")


def category_choices() -> QuerySet[ComplaintCategory]:
    return ComplaintCategory.objects.filter(is_active=True).order_by("order", "name")


def household_case_choices(*, household: Household) -> QuerySet[AdvocacyCase]:
    """The family's open advocacy cases, to link a complaint to."""
    return household.advocacy_cases.exclude(status__in=CLOSED_CASE_STATUSES).order_by(
        "-opened_on", "-pk"
    )


def complaints_due(*, user: User, limit: int) -> list[Complaint]:
    """The to-do list: a facilitator's open complaints; a supervisor's or admin's
    escalated ones (to them); ordered by due date."""
    qs = complaint_scope(user=user).filter(status__in=OPEN_STATUSES)
    if user.role == Role.SUPERVISOR:
        qs = qs.filter(escalation__gte=1)
    elif user.role == Role.ADMIN:
        qs = qs.filter(escalation__gte=2)
    elif user.role != Role.FACILITATOR:
        return []
    return list(
        qs.select_related("category", "household", "facilitator")
        .annotate(pengurus_name=pengurus_name("household"))
        .order_by("due_on", "pk")[:limit]
    )


def overdue_count(*, user: User, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    return complaint_scope(user=user).filter(status__in=OPEN_STATUSES, due_on__lt=today).count()


@dataclass
class BoardRow:
    key: int | None  # category or facilitator id
    label: str
    open: int = 0
    overdue: int = 0
    resolved: int = 0
    rejected: int = 0

    @property
    def filter_value(self) -> str:
        """The list filter's value for this row (``NO_FACILITATOR`` for no facilitator)."""
        return NO_FACILITATOR if self.key is None else str(self.key)


@dataclass
class Board:
    by_category: list[BoardRow] = field(default_factory=list)
    by_facilitator: list[BoardRow] = field(default_factory=list)
    total: BoardRow = field(default_factory=lambda: BoardRow(None, ""))


def team_board(*, user: User, since: datetime.date, today: datetime.date | None = None) -> Board:
    """Open and overdue complaints now, resolved and rejected since ``since``, by category
    and by facilitator, over the complaints the user may see. Three queries whatever the
    number of complaints (the counts, the categories, the facilitators)."""
    today = today or timezone.localdate()
    open_q = Q(status__in=OPEN_STATUSES)
    rows = (
        complaint_scope(user=user)
        .filter(open_q | Q(closed_at__date__gte=since))
        .values("category_id", "facilitator_id")
        .annotate(
            open=Count("pk", filter=open_q),
            overdue=Count("pk", filter=open_q & Q(due_on__lt=today)),
            resolved=Count("pk", filter=Q(status=ComplaintStatus.RESOLVED)),
            rejected=Count("pk", filter=Q(status=ComplaintStatus.REJECTED)),
        )
        .order_by()
    )
    by_cat: dict[int, Counter] = {}
    by_fac: dict[int | None, Counter] = {}
    total: Counter = Counter()
    for row in rows:
        counts = {k: row[k] for k in ("open", "overdue", "resolved", "rejected")}
        by_cat.setdefault(row["category_id"], Counter()).update(counts)
        by_fac.setdefault(row["facilitator_id"], Counter()).update(counts)
        total.update(counts)
    categories = {c.pk: c.name for c in ComplaintCategory.objects.order_by("order", "name")}
    facilitators = {
        u.pk: str(u) for u in User.objects.filter(pk__in=[k for k in by_fac if k]).order_by()
    }
    board = Board(total=BoardRow(None, "", **total))
    for pk, name in categories.items():
        if pk in by_cat:
            board.by_category.append(BoardRow(pk, name, **by_cat[pk]))
    for pk in sorted(by_fac, key=lambda k: facilitators.get(k, "")):
        label = facilitators.get(pk, "-") if pk else _("Tanpa pendamping")
        board.by_facilitator.append(BoardRow(pk, label, **by_fac[pk]))
    return board
