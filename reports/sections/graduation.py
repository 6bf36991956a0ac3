"""Graduations and exits in the quarter against the facilitator's target, and the pipeline."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext_noop

from graduation.models import Graduation, QuarterlyTarget, Stage
from graduation.selectors.review import pipeline_counts_by_stage, proposal_counts
from graduation.selectors.targets import default_quarter_target
from households.models import ExitType, Household, HouseholdStatus
from reports.history import IN_PROGRAMME
from reports.sections import Figure, ReportContext, SectionResult, Table

STAGE_LABELS = {
    Stage.ASSESSED: gettext_noop("Dinilai"),
    Stage.TARGETED: gettext_noop("Ditargetkan"),
    Stage.APPROACHED: gettext_noop("Didekati"),
    Stage.SUPPORTED: gettext_noop("Didukung"),
    Stage.PROPOSED: gettext_noop("Diusulkan"),
    Stage.GRADUATED: gettext_noop("Graduasi"),
    Stage.MONITORED: gettext_noop("Dimonitor"),
}
HistoricalHousehold = Household.history.model
SELF = ExitType.GRADUASI_MANDIRI
NATURAL = ExitType.GRADUASI_ALAMIAH


EXIT_STATUSES = (HouseholdStatus.GRADUATED, HouseholdStatus.EXITED)


def admin_exits(
    *, facilitator_id: int, first_day: datetime.date, last_day: datetime.date
) -> list[dict]:
    """Exits recorded on the family page (``households.services.household_update`` by an
    admin), not through the graduation app: audit-trail records that change a family's
    status from active or suspended to graduated or exited, with a status date in
    ``first_day..last_day``, while the family was ``facilitator_id``'s, and no
    ``Graduation`` of that family on that date (the graduation app writes one, and a
    status change of its own, for every exit it records). Each change counts once, with
    the exit type and status date typed with it. One query.
    """
    before = (
        HistoricalHousehold.objects.filter(id=OuterRef("id"))
        .filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by("-history_date", "-history_id")
        .values("status")[:1]
    )
    return list(
        HistoricalHousehold.objects.filter(
            facilitator_id=facilitator_id,
            history_type="~",
            status__in=EXIT_STATUSES,
            status_date__gte=first_day,
            status_date__lte=last_day,
        )
        .annotate(before=Subquery(before))
        .filter(before__in=IN_PROGRAMME)
        .exclude(
            Exists(
                Graduation.objects.filter(household_id=OuterRef("id"), date=OuterRef("status_date"))
            )
        )
        .order_by()
        .values("id", "exit_type", "status_date")
    )


def compute(ctx: ReportContext) -> SectionResult:
    """Six queries: the exits of both quarters (two: the graduation app's and those typed
    on the family page), the targets (one), the proposals (two) and the pipeline (one)."""
    q, prev = ctx.quarter, ctx.previous
    me = ctx.facilitator
    # Exits recorded through the graduation app, counted for the facilitator the family
    # had at the time (``Graduation.facilitator``), so a later transfer does not move them.
    current = Q(date__gte=q.first_day)
    exits = {"cur": {}, "prev": {}}
    rows = (
        Graduation.objects.filter(facilitator_id=me.pk, date__range=(prev.first_day, q.last_day))
        .order_by()
        .values("exit_type")
        .annotate(cur=Count("pk", filter=current), prev=Count("pk", filter=~current))
    )
    for row in rows:
        exits["cur"][row["exit_type"]] = row["cur"]
        exits["prev"][row["exit_type"]] = row["prev"]
    # Exits typed by an admin on the family page (a status change in the audit trail
    # without a Graduation row): counted by their exit type and status date.
    typed = {"cur": 0, "prev": 0}
    for row in admin_exits(facilitator_id=me.pk, first_day=prev.first_day, last_day=q.last_day):
        period = "cur" if row["status_date"] >= q.first_day else "prev"
        exits[period][row["exit_type"]] = exits[period].get(row["exit_type"], 0) + 1
        typed[period] += 1

    def split(period: str) -> tuple[int, int, int]:
        counts = exits[period]
        own = counts.get(SELF, 0)
        natural = counts.get(NATURAL, 0)
        return own, natural, sum(counts.values()) - own - natural

    self_cur, natural_cur, other_cur = split("cur")
    self_prev, natural_prev, other_prev = split("prev")
    # Targets: the supervisor's row for the quarter, else the default. Queried directly
    # (not through ``quarterly_targets``, which lists active facilitators only) so a
    # report for a facilitator deactivated since still shows their target.
    stored = {
        (t.year, t.quarter): t.target
        for t in QuarterlyTarget.objects.filter(facilitator_id=me.pk).filter(
            Q(year=q.year, quarter=q.number) | Q(year=prev.year, quarter=prev.number)
        )
    }
    target = stored.get((q.year, q.number), default_quarter_target(q.number))
    target_prev = stored.get((prev.year, prev.number), default_quarter_target(prev.number))
    proposals = proposal_counts(
        user=me, start=q.first_day, end=q.last_day, facilitator_ids=[me.pk]
    ).get(me.pk)
    proposals_prev = proposal_counts(
        user=me, start=prev.first_day, end=prev.last_day, facilitator_ids=[me.pk]
    ).get(me.pk)
    pipeline = pipeline_counts_by_stage(user=me, facilitator_ids=[me.pk]).get(me.pk, {})

    figures = [
        Figure(
            "graduation.self_approved",
            gettext_noop("Graduasi sejahtera mandiri disetujui"),
            gettext_noop(
                "Keluarga dampingan pendamping ini yang graduasi sejahtera mandiri dengan "
                "tanggal graduasi di dalam triwulan: usulan yang disetujui melalui menu "
                "graduasi, ditambah perubahan status ke graduasi sejahtera mandiri yang "
                "dicatat admin di halaman keluarga."
            ),
            self_cur,
            self_prev,
            "keluarga",
        ),
        Figure(
            "graduation.target",
            gettext_noop("Target graduasi mandiri triwulan"),
            gettext_noop(
                "Target graduasi sejahtera mandiri yang ditetapkan supervisor untuk triwulan "
                "ini; tanpa penetapan, target bawaan (target tahunan dibagi empat triwulan)."
            ),
            target,
            target_prev,
            "keluarga",
        ),
        Figure(
            "graduation.behind_target",
            gettext_noop("Kekurangan dari target"),
            gettext_noop(
                "Target graduasi mandiri dikurangi graduasi mandiri yang disetujui dalam "
                "triwulan (nol bila target tercapai). Makin tinggi makin tertinggal."
            ),
            max(target - self_cur, 0),
            max(target_prev - self_prev, 0),
            "keluarga",
        ),
        Figure(
            "graduation.natural",
            gettext_noop("Graduasi alamiah"),
            gettext_noop(
                "Keluarga yang graduasi alamiah (tidak ada lagi anggota yang memenuhi "
                "komponen) dengan tanggal di dalam triwulan, dicatat melalui menu graduasi "
                "atau oleh admin di halaman keluarga."
            ),
            natural_cur,
            natural_prev,
            "keluarga",
        ),
        Figure(
            "graduation.other_exits",
            gettext_noop("Keluar karena alasan lain"),
            gettext_noop(
                "Keluarga yang keluar dari PKH dalam triwulan karena alasan selain graduasi "
                "(tidak memenuhi syarat, tidak memenuhi komitmen, pindah, meninggal, lainnya). "
                "Termasuk keluar yang dicatat admin dengan mengubah status di halaman "
                "keluarga (menurut jenis keluar dan tanggal status yang diisi)."
            ),
            other_cur,
            other_prev,
            "keluarga",
        ),
        Figure(
            "graduation.typed_exits",
            gettext_noop("Keluar dicatat di halaman keluarga"),
            gettext_noop(
                "Dari graduasi dan keluar di atas: yang dicatat admin dengan mengubah status "
                "keluarga (aktif atau ditangguhkan menjadi graduasi atau keluar) di halaman "
                "keluarga, bukan melalui menu graduasi. Dihitung sekali per perubahan status, "
                "dengan jenis keluar dan tanggal status yang diisi, untuk pendamping keluarga "
                "pada saat itu."
            ),
            typed["cur"],
            typed["prev"],
            "keluarga",
        ),
        Figure(
            "graduation.proposed",
            gettext_noop("Usulan graduasi diajukan"),
            gettext_noop("Usulan graduasi yang diajukan pendamping ini di dalam triwulan."),
            proposals.proposed if proposals else 0,
            proposals_prev.proposed if proposals_prev else 0,
            "usulan",
        ),
        Figure(
            "graduation.pipeline_total",
            gettext_noop("Keluarga dalam tahapan graduasi"),
            gettext_noop(
                "Keluarga dampingan yang tercatat dalam tahapan graduasi, keadaan pada saat "
                "laporan dibuat (bukan direkonstruksi per akhir triwulan); tanpa pembanding."
            ),
            sum(pipeline.values()),
            None,
            "keluarga",
        ),
    ]
    exits_table = Table(
        "graduation.exits",
        gettext_noop("Graduasi dan keluar"),
        [
            gettext_noop("Keterangan"),
            gettext_noop("Triwulan ini"),
            gettext_noop("Triwulan sebelumnya"),
            gettext_noop("Perubahan"),
        ],
        [
            [gettext_noop("Target graduasi mandiri"), target, target_prev, target - target_prev],
            [
                gettext_noop("Graduasi sejahtera mandiri"),
                self_cur,
                self_prev,
                self_cur - self_prev,
            ],
            [
                gettext_noop("Graduasi alamiah"),
                natural_cur,
                natural_prev,
                natural_cur - natural_prev,
            ],
            [
                gettext_noop("Keluar karena alasan lain"),
                other_cur,
                other_prev,
                other_cur - other_prev,
            ],
            [
                gettext_noop("Usulan dikembalikan"),
                proposals.returned if proposals else 0,
                proposals_prev.returned if proposals_prev else 0,
                (proposals.returned if proposals else 0)
                - (proposals_prev.returned if proposals_prev else 0),
            ],
        ],
    )
    pipeline_table = Table(
        "graduation.pipeline",
        gettext_noop("Tahapan graduasi (saat laporan dibuat)"),
        [gettext_noop("Tahap"), gettext_noop("Keluarga")],
        [[label, pipeline.get(code, 0)] for code, label in STAGE_LABELS.items()],
    )
    return SectionResult(figures=figures, tables=[exits_table, pipeline_table])
