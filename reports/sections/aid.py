"""Complementary aid: coverage per aid for the facilitator's families, and advocacy cases
opened and resolved in the quarter against the previous."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

from django.db.models import Q
from django.utils.translation import gettext_noop

from assistance.models import AdvocacyCase, AidEnrolment, AidStatus, CaseStatus
from assistance.selectors.catalogue import aid_choices
from assistance.selectors.coverage import AidCoverage
from households.models import HouseholdStatus, Member
from reports.history import before_flags
from reports.sections import Figure, ReportContext, SectionResult, Table

RECEIVING, ELIGIBLE, PROPOSED = AidStatus.RECEIVING, AidStatus.ELIGIBLE, AidStatus.PROPOSED


def coverage_as_of(
    instants: list[tuple[list[int], datetime.datetime]], *, aids: list[str]
) -> list[dict[str, AidCoverage]]:
    """For each ``(household ids, instant)``: per aid in ``aids``, the subjects receiving /
    eligible not receiving / proposed among those families (the families active at the
    instant) as the aid statuses were then: for each enrolment, its last history record
    before the instant (every service and the import write one; a deletion record means
    the row was gone). Members who had left the family by the instant's date are not
    counted, as in the live coverage figures.

    Two queries whatever the number of instants: the enrolments' history up to the last
    instant, read once in order (with a flag per instant instead of the timestamps; the
    latest record before each instant is picked here), and the members of these families
    who have left."""
    history = AidEnrolment.history.model
    out = [{} for _ in instants]
    every = sorted({pk for ids, _ in instants for pk in ids})
    if not every or not aids:
        return out
    latest = max(when for _, when in instants)
    flags = before_flags(instants)  # all records read are before ``latest``
    rows = (
        history.objects.filter(household_id__in=every, history_date__lt=latest, aid_id__in=aids)
        .annotate(**flags)
        .order_by("history_date", "history_id")
        .values_list("id", "household_id", "member_id", "aid_id", "status", "history_type", *flags)
    )
    left = dict(
        Member.objects.filter(household_id__in=every, left_on__isnull=False).values_list(
            "pk", "left_on"
        )
    )
    # Per instant, each enrolment's latest record before it: the rows come in order, so
    # the last one written wins.
    latest_records: list[dict[int, list]] = [{} for _ in instants]
    n = len(instants)
    for row in rows:
        record = row[1:6]
        for i in range(n):
            if row[6 + i]:
                latest_records[i][row[0]] = record
    counts: list[dict[str, Counter]] = [defaultdict(Counter) for _ in instants]
    for by_aid, records, (ids, when) in zip(counts, latest_records, instants, strict=True):
        wanted, day = set(ids), when.date()
        for household_id, member_id, aid_id, status, history_type in records.values():
            if history_type == "-" or household_id not in wanted:
                continue  # deleted by then, or a family not counted at this instant
            left_on = left.get(member_id)
            if left_on is not None and left_on < day:
                continue
            by_aid[aid_id][status] += 1
    for i, by_aid in enumerate(counts):
        out[i] = {
            aid: AidCoverage(
                aid=aid, receiving=c[RECEIVING], not_receiving=c[ELIGIBLE], proposed=c[PROPOSED]
            )
            for aid, c in by_aid.items()
        }
    return out


def compute(ctx: ReportContext) -> SectionResult:
    """Four queries: the aids (one), the aid statuses at both instants (two: their history,
    the members who left), the cases of both quarters (one)."""
    q, prev = ctx.quarter, ctx.previous
    active = HouseholdStatus.ACTIVE
    aids = list(aid_choices())
    coverage, coverage_prev = coverage_as_of(
        [
            ([pk for pk, status in ctx.caseload_end.items() if status == active], q.end),
            ([pk for pk, status in ctx.caseload_start.items() if status == active], q.start),
        ],
        aids=[aid.code for aid in aids],
    )

    def sums(cov: dict[str, AidCoverage]) -> tuple[int, int]:
        return sum(c.receiving for c in cov.values()), sum(c.eligible for c in cov.values())

    def pct(cov: dict[str, AidCoverage]) -> float | None:
        receiving, eligible = sums(cov)
        return round(100 * receiving / eligible, 1) if eligible else None

    # Cases of the families in the caseload at the end of each quarter (the end of the
    # previous quarter is the start of this one): one read of the cases opened or closed
    # in either quarter, counted here (one id list instead of one per count).
    in_cur, in_prev = set(ctx.caseload_end), set(ctx.caseload_start)
    cases = Counter()
    for household_id, opened_on, closed_on, status in (
        AdvocacyCase.objects.filter(household_id__in=sorted(in_cur | in_prev))
        .filter(
            Q(opened_on__gte=prev.first_day, opened_on__lte=q.last_day)
            | Q(closed_on__gte=prev.first_day, closed_on__lte=q.last_day)
        )
        .order_by()
        .values_list("household_id", "opened_on", "closed_on", "status")
    ):
        for suffix, quarter, families in (("", q, in_cur), ("_prev", prev, in_prev)):
            if household_id not in families:
                continue
            if quarter.first_day <= opened_on <= quarter.last_day:
                cases["opened" + suffix] += 1
            if closed_on is not None and quarter.first_day <= closed_on <= quarter.last_day:
                if status == CaseStatus.RESOLVED:
                    cases["resolved" + suffix] += 1
                elif status == CaseStatus.UNRESOLVABLE:
                    cases["unresolvable" + suffix] += 1
    figures = [
        Figure(
            "aid.coverage_pct",
            gettext_noop("Cakupan bantuan komplementer"),
            gettext_noop(
                "Sasaran (keluarga atau anggota keluarga aktif) yang menerima dibagi sasaran "
                "yang layak (menerima, layak belum menerima, diusulkan), semua bantuan aktif "
                "dijumlah, menurut riwayat status bantuan pada saat triwulan berakhir. "
                "Pembanding: awal triwulan ini."
            ),
            pct(coverage),
            pct(coverage_prev),
            "%",
        ),
        Figure(
            "aid.receiving",
            gettext_noop("Sasaran menerima bantuan"),
            gettext_noop(
                "Sasaran yang menerima bantuan pada saat triwulan berakhir, semua bantuan "
                "aktif dijumlah (satu keluarga atau anggota dihitung sekali per bantuan)."
            ),
            sums(coverage)[0],
            sums(coverage_prev)[0],
            "sasaran",
        ),
        Figure(
            "aid.eligible",
            gettext_noop("Sasaran layak bantuan"),
            gettext_noop(
                "Sasaran yang layak (menerima, layak belum menerima, diusulkan) pada saat "
                "triwulan berakhir, semua bantuan aktif dijumlah."
            ),
            sums(coverage)[1],
            sums(coverage_prev)[1],
            "sasaran",
        ),
        Figure(
            "aid.eligible_not_receiving",
            gettext_noop("Sasaran layak belum menerima"),
            gettext_noop(
                "Sasaran yang layak tetapi belum menerima bantuan dan belum diusulkan, semua "
                "bantuan aktif dijumlah, pada saat triwulan berakhir."
            ),
            sum(c.not_receiving for c in coverage.values()),
            sum(c.not_receiving for c in coverage_prev.values()),
            "sasaran",
        ),
        Figure(
            "aid.cases_opened",
            gettext_noop("Kasus advokasi dibuka"),
            gettext_noop(
                "Kasus advokasi keluarga dampingan (pada akhir triwulan) dengan tanggal "
                "dibuka di dalam triwulan."
            ),
            cases["opened"],
            cases["opened_prev"],
            "kasus",
        ),
        Figure(
            "aid.cases_resolved",
            gettext_noop("Kasus advokasi selesai"),
            gettext_noop(
                "Kasus advokasi keluarga dampingan yang ditutup dengan hasil selesai dengan "
                "tanggal ditutup di dalam triwulan (kapan pun dibuka)."
            ),
            cases["resolved"],
            cases["resolved_prev"],
            "kasus",
        ),
        Figure(
            "aid.cases_unresolvable",
            gettext_noop("Kasus advokasi tidak dapat diselesaikan"),
            gettext_noop(
                "Kasus advokasi keluarga dampingan yang ditutup sebagai tidak dapat "
                "diselesaikan dengan tanggal ditutup di dalam triwulan."
            ),
            cases["unresolvable"],
            cases["unresolvable_prev"],
            "kasus",
        ),
    ]
    empty = AidCoverage(aid="", receiving=0, not_receiving=0, proposed=0)
    table = Table(
        "aid.coverage",
        gettext_noop("Cakupan per bantuan di akhir triwulan"),
        [
            gettext_noop("Bantuan"),
            gettext_noop("Menerima"),
            gettext_noop("Layak, belum menerima"),
            gettext_noop("Diusulkan"),
            gettext_noop("Cakupan (%)"),
            gettext_noop("Cakupan awal triwulan (%)"),
        ],
        [
            [
                aid.name,
                coverage.get(aid.code, empty).receiving,
                coverage.get(aid.code, empty).not_receiving,
                coverage.get(aid.code, empty).proposed,
                coverage.get(aid.code, empty).percent,
                coverage_prev.get(aid.code, empty).percent,
            ]
            for aid in aids
        ],
        translate_labels=False,
    )
    return SectionResult(figures=figures, tables=[table])
