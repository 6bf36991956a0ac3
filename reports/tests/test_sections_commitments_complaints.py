"""The commitment-verification and complaints sections against figures counted here from
the test plan (plain Python over the events, not the sections' queries), a report made
after later changes showing the quarter as it was, and the sections in the report page,
its XLSX and its PDF."""

import datetime
import io
import random
import re
import statistics
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.tests.factories import FacilitatorFactory, SupervisorFactory
from commitments.models import (
    SanctionKind,
    SanctionProposal,
    SanctionStatus,
    Sector,
    VerificationEntry,
)
from complaints.models import (
    Channel,
    Complaint,
    ComplaintCategory,
    ComplaintEvent,
    ComplaintStatus,
    Escalation,
    EventKind,
)
from conftest import login
from households.models import BenefitRate, Component, HouseholdStatus
from reports import services
from reports.models import ProgressReport, Trigger
from reports.quarters import Quarter, report_tz
from reports.sections import ReportContext, sections
from reports.snapshot import snapshot_build
from reports.tests.factories import (
    components_at,
    household_at,
    member_leave_at,
    move_at,
    status_at,
)

pytestmark = pytest.mark.django_db

Q = Quarter(2026, 2)
P = Q.previous
TZ = report_tz()
BEFORE = P.start - datetime.timedelta(days=200)
EDUCATION = ("SD", "SMP", "SMA")
# The health item each component asks of a member born in 2015 (household_at's members).
ITEM = {"ANAK_USIA_DINI": "posyandu_visit", "LANSIA": "care_visit", "IBU_HAMIL": "antenatal_check"}
COMPONENTS = ["SD", "SMP", "ANAK_USIA_DINI", "LANSIA", "IBU_HAMIL"]


@pytest.fixture
def pair(regions):
    supervisor = SupervisorFactory()
    return FacilitatorFactory(supervisor=supervisor), FacilitatorFactory(supervisor=supervisor)


