"""What commitment verification adds to other apps (``pkh.extensions``): the family
page's section, two kinds of to-do (a month not yet verified; a member non-compliant
months in a row, for a home visit), the menu entries and the demo data."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commitments import demo
from commitments import rules as r
from commitments.forms import month_key
from commitments.models import SanctionStatus
from commitments.selectors import compliance, consequences, due
from commitments.selectors.panel import household_commitments
from commitments.selectors.sanctions import household_sanctions, sanctions_pending_count
from commitments.services import offline
from households.models import Household, Member
from households.selectors import household_members
from pkh import extensions
from pkh.extensions import (
    BenefitAdjustment,
    DigestLine,
    NavItem,
    OfflineRecordKind,
    Panel,
    TodoItem,
)
from pkh.permissions import (
    FACILITATORS,
    LEADS,
    is_facilitator,
    is_family_facilitator,
    is_supervisor,
)

MAX_TODO_ITEMS = 100


def month_todo(*, user, today: datetime.date) -> list[TodoItem]:
    """Last month's verification, while some of it is not entered: due on
    ``PKH_COMMITMENT_ENTRY_DUE_DAY`` of this month, overdue after."""
    if not is_facilitator(user):
        return []
    month = r.month_add(today.replace(day=1), -1)
    done = due.completeness_by_facilitator(households=due.caseload(user=user), month=month).get(
        user.pk
    )
    if done is None or done.entered >= done.due:
        return []
    due_on = today.replace(day=min(settings.PKH_COMMITMENT_ENTRY_DUE_DAY, 28))
    label = _("Verifikasi komitmen %(month)s: %(left)s dari %(due)s belum diisi") % {
        # The project's one month notation (``YEAR_MONTH_FORMAT``, pkh/formats/<lang>/),
        # as the month pages and the family panel show it.
        "month": formats.date_format(month, "YEAR_MONTH_FORMAT"),
        "left": done.due - done.entered,
        "due": done.due,
    }
    return [
        TodoItem(
            kind="commitment_month",
            kind_label=_("Verifikasi komitmen bulanan"),
            label=label,
            due=due_on,
            url=f"{reverse('commitments:month')}?bulan={month_key(month)}",
            overdue=today > due_on,
        )
    ]


def visit_todo(*, user, today: datetime.date) -> list[TodoItem]:
    """Members non-compliant ``PKH_COMMITMENT_HOME_VISIT_AFTER_MONTHS`` months in a row
    (ending last month or this one): a home visit is due, until one is logged after the
    last of those months."""
    if not is_facilitator(user):
        return []
    length = settings.PKH_COMMITMENT_HOME_VISIT_AFTER_MONTHS
    runs = compliance.failing_runs(
        households=due.caseload(user=user), until=today.replace(day=1), length=length
    )
    if not runs:
        return []
    families = {
        h["pk"]: h
        for h in Household.objects.filter(pk__in={run.household_id for run in runs}).values(
            "pk", "id_keluarga", "pengurus_name_cache", "last_visit_on"
        )
    }
    names = dict(
        Member.objects.filter(pk__in={run.member_id for run in runs}).values_list("pk", "name")
    )
    items = []
    for run in sorted(runs, key=lambda run: run.last):
        family = families[run.household_id]
        after = r.month_add(run.last, 1)
        if family["last_visit_on"] and family["last_visit_on"] >= after:
            continue
        items.append(
            TodoItem(
                kind="commitment_visit",
                kind_label=_("Kunjungi: tidak memenuhi komitmen berturut-turut"),
                label=_("%(name)s: %(n)s bulan berturut-turut tidak memenuhi komitmen")
                % {"name": names.get(run.member_id, ""), "n": len(run.months)},
                due=after,
                url=reverse("households:detail", args=[run.household_id]),
                household_label=family["pengurus_name_cache"] or family["id_keluarga"],
            )
        )
    return items[:MAX_TODO_ITEMS]


def sanction_todo(*, user, today: datetime.date) -> list[TodoItem]:
    """Families whose judged quarter calls for a suspension or cancellation not yet
    proposed: the facilitator proposes it (or explains why not to the supervisor)."""
    if not is_facilitator(user):
        return []
    quarter = consequences.judged_quarter(today)
    due_now = consequences.sanctions_due(households=due.caseload(user=user), quarter=quarter)
    if not due_now:
        return []
    families = {
        h["pk"]: h
        for h in Household.objects.filter(pk__in=[d.household_id for d in due_now]).values(
            "pk", "id_keluarga", "pengurus_name_cache"
        )
    }
    kinds = {"penangguhan": _("penangguhan"), "pembatalan": _("pembatalan")}
    items = []
    for d in due_now:
        family = families[d.household_id]
        items.append(
            TodoItem(
                kind="commitment_sanction",
                kind_label=_("Usulan sanksi komitmen menunggu"),
                label=_("Usulkan %(kind)s: %(n)s bulan tidak memenuhi komitmen, triwulan %(q)s")
                % {
                    "kind": kinds[d.kind],
                    "n": d.consequence.months_failed,
                    "q": consequences.quarter_label(quarter),
                },
                due=None,
                url=reverse("commitments:sanction_propose", args=[d.household_id]),
                household_label=family["pengurus_name_cache"] or family["id_keluarga"],
            )
        )
    return items[:MAX_TODO_ITEMS]


def benefit_adjustments(*, household, lines, year: int, today: datetime.date):
    """The reduction of the yearly estimate for the quarters of ``year`` in which a
    member failed enough months (``consequences.benefit_reductions``)."""
    counted = {line.member.pk for line in lines if line.counted}
    reductions = consequences.benefit_reductions(
        household=household, counted_member_ids=counted, year=year, today=today
    )
    if not reductions:
        return []
    names = {line.member.pk: line.member.name for line in lines}
    percent = settings.PKH_COMMITMENT_REDUCTION_PERCENT
    return [
        BenefitAdjustment(
            label=_(
                "Pengurangan %(p)s%% komponen %(c)s, %(name)s, triwulan %(q)s "
                "(%(n)s bulan tidak memenuhi komitmen)"
            )
            % {
                "p": percent,
                "c": red.component_id,
                "name": names.get(red.member_id, ""),
                "q": consequences.quarter_label(red.quarter),
                "n": red.months_failed,
            },
            amount=-red.amount,
            member_id=red.member_id,
        )
        for red in reductions
    ]


def family_panel(*, request, household) -> Panel | None:
    """Each component member's last six months and what is due next."""
    current = due.current_month(timezone.localdate())
    rows = household_commitments(
        household=household,
        members=household_members(household=household),
        current=current,
    )
    if not rows:
        return None
    quarter = consequences.judged_quarter(timezone.localdate())
    consequence = consequences.household_consequence(household=household, quarter=quarter)
    can_edit = is_family_facilitator(request.user, household)
    sanctions = list(household_sanctions(household=household)[:3])
    settled = any(
        p.status == SanctionStatus.PENDING
        or (p.quarter == quarter and p.status == SanctionStatus.CONFIRMED)
        for p in sanctions
    )
    return Panel(
        title=_("Komitmen"),
        template="commitments/family_panel.html",
        context={
            "rows": rows,
            "can_edit": can_edit,
            "household_pk": household.pk,
            "quarter_label": consequences.quarter_label(quarter),
            "consequence": consequence,
            "can_propose": (
                can_edit and not settled and consequences.proposable_kind(consequence) is not None
            ),
            "sanctions": sanctions,
        },
    )


