"""What graduation adds to other apps (``pkh.extensions``): the graduation panel on the
family page with the figures beside readiness, monitoring visits on the to-do list, its
menu entries and demo data.

The figures beside readiness (``readiness_facts``) are the family's aid coverage and its
P2K2 attendance: graduation reads the aid and FDS apps (dependencies point that way),
never the other way round, and the panel never shows an invented number.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assistance.models import AidEnrolment, AidStatus
from fds_sessions.selectors.figures import attendance_rates
from graduation import demo
from graduation.selectors.family import family_summary
from graduation.selectors.monitoring import monitoring_due
from pkh import extensions
from pkh.extensions import DigestLine, NavItem, Panel, ReadinessFact, TodoItem
from pkh.permissions import ADMINS, FACILITATORS, SUPERVISORS, is_facilitator, is_owner

ATTENDANCE_WINDOW_DAYS = 365
ATTENDANCE_LOW_PERCENT = 75
MONITORING_DUE_SOON_DAYS = 14
MAX_TODO_ITEMS = 100


def aid_coverage(*, household, user) -> ReadinessFact | None:
    """How many of the aids the family (or its members) qualifies for it receives. 1 query."""
    statuses = list(
        AidEnrolment.objects.filter(household=household)
        .exclude(status=AidStatus.NOT_ELIGIBLE)
        .values_list("status", flat=True)
    )
    if not statuses:
        return ReadinessFact(label=_("Cakupan bansos"), value=_("belum ada bansos yang layak"))
    receiving = statuses.count(AidStatus.RECEIVING)
    return ReadinessFact(
        label=_("Cakupan bansos"),
        value=_("%(n)d dari %(total)d bantuan yang layak sudah diterima")
        % {"n": receiving, "total": len(statuses)},
        warning=receiving < len(statuses),
    )


def fds_attendance(*, household, user) -> ReadinessFact | None:
    """P2K2 attendance over the last 12 months (present / sessions held while in a group)."""
    end = timezone.localdate()
    start = end - datetime.timedelta(days=ATTENDANCE_WINDOW_DAYS)
    rate = attendance_rates(
        user=user, by="household", start=start, end=end, household_ids=[household.pk]
    ).get(household.pk)
    if rate is None or not rate.held:
        return ReadinessFact(
            label=_("Kehadiran P2K2"), value=_("belum ada pertemuan dalam 12 bulan")
        )
    return ReadinessFact(
        label=_("Kehadiran P2K2"),
        value=_("%(p)d%% (%(present)d dari %(held)d pertemuan, 12 bulan terakhir)")
        % {"p": rate.percent, "present": rate.present, "held": rate.held},
        warning=rate.percent < ATTENDANCE_LOW_PERCENT,
    )


def facts_for(*, household, user) -> list[ReadinessFact]:
    return [
        fact
        for source in extensions.readiness_facts
        if (fact := source(household=household, user=user)) is not None
    ]


def family_panel(*, request, household) -> Panel:
    summary = family_summary(household=household)
    return Panel(
        title=_("Graduasi"),
        template="graduation/_family_panel.html",
        context={
            "summary": summary,
            "facts": facts_for(household=household, user=request.user),
            "is_owner": is_owner(request.user, household),
            "household": household,
        },
    )


def monitoring_visits(*, user, today: datetime.date) -> list[TodoItem]:
    """Monitoring visits due within two weeks (or overdue), for the family's facilitator."""
    if not is_facilitator(user):
        return []
    until = today + datetime.timedelta(days=MONITORING_DUE_SOON_DAYS)
    return [
        TodoItem(
            kind="graduation_monitoring",
            kind_label=_("Pemantauan pascagraduasi"),
            label=_("Pemantauan pascagraduasi bulan ke-%(m)d") % {"m": visit.months_after},
            due=visit.due_on,
            url=reverse("graduation:monitoring_record", args=[visit.pk]),
            household_label=visit.pengurus_name or visit.graduation.household.id_keluarga,
            overdue=visit.due_on < today,
        )
        for visit in monitoring_due(user=user, until=until)[:MAX_TODO_ITEMS]
    ]


def proposals_waiting(*, user) -> list[DigestLine]:
    """The weekly digest's line (``notifications``): proposals waiting for a decision in
    the user's scope. A count and a link only. 1 query."""
    from graduation.models import GraduationProposal, ProposalStatus
    from pkh.scoping import household_scope_q

    count = GraduationProposal.objects.filter(
        household_scope_q(user, "household__"), status=ProposalStatus.PENDING
    ).count()
    url = reverse("graduation:proposal_list") + f"?status={ProposalStatus.PENDING}"
    return [DigestLine(label=_("Usulan graduasi menunggu keputusan"), count=count, url=url)]


def register() -> None:
    for item in (
        NavItem(gettext_lazy("Graduasi"), "graduation:pipeline", FACILITATORS),
        NavItem(gettext_lazy("Review graduasi"), "graduation:review", SUPERVISORS),
        NavItem(gettext_lazy("Usulan graduasi"), "graduation:proposal_list", SUPERVISORS),
        NavItem(
            gettext_lazy("Formulir penilaian"),
            "graduation:form_list",
            ADMINS,
            for_catalogue_keepers=True,
            more=True,
        ),
    ):
        extensions.menu_items.register(item.url_name, item)
    extensions.family_panels.register("graduation", family_panel)
    extensions.readiness_facts.register("aid_coverage", aid_coverage)
    extensions.readiness_facts.register("fds_attendance", fds_attendance)
    extensions.todo_sources.register("graduation", monitoring_visits)
    extensions.demo_seeders.register("graduation", demo.seed_graduation_demo)
    extensions.digest_sections.register("graduation", proposals_waiting)
