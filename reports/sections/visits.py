"""Home visits made in the quarter and active families not visited, against the previous."""

from __future__ import annotations

from django.db.models import Count, Max, Min, Q
from django.utils.translation import gettext_noop

from households.models import HouseholdStatus, Visit, VisitPurpose
from reports.sections import Figure, ReportContext, SectionResult, Table

PURPOSE_LABELS = {
    VisitPurpose.VERIFICATION: gettext_noop("Verifikasi"),
    VisitPurpose.FDS_FOLLOWUP: gettext_noop("Tindak lanjut P2K2/FDS"),
    VisitPurpose.AID_ADVOCACY: gettext_noop("Advokasi bansos"),
    VisitPurpose.GRADUATION: gettext_noop("Graduasi"),
    VisitPurpose.OTHER: gettext_noop("Lainnya"),
}


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def compute(ctx: ReportContext) -> SectionResult:
    """One query (plus the caseloads shared through ``ctx``)."""
    q, prev = ctx.quarter, ctx.previous
    me = ctx.facilitator.pk
    active = HouseholdStatus.ACTIVE
    active_end = {pk for pk, status in ctx.caseload_end.items() if status == active}
    active_start = {pk for pk, status in ctx.caseload_start.items() if status == active}
    current = Q(date__gte=q.first_day)
    # One query: per (family, facilitator, purpose), the visits in each quarter and the
    # first and last dates, for the facilitator's own visits and for any visit to the
    # families of either caseload (a family moved mid-quarter may have been visited by
    # its previous facilitator: that visit counts for "not visited", not as "made").
    rows = (
        Visit.objects.filter(
            Q(facilitator_id=me) | Q(household_id__in=active_end | active_start),
            date__gte=prev.first_day,
            date__lte=q.last_day,
        )
        .order_by()
        .values("household_id", "facilitator_id", "purpose")
        .annotate(
            cur=Count("pk", filter=current),
            prev=Count("pk", filter=~current),
            first=Min("date"),
            last=Max("date"),
        )
    )
    by_purpose = {code: {"cur": 0, "prev": 0} for code in PURPOSE_LABELS}
    households = {"cur": set(), "prev": set()}
    visited_cur, visited_prev = set(), set()
    for row in rows:
        pk = row["household_id"]
        if row["facilitator_id"] == me:
            counts = by_purpose.setdefault(row["purpose"], {"cur": 0, "prev": 0})
            counts["cur"] += row["cur"]
            counts["prev"] += row["prev"]
            if row["cur"]:
                households["cur"].add(pk)
            if row["prev"]:
                households["prev"].add(pk)
        if row["last"] >= q.first_day:
            visited_cur.add(pk)
        if row["first"] < q.first_day:
            visited_prev.add(pk)
    not_visited = len(active_end - visited_cur)
    not_visited_prev = len(active_start - visited_prev)
    made = sum(r["cur"] for r in by_purpose.values())
    made_prev = sum(r["prev"] for r in by_purpose.values())
    figures = [
        Figure(
            "visits.made",
            gettext_noop("Kunjungan rumah dicatat"),
            gettext_noop(
                "Kunjungan yang dicatat oleh pendamping ini dengan tanggal di dalam triwulan."
            ),
            made,
            made_prev,
            "kunjungan",
        ),
        Figure(
            "visits.households_visited",
            gettext_noop("Keluarga yang dikunjungi"),
            gettext_noop("Keluarga berbeda yang dikunjungi pendamping ini paling sedikit sekali."),
            len(households["cur"]),
            len(households["prev"]),
            "keluarga",
        ),
        Figure(
            "visits.not_visited",
            gettext_noop("Keluarga aktif yang tidak dikunjungi"),
            gettext_noop(
                "Keluarga aktif pada akhir triwulan yang tidak mendapat satu kunjungan pun "
                "(oleh pendamping siapa pun) selama triwulan."
            ),
            not_visited,
            not_visited_prev,
            "keluarga",
        ),
        Figure(
            "visits.not_visited_pct",
            gettext_noop("Persentase keluarga aktif tidak dikunjungi"),
            gettext_noop(
                "Keluarga aktif tidak dikunjungi dibagi keluarga aktif di akhir triwulan."
            ),
            _pct(not_visited, len(active_end)),
            _pct(not_visited_prev, len(active_start)),
            "%",
        ),
    ]
    table = Table(
        "visits.by_purpose",
        gettext_noop("Kunjungan menurut tujuan"),
        [
            gettext_noop("Tujuan"),
            gettext_noop("Triwulan ini"),
            gettext_noop("Triwulan sebelumnya"),
            gettext_noop("Perubahan"),
        ],
        [
            [
                label,
                by_purpose.get(code, {}).get("cur", 0),
                by_purpose.get(code, {}).get("prev", 0),
                by_purpose.get(code, {}).get("cur", 0) - by_purpose.get(code, {}).get("prev", 0),
            ]
            for code, label in PURPOSE_LABELS.items()
        ],
    )
    return SectionResult(figures=figures, tables=[table])