def overdue_month(today: datetime.date) -> datetime.date:
    """The latest month whose entries were due (``PKH_COMMITMENT_ENTRY_DUE_DAY`` of the
    month after it) and are now late."""
    return r.month_add(due.current_month(today), -1)


def supervisor_digest(*, user) -> list[DigestLine]:
    """The weekly digest's lines (``notifications``) for a supervisor: the sanction
    proposals waiting for their confirmation, and the facilitators of their team whose
    latest due month is not fully entered, each linking to the team page. Counts only."""
    if not is_supervisor(user):
        return []
    month = overdue_month(timezone.localdate())
    done = due.completeness_by_facilitator(households=due.caseload(user=user), month=month)
    late = sum(1 for c in done.values() if c.entered < c.due)
    team = reverse("commitments:team")
    return [
        DigestLine(
            label=_("Usulan sanksi komitmen menunggu konfirmasi"),
            count=sanctions_pending_count(user=user),
            url=team,
        ),
        DigestLine(
            label=_("Pendamping belum lengkap mengisi verifikasi komitmen %(month)s")
            % {"month": formats.date_format(month, "F Y")},
            count=late,
            url=f"{team}?bulan={month_key(month)}",
        ),
    ]


def register() -> None:
    # Commitment checks offline: the phone's lists and the sync of a queued one.
    extensions.offline_record_kinds.register(
        "commitment",
        OfflineRecordKind(snapshot=offline.offline_sheets, apply=offline.offline_sheet_apply),
    )
    for item in (
        # A supervisor reads a facilitator's month from the team page ("Komitmen tim"):
        # one more inline entry would wrap the supervisor's menu at 1280 px.
        NavItem(gettext_lazy("Komitmen"), "commitments:month", FACILITATORS),
        NavItem(gettext_lazy("Komitmen tim"), "commitments:team", LEADS, more=True),
    ):
        extensions.menu_items.register(item.url_name, item)
    extensions.todo_sources.register("commitments_month", month_todo)
    extensions.todo_sources.register("commitments_visit", visit_todo)
    extensions.todo_sources.register("commitments_sanction", sanction_todo)
    extensions.benefit_adjustments.register("commitments", benefit_adjustments)
    extensions.family_panels.register("commitments", family_panel)
    extensions.demo_seeders.register("commitments", demo.seed_commitments_demo)
    extensions.digest_sections.register("commitments", supervisor_digest)
