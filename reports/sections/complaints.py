"""Complaints (pengaduan) in the quarter: opened, resolved, rejected, median days to
resolve, open and overdue at the quarter's end, escalated; by category.

Whose: the complaints of the families in the facilitator's caseload at the end of the
quarter (all statuses, as the audit trail had them; the previous quarter: at its end, the
start of this one), as the aid section counts advocacy cases, so a family that moves to a
colleague afterwards keeps its complaints in this report.

As it was: a complaint is counted by its own instants, never by its status today. Opened
in the quarter: ``opened_at`` inside it; resolved / rejected: closed (``closed_at``)
inside it with that outcome (a closed complaint is never reopened); open at the end: opened
before the end and not closed by then; overdue at the end: open at the end with a deadline
(``due_on``) before the quarter's end (on or before its last day); escalated: an
escalation event (``ComplaintEvent``, kind ``eskalasi``) inside the quarter.
"""

from __future__ import annotations

import statistics
from collections import Counter

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_noop

from complaints.models import (
    Complaint,
    ComplaintCategory,
    ComplaintEvent,
    ComplaintStatus,
    EventKind,
)
from reports.quarters import Quarter, report_tz
from reports.sections import Figure, ReportContext, SectionResult, Table

COUNTS = ("opened", "resolved", "rejected", "open_end", "overdue_end", "escalated")


def _median(values: list[int]) -> float | None:
    return round(float(statistics.median(values)), 1) if values else None


def compute(ctx: ReportContext) -> SectionResult:
    """Two queries: the complaints of either caseload touching either quarter, with an
    escalation flag per quarter (one), and the category names (one)."""
    q, prev = ctx.quarter, ctx.previous
    tz = report_tz()
    families = {"cur": set(ctx.caseload_end), "prev": set(ctx.caseload_start)}
    quarters: dict[str, Quarter] = {"cur": q, "prev": prev}

    def escalated_in(quarter: Quarter) -> Exists:
        return Exists(
            ComplaintEvent.objects.filter(
                complaint=OuterRef("pk"),
                kind=EventKind.ESCALATED,
                at__gte=quarter.start,
                at__lt=quarter.end,
            )
        )

    rows = (
        Complaint.objects.filter(
            household_id__in=sorted(families["cur"] | families["prev"]),
            opened_at__lt=q.end,
        )
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=prev.start))
        .annotate(escalated_cur=escalated_in(q), escalated_prev=escalated_in(prev))
        .order_by()
        .values_list(
            "household_id",
            "category_id",
            "status",
            "opened_at",
            "closed_at",
            "due_on",
            "escalated_cur",
            "escalated_prev",
        )
    )
    counts = {period: Counter() for period in quarters}
    by_category = {period: {} for period in quarters}
    days = {period: [] for period in quarters}
    for household_id, category, status, opened, closed, due_on, esc_cur, esc_prev in rows:
        for period, quarter in quarters.items():
            if household_id not in families[period]:
                continue
            found = []
            if quarter.start <= opened < quarter.end:
                found.append("opened")
            if closed is not None and quarter.start <= closed < quarter.end:
                if status == ComplaintStatus.RESOLVED:
                    found.append("resolved")
                    opened_day = opened.astimezone(tz).date()
                    days[period].append((closed.astimezone(tz).date() - opened_day).days)
                elif status == ComplaintStatus.REJECTED:
                    found.append("rejected")
            if opened < quarter.end and (closed is None or closed >= quarter.end):
                found.append("open_end")
                if due_on <= quarter.last_day:
                    found.append("overdue_end")
            if esc_cur if period == "cur" else esc_prev:
                found.append("escalated")
            if found:
                counts[period].update(found)
                by_category[period].setdefault(category, Counter()).update(found)
    cur, old = counts["cur"], counts["prev"]
    figures = [
        Figure(
            "complaints.opened",
            gettext_noop("Pengaduan dibuka"),
            gettext_noop(
                "Pengaduan keluarga dampingan (pada akhir triwulan) yang dibuka dalam triwulan."
            ),
            cur["opened"],
            old["opened"],
            "pengaduan",
        ),
        Figure(
            "complaints.resolved",
            gettext_noop("Pengaduan selesai"),
            gettext_noop("Pengaduan yang diselesaikan dalam triwulan (kapan pun dibukanya)."),
            cur["resolved"],
            old["resolved"],
            "pengaduan",
        ),
        Figure(
            "complaints.rejected",
            gettext_noop("Pengaduan ditolak"),
            gettext_noop("Pengaduan yang ditolak dengan alasan dalam triwulan."),
            cur["rejected"],
            old["rejected"],
            "pengaduan",
        ),
        Figure(
            "complaints.median_days",
            gettext_noop("Median lama penyelesaian"),
            gettext_noop(
                "Median jumlah hari dari tanggal dibuka sampai tanggal selesai, untuk "
                "pengaduan yang diselesaikan dalam triwulan (yang ditolak tidak dihitung)."
            ),
            _median(days["cur"]),
            _median(days["prev"]),
            "hari",
        ),
        Figure(
            "complaints.open_end",
            gettext_noop("Pengaduan terbuka di akhir triwulan"),
            gettext_noop(
                "Pengaduan yang sudah dibuka dan belum selesai atau ditolak pada saat "
                "triwulan berakhir."
            ),
            cur["open_end"],
            old["open_end"],
            "pengaduan",
        ),
        Figure(
            "complaints.overdue_end",
            gettext_noop("Pengaduan lewat tenggat di akhir triwulan"),
            gettext_noop(
                "Pengaduan yang masih terbuka pada saat triwulan berakhir dengan batas waktu "
                "paling lambat hari terakhir triwulan."
            ),
            cur["overdue_end"],
            old["overdue_end"],
            "pengaduan",
        ),
        Figure(
            "complaints.escalated",
            gettext_noop("Pengaduan dieskalasi"),
            gettext_noop(
                "Pengaduan yang dieskalasi (ke supervisor atau ke admin) karena lewat "
                "tenggat dalam triwulan, dihitung sekali per pengaduan."
            ),
            cur["escalated"],
            old["escalated"],
            "pengaduan",
        ),
    ]
    categories = list(ComplaintCategory.objects.order_by("order", "name").values_list("pk", "name"))
    table = Table(
        "complaints.by_category",
        gettext_noop("Pengaduan menurut kategori"),
        [
            gettext_noop("Kategori"),
            gettext_noop("Dibuka"),
            gettext_noop("Selesai"),
            gettext_noop("Ditolak"),
            gettext_noop("Lewat tenggat di akhir triwulan"),
            gettext_noop("Dieskalasi"),
            gettext_noop("Dibuka triwulan sebelumnya"),
        ],
        [
            [
                name,
                *(by_category["cur"].get(pk, Counter())[k] for k in COUNTS if k != "open_end"),
                by_category["prev"].get(pk, Counter())["opened"],
            ]
            for pk, name in categories
            if pk in by_category["cur"] or pk in by_category["prev"]
        ],
        translate_labels=False,
    )
    return SectionResult(figures=figures, tables=[table])