def _months(q: Quarter) -> list[datetime.date]:
    first = q.first_day
    return [
        datetime.date(first.year + (first.month + i - 1) // 12, (first.month + i - 1) % 12 + 1, 1)
        for i in range(3)
    ]


def _month_end(month: datetime.date) -> datetime.datetime:
    following = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return datetime.datetime.combine(following, datetime.time(), tzinfo=TZ)


def _instant(rng, start, end):
    return start + datetime.timedelta(seconds=rng.randrange(1, int((end - start).total_seconds())))


def entry(member, household, *, component, month, outcome, by):
    """One verification entry whose verdict is ``outcome`` (complies / fails / exempt)."""
    fields = {}
    if component in EDUCATION:
        absent = {"complies": 2, "fails": 6, "exempt": 0}[outcome]
        fields = {
            "school_days": 0 if outcome == "exempt" else 20,
            "days_sick": absent,
            "days_excused": 0,
            "days_unexcused": 0,
        }
        sector = Sector.EDUCATION
    else:
        assert outcome != "exempt"
        fields = {ITEM[component]: outcome == "complies"}
        sector = Sector.HEALTH
    return VerificationEntry.objects.create(
        household=household,
        member=member,
        component_id=component,
        month=month,
        sector=sector,
        age_months=(month.year - member.birth_date.year) * 12
        + month.month
        - member.birth_date.month,
        recorded_by=by,
        **fields,
    )


# --- commitments -------------------------------------------------------------------------


class Family:
    def __init__(self, rng, owner: int):
        self.owner = owner
        self.components = rng.sample(COMPONENTS, rng.randint(1, 2))
        late = Q.end + datetime.timedelta(days=30)
        self.move = _instant(rng, P.start, late) if rng.random() < 0.3 else None
        self.exit = _instant(rng, P.start, late) if rng.random() < 0.15 else None
        self.leave = (
            (_instant(rng, P.start, late), rng.randrange(len(self.components)))
            if rng.random() < 0.25
            else None
        )
        self.upgrade = (
            _instant(rng, P.start, late) if "SD" in self.components and rng.random() < 0.5 else None
        )

    def owner_at(self, t) -> int:
        return 1 - self.owner if self.move and self.move < t else self.owner

    def in_programme_at(self, t) -> bool:
        return not (self.exit and self.exit < t)

    def due(self, month) -> list[tuple[int, str]]:
        """(member index, component) due in ``month`` by the plan."""
        end, out = _month_end(month), []
        for i, code in enumerate(self.components):
            if self.leave and self.leave[1] == i and self.leave[0].date() < month:
                continue
            if code == "SD" and self.upgrade and self.upgrade < end:
                code = "SMP"
            out.append((i, code))
        return out


@pytest.mark.parametrize("seed", [3, 4])
def test_commitment_figures_match_the_plan(pair, seed):
    rng = random.Random(seed)
    facilitators = list(pair)
    me = facilitators[0]
    plans = [Family(rng, 0) for _ in range(9)] + [Family(rng, 1) for _ in range(4)]
    entries = []  # (family index, member index, component, month, outcome)
    households = []
    for f_index, plan in enumerate(plans):
        h = household_at(
            when=BEFORE, facilitator=facilitators[plan.owner], components=plan.components
        )
        members = h.test_members[1:]
        events = []
        if plan.move:
            events.append((plan.move, "move"))
        if plan.exit:
            events.append((plan.exit, "exit"))
        if plan.leave:
            events.append((plan.leave[0], "leave"))
        if plan.upgrade:
            events.append((plan.upgrade, "upgrade"))
        for when, kind in sorted(events):
            if kind == "move":
                move_at(h, to=facilitators[1 - plan.owner], by=me, when=when)
            elif kind == "exit":
                status_at(h, status=HouseholdStatus.EXITED, when=when)
            elif kind == "leave":
                member_leave_at(members[plan.leave[1]], when=when)
            else:
                components_at(members[plan.components.index("SD")], codes=["SMP"], when=when)
        for month in _months(P) + _months(Q):
            for i, code in plan.due(month):
                if rng.random() < 0.25:
                    continue  # not entered
                outcomes = ["complies", "fails"] + (["exempt"] if code in EDUCATION else [])
                outcome = rng.choice(outcomes)
                entry(members[i], h, component=code, month=month, outcome=outcome, by=me)
                entries.append((f_index, i, code, month, outcome))
        households.append(h)
    # A month entered for a component the member no longer held at the month's end (the
    # due list keeps what was entered): counted as due and entered.
    h0 = plans[0]
    extra = (0, 0, "LANSIA", _months(Q)[0], "complies")
    if (0, "LANSIA") not in h0.due(_months(Q)[0]):
        entry(
            households[0].test_members[1],
            households[0],
            component="LANSIA",
            month=_months(Q)[0],
            outcome="complies",
            by=me,
        )
        entries.append(extra)

    _, summary = snapshot_build(facilitator=me, quarter=Q)

    def expected(q: Quarter) -> dict:
        mine = {
            i for i, p in enumerate(plans) if p.owner_at(q.end) == 0 and p.in_programme_at(q.end)
        }
        due, entered, verdicts, failing, failing_months = 0, 0, Counter(), set(), {}
        for month in _months(q):
            here = {(f, i, code) for f in mine for i, code in plans[f].due(month)}
            typed = {(f, i, code) for f, i, code, m, _ in entries if m == month and f in mine}
            due += len(here | typed)
            entered += len(typed)
        for f, i, _code, m, outcome in entries:
            if f in mine and m in _months(q):
                verdicts[outcome] += 1
                if outcome == "fails":
                    failing.add(f)
                    failing_months.setdefault((f, i), set()).add(m)
        judged = verdicts["complies"] + verdicts["fails"]
        return {
            "commitments.due": due,
            "commitments.entered": entered,
            "commitments.completeness_pct": round(100 * entered / due, 1) if due else None,
            "commitments.complies": verdicts["complies"],
            "commitments.judged": judged,
            "commitments.compliance_pct": round(100 * verdicts["complies"] / judged, 1)
            if judged
            else None,
            "commitments.families_noncompliant": len(failing),
            "commitments.members_noncompliant_quarter": sum(
                1 for ms in failing_months.values() if len(ms) == 3
            ),
        }

    got = {k: summary[k] for k in expected(Q)}
    assert got == expected(Q)
    assert {k: summary[k + "__prev"] for k in expected(P)} == expected(P)
    assert expected(Q)["commitments.due"] > 0 and expected(Q)["commitments.judged"] > 0
    # Consequences from the same entries (defaults: warning 1 month, reduction 2 months of
    # one member, 10 % of a quarter of the 2025 rate of the last failed component).
    rates = dict(BenefitRate.objects.filter(year=2025).values_list("component_id", "amount"))

    def consequences(q: Quarter) -> dict:
        mine = {
            i for i, p in enumerate(plans) if p.owner_at(q.end) == 0 and p.in_programme_at(q.end)
        }
        failed: dict[tuple[int, int], dict] = {}
        for f, i, code, m, outcome in entries:
            if f in mine and m in _months(q) and outcome == "fails":
                failed.setdefault((f, i), {})[m] = code
        reduced = {k: v for k, v in failed.items() if len(v) >= 2}
        return {
            "commitments.warnings": len({f for f, _ in failed}),
            "commitments.reductions": len({f for f, _ in reduced}),
            "commitments.reduction_amount": sum(
                round(rates[v[max(v)]] * 10 / 400) for v in reduced.values()
            ),
            "commitments.suspensions_proposed": 0,
            "commitments.cancellations_confirmed": 0,
        }

    assert {k: summary[k] for k in consequences(Q)} == consequences(Q)
    assert {k: summary[k + "__prev"] for k in consequences(P)} == consequences(P)


def test_commitments_by_component_and_month_tables(pair):
    me, _other = pair
    h = household_at(when=BEFORE, facilitator=me, components=["SD", "LANSIA"])
    child, elder = h.test_members[1:]
    april, may, june = _months(Q)
    entry(child, h, component="SD", month=april, outcome="complies", by=me)
    entry(child, h, component="SD", month=may, outcome="fails", by=me)
    entry(child, h, component="SD", month=june, outcome="exempt", by=me)
    entry(elder, h, component="LANSIA", month=april, outcome="fails", by=me)
    entry(elder, h, component="LANSIA", month=may, outcome="fails", by=me)
    entry(elder, h, component="LANSIA", month=june, outcome="fails", by=me)
    entry(elder, h, component="LANSIA", month=_months(P)[2], outcome="complies", by=me)

    snapshot, summary = snapshot_build(facilitator=me, quarter=Q)
    tables = {t["key"]: t for s in snapshot["sections"] for t in s["tables"]}
    rows = {row[0]: row[1:] for row in tables["commitments.by_component"]["rows"]}
    names = dict(Component.objects.values_list("code", "name"))
    assert rows[names["SD"]] == [1, 1, 1, 50.0, None]
    lansia = names["LANSIA"]
    assert rows[lansia] == [0, 3, 0, 0.0, 100.0]
    months = {row[0]: row[1:] for row in tables["commitments.by_month"]["rows"]}
    assert months["2026-04"] == [2, 2, 100.0]
    assert months["2026-03"] == [2, 1, 50.0]
    assert summary["commitments.members_noncompliant_quarter"] == 1  # the elder, not the child
    assert summary["commitments.families_noncompliant"] == 1


def proposal(household, *, kind, proposed_at, status=SanctionStatus.PENDING, decided_at=None):
    """A sanction proposal made at ``proposed_at`` (and decided at ``decided_at``)."""
    p = SanctionProposal.objects.create(
        household=household,
        kind=kind,
        quarter=P.first_day,
        months_failed=3,
        status=status,
        reason="Tiga bulan tidak hadir sekolah.",
        proposed_by=household.facilitator,
        decided_by=household.facilitator.supervisor if decided_at else None,
        decided_at=decided_at,
    )
    SanctionProposal.objects.filter(pk=p.pk).update(proposed_at=proposed_at)
    return p


def test_consequences_counted_by_hand(pair):
    me, other = pair
    april, may, june = _months(Q)
    day = datetime.timedelta(days=1)
    # A: the child fails April and May (a reduction: 10 % of a quarter of SD's 900 000 =
    # 22 500), the elder June: three family months (a warning too).
    a = household_at(when=BEFORE, facilitator=me, components=["SD", "LANSIA"])
    child, elder = a.test_members[1:]
    entry(child, a, component="SD", month=april, outcome="fails", by=me)
    entry(child, a, component="SD", month=may, outcome="fails", by=me)
    entry(child, a, component="SD", month=june, outcome="complies", by=me)
    entry(elder, a, component="LANSIA", month=june, outcome="fails", by=me)
    # B: the elder fails April and June (a reduction on LANSIA's 2 400 000: 60 000).
    b = household_at(when=BEFORE, facilitator=me, components=["LANSIA"])
    entry(b.test_members[1], b, component="LANSIA", month=april, outcome="fails", by=me)
    entry(b.test_members[1], b, component="LANSIA", month=june, outcome="fails", by=me)
    # C: one month failed (a warning only); D: complies; E: the colleague's, fails twice.
    c = household_at(when=BEFORE, facilitator=me, components=["SD"])
    entry(c.test_members[1], c, component="SD", month=may, outcome="fails", by=me)
    d = household_at(when=BEFORE, facilitator=me, components=["SD"])
    entry(d.test_members[1], d, component="SD", month=may, outcome="complies", by=me)
    e = household_at(when=BEFORE, facilitator=other, components=["SD"])
    for month in (april, may):
        entry(e.test_members[1], e, component="SD", month=month, outcome="fails", by=other)
    # The previous quarter: C's child failed March only.
    entry(c.test_members[1], c, component="SD", month=_months(P)[2], outcome="fails", by=me)

    confirmed = SanctionStatus.CONFIRMED
    # Proposed in P, confirmed in Q: confirmed in Q, proposed in P.
    proposal(
        a,
        kind=SanctionKind.SUSPENSION,
        proposed_at=Q.start - day,
        status=confirmed,
        decided_at=Q.start + day,
    )
    # Proposed and returned in Q: proposed, never confirmed.
    proposal(
        b,
        kind=SanctionKind.SUSPENSION,
        proposed_at=Q.start + day,
        status=SanctionStatus.RETURNED,
        decided_at=Q.start + 2 * day,
    )
    # Cancellation proposed and confirmed in Q: the family exits, still counted.
    proposal(
        c,
        kind=SanctionKind.CANCELLATION,
        proposed_at=Q.start + 3 * day,
        status=confirmed,
        decided_at=Q.end - datetime.timedelta(seconds=1),
    )
    status_at(c, status=HouseholdStatus.EXITED, when=Q.end - datetime.timedelta(seconds=1))
    # Proposed at the last instant, confirmed at the first of the next quarter.
    proposal(
        d,
        kind=SanctionKind.CANCELLATION,
        proposed_at=Q.end - datetime.timedelta(seconds=1),
        status=confirmed,
        decided_at=Q.end,
    )
    # Proposed at the first instant of the next quarter: not in it; the colleague's: not ours.
    proposal(b, kind=SanctionKind.SUSPENSION, proposed_at=Q.end)
    proposal(e, kind=SanctionKind.SUSPENSION, proposed_at=Q.start + day)

    _, summary = snapshot_build(facilitator=me, quarter=Q)
    got = {
        k: (summary[f"commitments.{k}"], summary[f"commitments.{k}__prev"])
        for k in [
            "warnings",
            "reductions",
            "reduction_amount",
            "suspensions_proposed",
            "suspensions_confirmed",
            "cancellations_proposed",
            "cancellations_confirmed",
        ]
    }
    # C exited by the end of Q: out of Q's warnings (not in the programme), in P's.
    assert got == {
        "warnings": (2, 1),
        "reductions": (2, 0),
        "reduction_amount": (22_500 + 60_000, 0),
        "suspensions_proposed": (1, 1),
        "suspensions_confirmed": (1, 0),
        "cancellations_proposed": (2, 0),
        "cancellations_confirmed": (1, 0),
    }
    _, theirs = snapshot_build(facilitator=other, quarter=Q)
    assert theirs["commitments.suspensions_proposed"] == 1
    assert theirs["commitments.reductions"] == 1


# --- complaints --------------------------------------------------------------------------


def _complaint(household, *, opened, category, outcome, closed, escalations):
    complaint = Complaint.objects.create(
        household=household,
        category=category,
        channel=Channel.PHONE,
        description="Bantuan tahap dua belum diterima.",
        status=outcome if closed else ComplaintStatus.IN_PROGRESS,
        facilitator=household.facilitator,
        opened_by=household.facilitator,
        opened_at=opened,
        due_on=opened.astimezone(TZ).date()
        + datetime.timedelta(days=category.effective_deadline_days),
        closed_at=closed,
        resolution="Sudah cair di kantor pos." if closed else "",
        escalation=Escalation.SUPERVISOR if escalations else Escalation.NONE,
    )
    for at in escalations:
        ComplaintEvent.objects.create(
            complaint=complaint, at=at, kind=EventKind.ESCALATED, detail="Ke supervisor"
        )
    return complaint


@pytest.mark.parametrize("seed", [5, 6])
def test_complaint_figures_match_the_plan(pair, seed):
    rng = random.Random(seed)
    me, other = pair
    categories = list(ComplaintCategory.objects.all())
    assert categories
    families = []  # (household, owner at Q.start, owner at Q.end)
    for owner in [me] * 6 + [other] * 3:
        h = household_at(when=BEFORE, facilitator=owner)
        start_owner = end_owner = owner
        if rng.random() < 0.3:  # moved to the colleague inside the quarter
            to = other if owner == me else me
            move_at(h, to=to, by=me, when=_instant(rng, Q.start, Q.end))
            end_owner = to
        families.append((h, start_owner, end_owner))
    plan = []  # (family index, category id, opened, closed, outcome, due_on, escalations)
    for f, (h, _s, _e) in enumerate(families):
        for _ in range(rng.randint(1, 4)):
            category = rng.choice(categories)
            opened = _instant(
                rng, P.start - datetime.timedelta(days=40), Q.end + datetime.timedelta(days=20)
            )
            closed = None
            if rng.random() < 0.7:
                closed = opened + datetime.timedelta(
                    days=rng.randint(0, 40), hours=rng.randint(0, 20)
                )
            outcome = rng.choice([ComplaintStatus.RESOLVED, ComplaintStatus.REJECTED])
            due_on = opened.astimezone(TZ).date() + datetime.timedelta(
                days=category.effective_deadline_days
            )
            escalations = []
            first = datetime.datetime.combine(
                due_on + datetime.timedelta(days=1), datetime.time(1), tzinfo=TZ
            )
            if closed is None or closed > first:
                escalations.append(first)
            _complaint(
                h,
                opened=opened,
                category=category,
                outcome=outcome,
                closed=closed,
                escalations=escalations,
            )
            plan.append((f, category.pk, opened, closed, outcome, due_on, escalations))

    snapshot, summary = snapshot_build(facilitator=me, quarter=Q)

    def expected(q: Quarter, owner_index: int) -> dict:
        mine = {f for f, fam in enumerate(families) if fam[owner_index] == me}
        rows = [p for p in plan if p[0] in mine]
        resolved = [
            p for p in rows if p[3] and q.start <= p[3] < q.end and p[4] == ComplaintStatus.RESOLVED
        ]
        open_end = [p for p in rows if p[2] < q.end and (p[3] is None or p[3] >= q.end)]
        days = [(p[3].astimezone(TZ).date() - p[2].astimezone(TZ).date()).days for p in resolved]
        return {
            "complaints.opened": sum(1 for p in rows if q.start <= p[2] < q.end),
            "complaints.resolved": len(resolved),
            "complaints.rejected": sum(
                1
                for p in rows
                if p[3] and q.start <= p[3] < q.end and p[4] == ComplaintStatus.REJECTED
            ),
            "complaints.median_days": round(float(statistics.median(days)), 1) if days else None,
            "complaints.open_end": len(open_end),
            "complaints.overdue_end": sum(1 for p in open_end if p[5] <= q.last_day),
            "complaints.escalated": sum(
                1 for p in rows if any(q.start <= at < q.end for at in p[6])
            ),
        }

    want = expected(Q, 2)
    assert {k: summary[k] for k in want} == want
    assert {k: summary[k + "__prev"] for k in want} == expected(P, 1)
    assert want["complaints.opened"] + want["complaints.open_end"] > 0
    table = next(
        t for s in snapshot["sections"] for t in s["tables"] if t["key"] == "complaints.by_category"
    )
    assert sum(row[1] for row in table["rows"]) == want["complaints.opened"]
    assert sum(row[4] for row in table["rows"]) == want["complaints.overdue_end"]
    assert sum(row[6] for row in table["rows"]) == expected(P, 1)["complaints.opened"]


# --- as it was ---------------------------------------------------------------------------


def test_a_report_made_later_shows_the_quarter_as_it_was(pair):
    me, other = pair
    h = household_at(when=BEFORE, facilitator=me, components=["SD", "LANSIA"])
    child, elder = h.test_members[1:]
    for month in _months(Q):
        entry(child, h, component="SD", month=month, outcome="fails", by=me)
    pending = proposal(
        h, kind=SanctionKind.SUSPENSION, proposed_at=Q.start + datetime.timedelta(days=20)
    )
    category = ComplaintCategory.objects.first()
    opened = Q.start + datetime.timedelta(days=10)
    complaint = _complaint(
        h,
        opened=opened,
        category=category,
        outcome=None,
        closed=None,
        escalations=[],
    )
    _, summary_before = snapshot_build(facilitator=me, quarter=Q)
    assert summary_before["complaints.open_end"] == 1
    assert summary_before["complaints.overdue_end"] == 1
    assert summary_before["commitments.due"] == 6
    assert summary_before["commitments.suspensions_proposed"] == 1
    assert summary_before["commitments.reductions"] == 1

    # After the quarter: the complaint is resolved, the elder leaves, the child's component
    # changes, the family moves to a colleague and then exits.
    later = Q.end + datetime.timedelta(days=12)
    SanctionProposal.objects.filter(pk=pending.pk).update(
        status=SanctionStatus.CONFIRMED, decided_at=later, decided_by=me.supervisor
    )
    Complaint.objects.filter(pk=complaint.pk).update(
        status=ComplaintStatus.RESOLVED, closed_at=later, resolution="Selesai."
    )
    member_leave_at(elder, when=later)
    components_at(child, codes=["SMP"], when=later + datetime.timedelta(hours=1))
    move_at(h, to=other, by=me, when=later + datetime.timedelta(hours=2))
    status_at(h, status=HouseholdStatus.EXITED, when=later + datetime.timedelta(hours=3))

    _, summary_after = snapshot_build(facilitator=me, quarter=Q)
    keys = [k for k in summary_before if k.startswith(("commitments.", "complaints."))]
    assert {k: summary_after[k] for k in keys} == {k: summary_before[k] for k in keys}
    # The colleague's report of that quarter does not get them.
    _, theirs = snapshot_build(facilitator=other, quarter=Q)
    assert theirs["complaints.open_end"] == 0 and theirs["commitments.due"] == 0


# --- web, XLSX, PDF ----------------------------------------------------------------------


@pytest.fixture
def report(pair, django_capture_on_commit_callbacks):
    me, _other = pair
    h = household_at(when=BEFORE, facilitator=me, components=["SD"])
    entry(h.test_members[1], h, component="SD", month=_months(Q)[0], outcome="fails", by=me)
    _complaint(
        h,
        opened=Q.start + datetime.timedelta(days=3),
        category=ComplaintCategory.objects.first(),
        outcome=ComplaintStatus.RESOLVED,
        closed=Q.start + datetime.timedelta(days=7),
        escalations=[],
    )
    _complaint(  # still open at the quarter's end, past its deadline
        h,
        opened=Q.start + datetime.timedelta(days=1),
        category=ComplaintCategory.objects.first(),
        outcome=ComplaintStatus.IN_PROGRESS,
        closed=None,
        escalations=[],
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.report_run_create(quarter=Q, facilitators=[me], by=None, trigger=Trigger.SCHEDULE)
    return ProgressReport.objects.get(facilitator=me, quarter=str(Q))


def test_report_page_xlsx_and_pdf_show_both_sections(client, pair, report, monkeypatch):
    me, other = pair
    login(client, me)
    body = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    for label in [
        "Verifikasi komitmen",
        "Kelengkapan verifikasi",
        "Kepatuhan menurut komponen",
        "Pengaduan menurut kategori",
        "Median lama penyelesaian",
        "Keluarga mendapat peringatan",
        "Jumlah pengurangan bantuan",
        "Usulan penangguhan diajukan",
        "Usulan pembatalan dikonfirmasi",
    ]:
        assert label in body, label
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("reports:detail_xlsx", args=[report.pk])).content)
    )
    assert {"Verifikasi komitmen", "Pengaduan"} <= set(workbook.sheetnames)
    sheet = workbook["Pengaduan"]
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert values["Pengaduan dibuka"] == 2
    assert values["Pengaduan selesai"] == 1
    assert values["Median lama penyelesaian"] == 4
    assert values["Pengaduan lewat tenggat di akhir triwulan"] == 1
    values = {
        row[0]: row[1]
        for row in workbook["Verifikasi komitmen"].iter_rows(values_only=True)
        if row and row[0]
    }
    assert values["Keluarga mendapat peringatan"] == 1
    assert values["Keluarga dengan pengurangan bantuan"] == 0
    assert values["Usulan penangguhan diajukan"] == 0

    from reportlab import rl_config

    monkeypatch.setattr(rl_config, "pageCompression", 0)
    pdf = client.get(reverse("reports:detail_pdf", args=[report.pk])).content.decode("latin-1")
    shown = " ".join(re.findall(r"\(((?:[^()\\]|\\.)*)\)\s*Tj", pdf))
    assert "Verifikasi komitmen" in shown and "Pengaduan menurut kategori" in shown
    for label in ["Pengaduan dibuka", "Median lama penyelesaian", "lewat tenggat di akhir"]:
        assert label in shown, label
    assert "Keluarga mendapat peringatan" in shown and "Usulan pembatalan diajukan" in shown
    # The colleague's report is refused (404), also its downloads.
    login(client, other)
    for name in ["reports:detail", "reports:detail_xlsx", "reports:detail_pdf"]:
        assert client.get(reverse(name, args=[report.pk])).status_code == 404


