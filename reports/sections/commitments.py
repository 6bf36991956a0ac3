"""Commitment verification (verifikasi komitmen) in the quarter: how much of what was due
was entered, compliance by component, and the non-compliance behind the consequences.

Whose: the families of the facilitator's caseload that were in the programme (active or
suspended) at the end of the quarter, as the audit trail had them (the previous quarter:
at its end, the start of this one), like the other sections' "as it was".

What was due in a month: one commitment per member and component with a commitment
(``commitments.rules.Rules.components``) that the member held at the end of that month in
the audit trail and that counted on some day of the month under the component rules as
the trail had the member (``households.components.component_fits``: an ibu hamil up to
the month her nifas ended), for members born by then who had not left the family before
the month began (the rule of ``commitments.selectors.due``, read as it was instead of
today), plus
the components of the month's own entries (a member who changed component keeps the
month as it was entered). Entries count by their month, also when they were typed after
the quarter (the last month's are due in the next one); whether one complies is
``commitments.selectors.compliance``, the rules of the settings at generation time.

Consequences (:func:`consequence_counts`): warnings and benefit reductions are worked out
from the same entries (``commitments.selectors.consequences``, never stored); suspension
and cancellation proposals count by when they were made and confirmed, for the families
that were the facilitator's at the end of the quarter whatever their status (a confirmed
cancellation takes the family out of the programme).
"""

from __future__ import annotations

import calendar
import datetime
from collections import Counter, defaultdict

from django.db.models import Q
from django.utils.translation import gettext_noop

