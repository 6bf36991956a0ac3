"""Caseload at the start and end of the quarter, by status and by component (as it was)."""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext_noop

from households.models import Component, HouseholdStatus
from reports.history import count_components
from reports.sections import Figure, ReportContext, SectionResult, Table

STATUS_LABELS = {
    HouseholdStatus.ACTIVE: gettext_noop("Aktif"),
    HouseholdStatus.SUSPENDED: gettext_noop("Ditangguhkan"),
    HouseholdStatus.GRADUATED: gettext_noop("Graduasi"),
    HouseholdStatus.EXITED: gettext_noop("Keluar"),
}


def compute(ctx: ReportContext) -> SectionResult:
    """Six queries: the caseloads at both instants (three, shared with the other sections
    through ``ctx``), the members as they were (two: the members' history read once, the
    members without history; ``ctx.month_members``, shared with the commitment section)
    and the component names (one)."""
    start, end = ctx.caseload_start, ctx.caseload_end
    status_start, status_end = Counter(start.values()), Counter(end.values())
    # The members at the end of the previous quarter's last month (= the start of this
    # quarter) and of this quarter's last month, of the families then in the programme.
    comp_start = count_components(ctx.month_members[ctx.previous.months[-1]], at=ctx.quarter.start)
    comp_end = count_components(ctx.month_members[ctx.quarter.months[-1]], at=ctx.quarter.end)
    components = list(Component.objects.order_by("order", "code").values_list("code", "name"))
    active = HouseholdStatus.ACTIVE
    figures = [
        Figure(
            "caseload.total_end",
            gettext_noop("Keluarga dampingan di akhir triwulan"),
            gettext_noop(
                "Keluarga yang tercatat pada pendamping ini pada saat triwulan berakhir, "
                "semua status, menurut riwayat data pada saat itu. Pembanding: akhir "
                "triwulan sebelumnya, yaitu awal triwulan ini."
            ),
            len(end),
            len(start),
            "keluarga",
        ),
        Figure(
            "caseload.active_end",
            gettext_noop("Keluarga aktif di akhir triwulan"),
            gettext_noop("Keluarga berstatus aktif pada saat triwulan berakhir."),
            status_end[active],
            status_start[active],
            "keluarga",
        ),
        Figure(
            "caseload.components_end",
            gettext_noop("Komponen di akhir triwulan"),
            gettext_noop(
                "Anggota keluarga aktif atau ditangguhkan yang terhitung sebagai komponen PKH "
                "pada saat triwulan berakhir (satu anggota dapat terhitung di lebih dari satu "
                "komponen); anggota yang sudah keluar dari keluarga tidak dihitung."
            ),
            sum(comp_end.values()),
            sum(comp_start.values()),
            "komponen",
        ),
    ]
    columns = [
        gettext_noop("Keterangan"),
        gettext_noop("Awal triwulan"),
        gettext_noop("Akhir triwulan"),
        gettext_noop("Perubahan"),
    ]
    by_status = Table(
        "caseload.by_status",
        gettext_noop("Keluarga menurut status"),
        columns,
        [
            [label, status_start[code], status_end[code], status_end[code] - status_start[code]]
            for code, label in STATUS_LABELS.items()
        ],
    )
    by_component = Table(
        "caseload.by_component",
        gettext_noop("Komponen menurut jenis"),
        columns,
        [
            [name, comp_start[code], comp_end[code], comp_end[code] - comp_start[code]]
            for code, name in components
        ],
        translate_labels=False,
    )
    return SectionResult(figures=figures, tables=[by_status, by_component])