# --- boundaries --------------------------------------------------------------------------


def test_complaint_quarter_boundaries(pair):
    me, _other = pair
    h = household_at(when=BEFORE, facilitator=me)
    category = ComplaintCategory.objects.first()
    days = category.effective_deadline_days
    second = datetime.timedelta(seconds=1)

    def opened_due(due_on):
        # Opened so that the deadline falls on ``due_on``.
        day = due_on - datetime.timedelta(days=days)
        return datetime.datetime.combine(day, datetime.time(9), tzinfo=TZ)

    # Due on the quarter's last day, still open: overdue at the end.
    _complaint(
        h,
        opened=opened_due(Q.last_day),
        category=category,
        outcome=None,
        closed=None,
        escalations=[],
    )
    # Due on the next quarter's first day: open at the end, not overdue.
    _complaint(
        h,
        opened=opened_due(Q.end.date()),
        category=category,
        outcome=None,
        closed=None,
        escalations=[],
    )
    # Resolved at the first instant of the next quarter: open at the end, resolved later.
    _complaint(
        h,
        opened=Q.start,
        category=category,
        outcome=ComplaintStatus.RESOLVED,
        closed=Q.end,
        escalations=[],
    )
    # Resolved at the last instant of the quarter: resolved in it, on the 91st day.
    _complaint(
        h,
        opened=Q.start,
        category=category,
        outcome=ComplaintStatus.RESOLVED,
        closed=Q.end - second,
        escalations=[],
    )
    # Opened at the first instant of the next quarter: not in this report at all.
    _complaint(
        h,
        opened=Q.end,
        category=category,
        outcome=None,
        closed=None,
        escalations=[Q.end + datetime.timedelta(days=30)],
    )

    _, summary = snapshot_build(facilitator=me, quarter=Q)
    assert summary["complaints.opened"] == 4
    assert summary["complaints.open_end"] == 3
    assert summary["complaints.overdue_end"] == 2  # the first, and the one closed at Q.end
    assert summary["complaints.resolved"] == 1
    assert summary["complaints.median_days"] == (Q.last_day - Q.first_day).days
    assert summary["complaints.escalated"] == 0


