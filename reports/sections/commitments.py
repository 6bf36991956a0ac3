"""Commitment verification (verifikasi komitmen) in the quarter: how much of what was due
was entered, compliance by component, and the non-compliance behind the consequences.

Whose: the families of the facilitator's caseload that were in the programme (active or
suspended) at the end of the quarter, as the audit trail had them (the previous quarter:
at its end, the start of this one), like the other sections' "as it was".

What was due in a month: one commitment per member and component with a commitment
(``commitments.rules.Rules.components``) that the member held at the end of that month in
the audit trail, for members born by then who had not left the family before the month
began (the rule of ``commitments.selectors.due``, read as it was instead of today), plus
the components of the month's own entries (a member who changed component keeps the
month as it was entered). Entries count by their month, also when they were typed after
the quarter (the last month's are due in the next one); whether one complies is
``commitments.selectors.compliance``, the rules of the settings at generation time.

Consequences (warnings, benefit reductions, suspension proposals): commitments keeps no
record of them yet, so their figures are empty (``None``) until it does; see
:func:`consequence_counts`.
"""

from __future__ import annotations

import calendar
import datetime
from collections import Counter, defaultdict

from django.utils.translation import gettext_noop

from commitments.rules import Rules, Verdict
from commitments.selectors.compliance import entries_with_verdict
from households.models import Component
from reports.history import IN_PROGRAMME
from reports.quarters import Quarter
from reports.sections import Figure, ReportContext, SectionResult, Table


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _last_day(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def consequence_counts(*, household_ids: list[int], quarter: Quarter) -> dict[str, int] | None:
    """Warnings given, benefit reductions applied and suspensions proposed in ``quarter``
    for these families, or ``None`` while commitments records no consequences (true on
    this branch: issue #16's consequences and proposals come separately). When they land,
    count their rows here (one grouped query), keyed ``warnings``, ``reductions``,
    ``suspensions``; the figures and the query-count test pick them up."""
    return None


class _Quarter:
    """Due and entered holdings, and verdicts, of one quarter."""

    def __init__(self) -> None:
        self.due: dict[datetime.date, set[tuple[int, str]]] = defaultdict(set)
        self.entered: dict[datetime.date, set[tuple[int, str]]] = defaultdict(set)
        self.verdicts: dict[str, Counter] = defaultdict(Counter)  # component -> verdict counts
        self.failing_families: set[int] = set()
        self.failing_months: dict[int, set[datetime.date]] = defaultdict(set)  # member -> months

    @property
    def due_total(self) -> int:
        return sum(len(v) for v in self.due.values())

    @property
    def entered_total(self) -> int:
        return sum(len(v) for v in self.entered.values())

    def judged(self, component: str) -> int:
        counts = self.verdicts[component]
        return counts[Verdict.COMPLIES] + counts[Verdict.FAILS]

    def total(self, verdict: str) -> int:
        return sum(c[verdict] for c in self.verdicts.values())

    def members_failing_every_month(self, months: list[datetime.date]) -> int:
        return sum(1 for got in self.failing_months.values() if got >= set(months))


def compute(ctx: ReportContext) -> SectionResult:
    """Two queries of its own: the entries of both quarters' months with their verdict,
    the component names; the members as they were at the end of each month
    (``ctx.month_members``: two queries shared with the caseload section)."""
    rules = Rules.from_settings()
    q, prev = ctx.quarter, ctx.previous
    families = {
        "cur": sorted(pk for pk, s in ctx.caseload_end.items() if s in IN_PROGRAMME),
        "prev": sorted(pk for pk, s in ctx.caseload_start.items() if s in IN_PROGRAMME),
    }
    months = {"cur": q.months, "prev": prev.months}
    slots = [(period, m) for period in ("cur", "prev") for m in months[period]]
    states = [ctx.month_members[m] for _, m in slots]
    data = {"cur": _Quarter(), "prev": _Quarter()}
    for (period, month), members in zip(slots, states, strict=True):
        due = data[period].due[month]
        for member_id, member in members.items():
            if member.left_on is not None and member.left_on < month:
                continue
            if member.birth_date > _last_day(month):
                continue
            due.update((member_id, code) for code in member.components if code in rules.components)
    wanted = {period: set(ids) for period, ids in families.items()}
    period_of = {m: period for period, m in slots}
    rows = (
        entries_with_verdict(rules=rules)
        .filter(
            household_id__in=sorted(wanted["cur"] | wanted["prev"]),
            month__gte=prev.first_day,
            month__lte=months["cur"][-1],
        )
        .order_by()
        .values_list("household_id", "member_id", "component_id", "month", "verdict")
    )
    for household_id, member_id, component, month, verdict in rows:
        period = period_of.get(month)
        if period is None or household_id not in wanted[period]:
            continue
        d = data[period]
        d.due[month].add((member_id, component))
        d.entered[month].add((member_id, component))
        d.verdicts[component][verdict] += 1
        if verdict == Verdict.FAILS:
            d.failing_families.add(household_id)
            d.failing_months[member_id].add(month)
    names = dict(Component.objects.order_by("order", "code").values_list("code", "name"))
    order = {code: i for i, code in enumerate(names)}
    cur, old = data["cur"], data["prev"]
    consequences = {
        "cur": consequence_counts(household_ids=families["cur"], quarter=q),
        "prev": consequence_counts(household_ids=families["prev"], quarter=prev),
    }

    def consequence(key: str, period: str) -> int | None:
        counts = consequences[period]
        return None if counts is None else counts.get(key, 0)

    complies, fails = Verdict.COMPLIES, Verdict.FAILS
    figures = [
        Figure(
            "commitments.due",
            gettext_noop("Komitmen yang wajib diverifikasi"),
            gettext_noop(
                "Jumlah komitmen (satu per anggota, komponen dan bulan) yang wajib "
                "diverifikasi dalam tiga bulan triwulan: komponen yang dipegang anggota pada "
                "akhir setiap bulan menurut riwayat data, anggota yang belum keluar dari "
                "keluarga, pada keluarga aktif atau ditangguhkan di akhir triwulan; "
                "ditambah komponen yang sudah diisi verifikasinya bulan itu."
            ),
            cur.due_total,
            old.due_total,
            "komitmen",
        ),
        Figure(
            "commitments.entered",
            gettext_noop("Komitmen yang sudah diverifikasi"),
            gettext_noop(
                "Komitmen wajib yang hasil verifikasinya sudah diisi, termasuk yang diisi "
                "setelah triwulan berakhir (verifikasi bulan terakhir jatuh tempo pada "
                "bulan berikutnya)."
            ),
            cur.entered_total,
            old.entered_total,
            "komitmen",
        ),
        Figure(
            "commitments.completeness_pct",
            gettext_noop("Kelengkapan verifikasi"),
            gettext_noop("Komitmen yang sudah diverifikasi dibagi komitmen yang wajib."),
            _pct(cur.entered_total, cur.due_total),
            _pct(old.entered_total, old.due_total),
            "%",
        ),
        Figure(
            "commitments.complies",
            gettext_noop("Verifikasi memenuhi komitmen"),
            gettext_noop(
                "Hasil verifikasi yang memenuhi komitmen menurut aturan yang berlaku saat "
                "laporan dibuat (hadir sekolah, protokol kesehatan)."
            ),
            cur.total(complies),
            old.total(complies),
            "komitmen",
        ),
        Figure(
            "commitments.judged",
            gettext_noop("Verifikasi yang dinilai"),
            gettext_noop(
                "Hasil verifikasi yang memenuhi atau tidak memenuhi komitmen (tanpa yang "
                "tidak berlaku, misalnya bulan tanpa hari sekolah)."
            ),
            cur.total(complies) + cur.total(fails),
            old.total(complies) + old.total(fails),
            "komitmen",
        ),
        Figure(
            "commitments.compliance_pct",
            gettext_noop("Tingkat kepatuhan"),
            gettext_noop("Verifikasi yang memenuhi komitmen dibagi verifikasi yang dinilai."),
            _pct(cur.total(complies), cur.total(complies) + cur.total(fails)),
            _pct(old.total(complies), old.total(complies) + old.total(fails)),
            "%",
        ),
        Figure(
            "commitments.families_noncompliant",
            gettext_noop("Keluarga dengan anggota tidak memenuhi komitmen"),
            gettext_noop(
                "Keluarga yang paling sedikit satu anggotanya tidak memenuhi komitmen pada "
                "satu bulan triwulan (dasar peringatan)."
            ),
            len(cur.failing_families),
            len(old.failing_families),
            "keluarga",
        ),
        Figure(
            "commitments.members_noncompliant_quarter",
            gettext_noop("Anggota tidak memenuhi komitmen sepanjang triwulan"),
            gettext_noop(
                "Anggota yang tidak memenuhi komitmen (komponen mana pun) pada ketiga bulan "
                "triwulan (dasar usulan penangguhan)."
            ),
            cur.members_failing_every_month(months["cur"]),
            old.members_failing_every_month(months["prev"]),
            "anggota",
        ),
        Figure(
            "commitments.warnings",
            gettext_noop("Peringatan diberikan"),
            gettext_noop(
                "Peringatan karena tidak memenuhi komitmen yang tercatat dalam triwulan. "
                "Kosong: aplikasi belum mencatat peringatan saat laporan dibuat."
            ),
            consequence("warnings", "cur"),
            consequence("warnings", "prev"),
            "keluarga",
        ),
        Figure(
            "commitments.reductions",
            gettext_noop("Pengurangan bantuan"),
            gettext_noop(
                "Pengurangan bantuan karena tidak memenuhi komitmen yang tercatat dalam "
                "triwulan. Kosong: aplikasi belum mencatat pengurangan saat laporan dibuat."
            ),
            consequence("reductions", "cur"),
            consequence("reductions", "prev"),
            "keluarga",
        ),
        Figure(
            "commitments.suspensions",
            gettext_noop("Usulan penangguhan"),
            gettext_noop(
                "Usulan penangguhan karena tidak memenuhi komitmen yang diajukan dalam "
                "triwulan. Kosong: aplikasi belum mencatat usulan saat laporan dibuat."
            ),
            consequence("suspensions", "cur"),
            consequence("suspensions", "prev"),
            "usulan",
        ),
    ]
    by_component = Table(
        "commitments.by_component",
        gettext_noop("Kepatuhan menurut komponen"),
        [
            gettext_noop("Komponen"),
            gettext_noop("Memenuhi"),
            gettext_noop("Tidak memenuhi"),
            gettext_noop("Tidak berlaku"),
            gettext_noop("Kepatuhan (%)"),
            gettext_noop("Kepatuhan triwulan sebelumnya (%)"),
        ],
        [
            [
                names.get(code, code),
                cur.verdicts[code][complies],
                cur.verdicts[code][fails],
                cur.verdicts[code][Verdict.EXEMPT],
                _pct(cur.verdicts[code][complies], cur.judged(code)),
                _pct(old.verdicts[code][complies], old.judged(code)),
            ]
            for code in sorted(rules.components, key=lambda c: (order.get(c, len(order)), c))
        ],
        translate_labels=False,
    )
    by_month = Table(
        "commitments.by_month",
        gettext_noop("Kelengkapan verifikasi per bulan"),
        [
            gettext_noop("Bulan"),
            gettext_noop("Wajib"),
            gettext_noop("Sudah diisi"),
            gettext_noop("Kelengkapan (%)"),
        ],
        [
            [
                month.strftime("%Y-%m"),
                len(d.due[month]),
                len(d.entered[month]),
                _pct(len(d.entered[month]), len(d.due[month])),
            ]
            for d, period in ((old, "prev"), (cur, "cur"))
            for month in months[period]
        ],
        translate_labels=False,
    )
    return SectionResult(figures=figures, tables=[by_component, by_month])