from commitments.models import SanctionKind, SanctionProposal, SanctionStatus
from commitments.rules import Rules, Verdict
from commitments.selectors.compliance import entries_with_verdict
from commitments.selectors.consequences import (
    QUARTERS_PER_YEAR,
    Thresholds,
    quarter_consequences,
    quarter_start,
)
from households.components import component_fits
from households.models import BenefitRate, Component
from reports.history import IN_PROGRAMME
from reports.quarters import Quarter
from reports.sections import Figure, ReportContext, SectionResult, Table


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _last_day(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def consequence_counts(
    *,
    families: dict[str, list[int]],
    proposal_families: dict[str, list[int]],
    quarters: dict[str, Quarter],
) -> dict[str, dict[str, int | None]]:
    """The consequences of non-compliance in each of ``quarters`` (``{period: Quarter}``,
    the result keyed the same). Four queries: the failed entries of each quarter
    (``quarter_consequences``, one each), the benefit rates, the proposals of both.

    ``warnings`` and ``reductions``: families of ``families[period]`` that reach the warning,
    or have a member who reaches the reduction threshold, in the quarter's entries
    (``commitments.selectors.consequences``, the thresholds and rules of the settings at
    generation time, like the section's verdicts); ``reduction_amount``: the rupiah that
    rule takes off, per reduced member ``PKH_COMMITMENT_REDUCTION_PERCENT`` of a quarter of
    the yearly rate of their last failed component (rates of the quarter's year, before
    the estimate's cap of members counted, which is today's). Consequences are per
    calendar quarter: with ``PKH_QUARTER_FIRST_MONTH`` not 1 these three are ``None``.

    ``*_proposed`` / ``*_confirmed``: suspension and cancellation proposals of families
    of ``proposal_families[period]`` made (``proposed_at``) and confirmed (``decided_at`` of a
    confirmation; a decision is final) within the quarter's instants, whatever happened
    to them after."""
    t = Thresholds.from_settings()
    out: dict[str, dict[str, int | None]] = {period: {} for period in quarters}
    years = {q.first_day.year for q in quarters.values()}
    rate_rows = list(
        BenefitRate.objects.filter(year__lte=max(years))
        .order_by("year")
        .values_list("year", "component_id", "amount")
    )
    for period, q in quarters.items():
        counts = out[period]
        first = q.first_day
        if quarter_start(first) != first:
            counts.update(warnings=None, reductions=None, reduction_amount=None)
            continue
        rate_year = max((y for y, _, _ in rate_rows if y <= first.year), default=None)
        rates = {c: a for y, c, a in rate_rows if y == rate_year}
        found = quarter_consequences(households=families[period], quarter=first, thresholds=t)
        warned = reduced = amount = 0
        for c in found.values():
            warned += c.months_failed >= t.warning_min_months
            members = [m for m in c.members.values() if len(m.months) >= t.reduction_min_months]
            reduced += bool(members)
            for m in members:
                amount += round(
                    rates.get(m.last_component, 0) * t.reduction_percent / (100 * QUARTERS_PER_YEAR)
                )
        counts.update(warnings=warned, reductions=reduced, reduction_amount=amount)
    for period in quarters:
        for kind in ("suspensions", "cancellations"):
            out[period][f"{kind}_proposed"] = 0
            out[period][f"{kind}_confirmed"] = 0
    kinds = {SanctionKind.SUSPENSION: "suspensions", SanctionKind.CANCELLATION: "cancellations"}
    earliest = min(q.start for q in quarters.values())
    latest = max(q.end for q in quarters.values())
    wanted = {period: set(ids) for period, ids in proposal_families.items()}
    rows = (
        SanctionProposal.objects.filter(
            household_id__in=sorted(set().union(*wanted.values())),
        )
        .filter(
            Q(proposed_at__gte=earliest, proposed_at__lt=latest)
            | Q(status=SanctionStatus.CONFIRMED, decided_at__gte=earliest, decided_at__lt=latest)
        )
        .order_by()
        .values_list("household_id", "kind", "status", "proposed_at", "decided_at")
    )
    for household_id, kind, status, proposed_at, decided_at in rows:
        for period, q in quarters.items():
            if household_id not in wanted[period]:
                continue
            if q.start <= proposed_at < q.end:
                out[period][f"{kinds[kind]}_proposed"] += 1
            if status == SanctionStatus.CONFIRMED and q.start <= decided_at < q.end:
                out[period][f"{kinds[kind]}_confirmed"] += 1
    return out


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
        last = _last_day(month)
        for member_id, member in members.items():
            if member.left_on is not None and member.left_on < month:
                continue
            if member.birth_date > last:
                continue
            due.update(
                (member_id, code)
                for code in member.components
                if code in rules.components
                and (component_fits(member, code, month) or component_fits(member, code, last))
            )
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
    consequences = consequence_counts(
        families=families,
        proposal_families={"cur": sorted(ctx.caseload_end), "prev": sorted(ctx.caseload_start)},
        quarters={"cur": q, "prev": prev},
    )

    def consequence(key: str, label: str, definition: str, unit: str) -> Figure:
        return Figure(
            f"commitments.{key}",
            label,
            definition,
            consequences["cur"][key],
            consequences["prev"][key],
            unit,
        )

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
        consequence(
            "warnings",
            gettext_noop("Keluarga mendapat peringatan"),
            gettext_noop(
                "Keluarga aktif atau ditangguhkan di akhir triwulan yang tidak memenuhi "
                "komitmen pada cukup banyak bulan triwulan untuk peringatan pertama, "
                "menurut hasil verifikasi dan aturan yang berlaku saat laporan dibuat."
            ),
            "keluarga",
        ),
        consequence(
            "reductions",
            gettext_noop("Keluarga dengan pengurangan bantuan"),
            gettext_noop(
                "Keluarga yang paling sedikit satu anggotanya tidak memenuhi komitmen pada "
                "cukup banyak bulan triwulan sehingga bantuannya dikurangi."
            ),
            "keluarga",
        ),
        consequence(
            "reduction_amount",
            gettext_noop("Jumlah pengurangan bantuan"),
            gettext_noop(
                "Jumlah rupiah yang dikurangi: untuk setiap anggota yang dikenai "
                "pengurangan, persentase pengurangan dari seperempat nilai tahunan "
                "komponennya (tarif tahun triwulan), sebelum batas jumlah anggota yang "
                "dihitung."
            ),
            "rupiah",
        ),
        consequence(
            "suspensions_proposed",
            gettext_noop("Usulan penangguhan diajukan"),
            gettext_noop(
                "Usulan penangguhan karena tidak memenuhi komitmen yang diajukan dalam "
                "triwulan, untuk keluarga dampingan di akhir triwulan, apa pun keputusannya "
                "kemudian."
            ),
            "usulan",
        ),
        consequence(
            "suspensions_confirmed",
            gettext_noop("Usulan penangguhan dikonfirmasi"),
            gettext_noop(
                "Usulan penangguhan yang dikonfirmasi supervisor dalam triwulan (diajukan "
                "kapan pun)."
            ),
            "usulan",
        ),
        consequence(
            "cancellations_proposed",
            gettext_noop("Usulan pembatalan diajukan"),
            gettext_noop(
                "Usulan pembatalan karena tidak memenuhi komitmen beberapa triwulan "
                "berturut-turut yang diajukan dalam triwulan, apa pun keputusannya kemudian."
            ),
            "usulan",
        ),
        consequence(
            "cancellations_confirmed",
            gettext_noop("Usulan pembatalan dikonfirmasi"),
            gettext_noop(
                "Usulan pembatalan yang dikonfirmasi supervisor dalam triwulan (diajukan "
                "kapan pun)."
            ),
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
