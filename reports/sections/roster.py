"""Roster changes: families added to the facilitator's list, families moved in and out."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_noop

from households.models import Household, HouseholdTransfer
from reports.sections import Figure, ReportContext, SectionResult, Table

HistoricalHousehold = Household.history.model
# ``imports.models.RosterImport.change_reason`` starts every audit record an import writes
# with this (reports reads it as data; it does not import the imports app).
IMPORT_REASON_PREFIX = "Impor roster #"


def compute(ctx: ReportContext) -> SectionResult:
    """Two queries (plus the caseloads shared through ``ctx``): the transfers, and which
    new families came from a roster import (none when no family is new)."""
    q, prev = ctx.quarter, ctx.previous
    end, start = ctx.caseload_end, ctx.caseload_start
    created = ctx.created_at
    q_start, q_end, prev_start = q.start, q.end, prev.start  # computed once, not per family
    added = [pk for pk in end if q_start <= created[pk] < q_end]
    added_prev = [pk for pk in start if prev_start <= created[pk] < q_start]
    # Families whose first audit-trail record was written by a roster import.
    imported = (
        set(
            HistoricalHousehold.objects.filter(
                id__in=added + added_prev,
                history_type="+",
                history_change_reason__startswith=IMPORT_REASON_PREFIX,
            ).values_list("id", flat=True)
        )
        if added or added_prev
        else set()
    )
    by_import = sum(1 for pk in added if pk in imported)
    by_import_prev = sum(1 for pk in added_prev if pk in imported)
    me = ctx.facilitator.pk
    current = Q(moved_at__gte=q.start)
    moved = HouseholdTransfer.objects.filter(
        Q(to_facilitator_id=me) | Q(from_facilitator_id=me),
        moved_at__gte=prev.start,
        moved_at__lt=q.end,
    ).aggregate(
        in_cur=Count("household_id", distinct=True, filter=current & Q(to_facilitator_id=me)),
        in_prev=Count("household_id", distinct=True, filter=~current & Q(to_facilitator_id=me)),
        out_cur=Count("household_id", distinct=True, filter=current & Q(from_facilitator_id=me)),
        out_prev=Count("household_id", distinct=True, filter=~current & Q(from_facilitator_id=me)),
    )
    figures = [
        Figure(
            "roster.added",
            gettext_noop("Keluarga baru"),
            gettext_noop(
                "Keluarga yang pertama kali tercatat di aplikasi (impor daftar atau input) "
                "selama triwulan dan berada pada pendamping ini di akhir triwulan."
            ),
            len(added),
            len(added_prev),
            "keluarga",
        ),
        Figure(
            "roster.added_import",
            gettext_noop("Keluarga baru dari impor daftar"),
            gettext_noop(
                "Dari keluarga baru: yang pertama kali tercatat melalui impor daftar "
                '(riwayat pembuatannya bertanda "Impor roster #...").'
            ),
            by_import,
            by_import_prev,
            "keluarga",
        ),
        Figure(
            "roster.added_typed",
            gettext_noop("Keluarga baru diinput manual"),
            gettext_noop(
                "Dari keluarga baru: yang tidak berasal dari impor daftar (diinput di aplikasi "
                "atau dengan cara lain)."
            ),
            len(added) - by_import,
            len(added_prev) - by_import_prev,
            "keluarga",
        ),
        Figure(
            "roster.moved_in",
            gettext_noop("Keluarga pindah masuk"),
            gettext_noop("Keluarga yang dipindahkan admin dari pendamping lain ke pendamping ini."),
            moved["in_cur"],
            moved["in_prev"],
            "keluarga",
        ),
        Figure(
            "roster.moved_out",
            gettext_noop("Keluarga pindah keluar"),
            gettext_noop("Keluarga yang dipindahkan admin dari pendamping ini ke pendamping lain."),
            moved["out_cur"],
            moved["out_prev"],
            "keluarga",
        ),
        Figure(
            "roster.net_change",
            gettext_noop("Perubahan jumlah dampingan"),
            gettext_noop(
                "Keluarga di akhir triwulan dikurangi keluarga di awal triwulan (semua status)."
            ),
            len(end) - len(start),
            None,
            "keluarga",
        ),
    ]
    table = Table(
        "roster.summary",
        gettext_noop("Perubahan daftar"),
        [
            gettext_noop("Keterangan"),
            gettext_noop("Triwulan ini"),
            gettext_noop("Triwulan sebelumnya"),
            gettext_noop("Perubahan"),
        ],
        [
            [f.label, f.value, f.previous, f.value - f.previous]
            for f in figures
            if f.previous is not None
        ],
    )
    return SectionResult(figures=figures, tables=[table])