def test_a_member_who_leaves_on_the_first_of_a_month_is_due_that_month(pair):
    me, _other = pair
    h = household_at(when=BEFORE, facilitator=me, components=["SD", "SD"])
    first, second = h.test_members[1:]
    april, may, june = _months(Q)
    member_leave_at(first, when=datetime.datetime.combine(may, datetime.time(8), tzinfo=TZ))
    last_of_may = datetime.datetime.combine(
        june - datetime.timedelta(days=1), datetime.time(8), tzinfo=TZ
    )
    member_leave_at(second, when=last_of_may)
    snapshot, _ = snapshot_build(facilitator=me, quarter=Q)
    months = {
        row[0]: row[1]
        for s in snapshot["sections"]
        for t in s["tables"]
        if t["key"] == "commitments.by_month"
        for row in t["rows"]
    }
    # April: both; May: both (one left on 1 May, the other on 31 May); June: neither.
    assert [months["2026-04"], months["2026-05"], months["2026-06"]] == [2, 2, 0]


def _section_queries(facilitator) -> dict[str, int]:
    ctx = ReportContext(facilitator=facilitator, quarter=Q)
    out = {}
    for section in sections():
        with CaptureQueriesContext(connection) as captured:
            section.compute(ctx)
        out[section.key] = len(captured.captured_queries)
    return out


