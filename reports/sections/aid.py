"""Complementary aid: coverage per aid for the facilitator's families, and advocacy cases
opened and resolved in the quarter against the previous."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_noop

from assistance.models import AdvocacyCase, Aid, AidEnrolment, AidStatus, CaseStatus
from assistance.selectors import AidCoverage
from households.models import HouseholdStatus
from reports.sections import Figure, ReportContext, SectionResult, Table

RECEIVING, ELIGIBLE, PROPOSED = AidStatus.RECEIVING, AidStatus.ELIGIBLE, AidStatus.PROPOSED


def coverage_as_of(household_ids: list[int], when: datetime.datetime) -> dict[str, AidCoverage]:
    """Per active aid, the subjects receiving / eligible not receiving / proposed among
    ``household_ids`` (the families active at ``when``) as the aid statuses were at
    ``when``: for each enrolment, its last history record before ``when`` (every service
    and the import write one). Members who had left the family by then are not counted,
    as in the live coverage figures. One query."""
    history = AidEnrolment.history.model
    rows = (
        history.objects.filter(
            household_id__in=household_ids, history_date__lt=when, aid__is_active=True
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("id")],
                order_by=[F("history_date").desc(), F("history_id").desc()],
            )
        )
        .filter(rank=1)
        .values_list("aid_id", "status", "history_type", "member__left_on")
    )
    counts: dict[str, Counter] = defaultdict(Counter)
    for aid_id, status, history_type, left_on in rows:
        if history_type == "-" or (left_on is not None and left_on < when.date()):
            continue
        counts[aid_id][status] += 1
    return {
        aid: AidCoverage(
            aid=aid, receiving=c[RECEIVING], not_receiving=c[ELIGIBLE], proposed=c[PROPOSED]
        )
        for aid, c in counts.items()
    }


def compute(ctx: ReportContext) -> SectionResult:
    """Four queries: the aid statuses at both instants (two), the aids (one), the cases of
    both quarters (one)."""
    q, prev = ctx.quarter, ctx.previous
    active = HouseholdStatus.ACTIVE
    coverage = coverage_as_of(
        [pk for pk, status in ctx.caseload_end.items() if status == active], q.end
    )
    coverage_prev = coverage_as_of(
        [pk for pk, status in ctx.caseload_start.items() if status == active], q.start
    )
    aids = list(Aid.objects.filter(is_active=True).order_by("order", "code"))

    def sums(cov: dict[str, AidCoverage]) -> tuple[int, int]:
        return sum(c.receiving for c in cov.values()), sum(c.eligible for c in cov.values())

    def pct(cov: dict[str, AidCoverage]) -> float | None:
        receiving, eligible = sums(cov)
        return round(100 * receiving / eligible, 1) if eligible else None

    # Cases of the families in the caseload at the end of each quarter (the end of the
    # previous quarter is the start of this one).
    families = set(ctx.caseload_end) | set(ctx.caseload_start)
    in_cur = Q(household_id__in=list(ctx.caseload_end))
    in_prev = Q(household_id__in=list(ctx.caseload_start))
    opened_cur = Q(opened_on__gte=q.first_day, opened_on__lte=q.last_day)
    opened_prev = Q(opened_on__gte=prev.first_day, opened_on__lte=prev.last_day)
    resolved = Q(status=CaseStatus.RESOLVED)
    closed_cur = Q(closed_on__gte=q.first_day, closed_on__lte=q.last_day)
    closed_prev = Q(closed_on__gte=prev.first_day, closed_on__lte=prev.last_day)
    cases = AdvocacyCase.objects.filter(household_id__in=list(families)).aggregate(
        opened=Count("pk", filter=in_cur & opened_cur),
        opened_prev=Count("pk", filter=in_prev & opened_prev),
        resolved=Count("pk", filter=in_cur & resolved & closed_cur),
        resolved_prev=Count("pk", filter=in_prev & resolved & closed_prev),
        unresolvable=Count("pk", filter=in_cur & Q(status=CaseStatus.UNRESOLVABLE) & closed_cur),
        unresolvable_prev=Count(
            "pk", filter=in_prev & Q(status=CaseStatus.UNRESOLVABLE) & closed_prev
        ),
    )
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