def test_both_sections_cost_the_same_queries_whatever_the_caseload(pair):
    small, large = pair
    for facilitator, n in [(small, 1), (large, 12)]:
        category = ComplaintCategory.objects.first()
        for i in range(n):
            h = household_at(when=BEFORE, facilitator=facilitator, components=["SD", "LANSIA"])
            for month in _months(P) + _months(Q):
                entry(
                    h.test_members[1],
                    h,
                    component="SD",
                    month=month,
                    outcome="fails",
                    by=facilitator,
                )
            _complaint(
                h,
                opened=Q.start + datetime.timedelta(days=i),
                category=category,
                outcome=ComplaintStatus.RESOLVED,
                closed=Q.start + datetime.timedelta(days=i + 3),
                escalations=[Q.start + datetime.timedelta(days=i + 1)],
            )
            proposal(
                h,
                kind=SanctionKind.SUSPENSION,
                proposed_at=Q.start + datetime.timedelta(days=i),
                status=SanctionStatus.CONFIRMED,
                decided_at=Q.start + datetime.timedelta(days=i + 1),
            )
    counts = [_section_queries(type(f).objects.get(pk=f.pk)) for f in (small, large)]
    assert counts[0] == counts[1]
    # The members as they were are read once for both sections (by the first, caseload).
    # Commitments: entries, component names, failed entries of each quarter, rates, proposals.
    assert (counts[0]["caseload"], counts[0]["commitments"], counts[0]["complaints"]) == (6, 6, 2)
