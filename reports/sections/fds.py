"""FDS/P2K2 meetings in the quarter: sessions held per group, attendance, modules covered
and families absent twice in a row, against the previous quarter."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Min, Q
from django.utils.translation import gettext_noop

from fds_sessions.models import (
    Attendance,
    AttendanceStatus,
    FdsGroup,
    FdsModule,
    FdsSession,
    SessionStatus,
)
from fds_sessions.selectors.figures import AttendanceRate, attendance_rates_by_day
from reports.sections import Figure, ReportContext, SectionResult, Table


def _pct(rate: AttendanceRate) -> float | None:
    return round(100 * rate.present / rate.held, 1) if rate.held else None


def _repeated_absence(rows) -> set[int]:
    """Families with two consecutive recorded meetings both "absent" (``rows`` ordered by
    family, then date)."""
    found: set[int] = set()
    last: dict[int, str] = {}
    for household_id, status in rows:
        if status == AttendanceStatus.ABSENT and last.get(household_id) == AttendanceStatus.ABSENT:
            found.add(household_id)
        last[household_id] = status
    return found


def _modules_completed_on(
    group_ids: list[int], *, until: datetime.date
) -> dict[int, dict[int, datetime.date]]:
    """Per group, the modules complete by ``until`` and the day each became complete (the
    day its last missing active session was first held). The same rule as
    ``fds_sessions.selectors.figures.modules_completed`` (every active session held; a module
    without active sessions is never complete), with the completion date, so both
    quarters come from one read. Two queries."""
    sizes = dict(
        FdsModule.objects.annotate(n=Count("sessions", filter=Q(sessions__is_active=True)))
        .order_by()
        .values_list("pk", "n")
    )
    rows = (
        FdsSession.objects.filter(
            group_id__in=group_ids,
            status=SessionStatus.HELD,
            module_session__is_active=True,
            date__lte=until,
        )
        .order_by()
        .values("group_id", "module_session__module_id", "module_session_id")
        .annotate(first=Min("date"))
        .values_list("group_id", "module_session__module_id", "first")
    )
    firsts: dict[tuple[int, int], list[datetime.date]] = defaultdict(list)
    for group_id, module_id, first in rows:
        firsts[(group_id, module_id)].append(first)
    done: dict[int, dict[int, datetime.date]] = defaultdict(dict)
    for (group_id, module_id), days in firsts.items():
        if len(days) >= sizes.get(module_id, 0) > 0:
            done[group_id][module_id] = max(days)
    return done


def _month_starts(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months


def _trend_months(
    months: dict[datetime.date, AttendanceRate],
    first: datetime.date,
    quarter_first: datetime.date,
    last: datetime.date,
) -> list[tuple[datetime.date, AttendanceRate]]:
    """The trend's months: from the first month with a held meeting (at most three
    quarters before this one) to the quarter's last month; the quarter's own months are
    always there, a month without a meeting has no rate."""
    every = _month_starts(first, last)
    with_data = [m for m in every if months.get(m, AttendanceRate()).held]
    start = min([*with_data[:1], quarter_first.replace(day=1)])
    return [(m, months.get(m, AttendanceRate())) for m in every if m >= start]


def compute(ctx: ReportContext) -> SectionResult:
    """Six queries: the groups with their sessions (one), attendance by session date over
    the last four quarters (two), the modules completed (two), the attendance rows (one)."""
    q, prev = ctx.quarter, ctx.previous
    me = ctx.facilitator
    held = Q(sessions__status=SessionStatus.HELD)
    cur_q = held & Q(sessions__date__gte=q.first_day, sessions__date__lte=q.last_day)
    prev_q = held & Q(sessions__date__gte=prev.first_day, sessions__date__lte=prev.last_day)
    groups = list(
        FdsGroup.objects.filter(facilitator_id=me.pk)
        .annotate(cur=Count("sessions", filter=cur_q), prev=Count("sessions", filter=prev_q))
        .order_by("name", "pk")
    )
    ids = [g.pk for g in groups]
    # One read of the attendance by session date over the trend's four quarters gives the
    # rates of both quarters (per group) and of every month (the attendance trend).
    first_trend_day = q.previous.previous.previous.first_day
    by_day = attendance_rates_by_day(
        user=me, by="group", start=first_trend_day, end=q.last_day, group_ids=ids
    )
    rates: dict[int, AttendanceRate] = defaultdict(AttendanceRate)
    rates_prev: dict[int, AttendanceRate] = defaultdict(AttendanceRate)
    months: dict[datetime.date, AttendanceRate] = defaultdict(AttendanceRate)
    first_day, prev_first_day = q.first_day, prev.first_day  # computed once, not per row
    for (group_id, day), rate in by_day.items():
        if first_day <= day:
            rates[group_id] += rate
        elif prev_first_day <= day:
            rates_prev[group_id] += rate
        months[day.replace(day=1)] += rate
    completed = _modules_completed_on(ids, until=q.last_day)

    def covered(group_id: int, first: datetime.date, last: datetime.date) -> int:
        return sum(1 for day in completed.get(group_id, {}).values() if first <= day <= last)

    # Attendance rows of both quarters in the facilitator's groups, in order.
    periods: dict[str, list] = defaultdict(list)
    rows = (
        Attendance.objects.filter(
            session__group__facilitator_id=me.pk,
            session__status=SessionStatus.HELD,
            session_date__gte=prev.first_day,
            session_date__lte=q.last_day,
        )
        .order_by("household_id", "session_date", "session_id")
        .values_list("household_id", "status", "session_date")
    )
    cur, prev_rows = periods["cur"], periods["prev"]
    for household_id, status, day in rows:
        (cur if day >= first_day else prev_rows).append((household_id, status))
    absent_twice = len(_repeated_absence(periods["cur"]))
    absent_twice_prev = len(_repeated_absence(periods["prev"]))

    total = sum(rates.values(), AttendanceRate())
    total_prev = sum(rates_prev.values(), AttendanceRate())
    held_cur = sum(g.cur for g in groups)
    held_prev = sum(g.prev for g in groups)
    modules_cur = sum(covered(g, q.first_day, q.last_day) for g in ids)
    modules_prev = sum(covered(g, prev.first_day, prev.last_day) for g in ids)
    figures = [
        Figure(
            "fds.sessions_held",
            gettext_noop("Pertemuan P2K2 terlaksana"),
            gettext_noop(
                "Pertemuan berstatus terlaksana dengan tanggal di dalam triwulan, di semua "
                "kelompok pendamping ini."
            ),
            held_cur,
            held_prev,
            "pertemuan",
        ),
        Figure(
            "fds.groups_without_session",
            gettext_noop("Kelompok tanpa pertemuan"),
            gettext_noop("Kelompok aktif pendamping ini yang tidak mengadakan pertemuan."),
            sum(1 for g in groups if g.is_active and not g.cur),
            sum(1 for g in groups if g.is_active and not g.prev),
            "kelompok",
        ),
        Figure(
            "fds.attendance_pct",
            gettext_noop("Tingkat kehadiran"),
            gettext_noop(
                "Kehadiran (hadir) dibagi jumlah pasangan keluarga x pertemuan terlaksana "
                "selama keluarga menjadi anggota kelompok; sakit, izin, tidak hadir dan "
                "tidak tercatat dihitung tidak hadir."
            ),
            _pct(total),
            _pct(total_prev),
            "%",
        ),
        Figure(
            "fds.attendance_present",
            gettext_noop("Kehadiran keluarga"),
            gettext_noop(
                "Jumlah kehadiran (hadir) keluarga di pertemuan terlaksana dalam triwulan; "
                "pembilang tingkat kehadiran."
            ),
            total.present,
            total_prev.present,
            "kehadiran",
        ),
        Figure(
            "fds.attendance_expected",
            gettext_noop("Kehadiran yang diharapkan"),
            gettext_noop(
                "Jumlah pasangan keluarga x pertemuan terlaksana selama keluarga menjadi "
                "anggota kelompok; penyebut tingkat kehadiran."
            ),
            total.held,
            total_prev.held,
            "kehadiran",
        ),
        Figure(
            "fds.modules_covered",
            gettext_noop("Modul selesai"),
            gettext_noop(
                "Modul yang seluruh sesinya telah terlaksana di suatu kelompok dan selesai "
                "dalam triwulan ini (dijumlah untuk semua kelompok)."
            ),
            modules_cur,
            modules_prev,
            "modul",
        ),
        Figure(
            "fds.repeated_absence",
            gettext_noop("Keluarga tidak hadir dua kali berturut-turut"),
            gettext_noop(
                "Keluarga yang dua pertemuan berturut-turut yang tercatat dalam triwulan "
                "berstatus tidak hadir (sakit dan izin tidak dihitung)."
            ),
            absent_twice,
            absent_twice_prev,
            "keluarga",
        ),
    ]
    trend = Table(
        "fds.attendance_by_month",
        gettext_noop("Kehadiran per bulan"),
        [
            gettext_noop("Bulan"),
            gettext_noop("Kehadiran (%)"),
            gettext_noop("Hadir"),
            gettext_noop("Diharapkan"),
        ],
        [
            [month.strftime("%Y-%m"), _pct(rate), rate.present, rate.held]
            for month, rate in _trend_months(months, first_trend_day, q.first_day, q.last_day)
        ],
        translate_labels=False,
    )
    table = Table(
        "fds.by_group",
        gettext_noop("Pertemuan menurut kelompok"),
        [
            gettext_noop("Kelompok"),
            gettext_noop("Pertemuan triwulan ini"),
            gettext_noop("Pertemuan triwulan sebelumnya"),
            gettext_noop("Kehadiran (%)"),
            gettext_noop("Kehadiran sebelumnya (%)"),
            gettext_noop("Modul selesai"),
        ],
        [
            [
                g.name,
                g.cur,
                g.prev,
                _pct(rates.get(g.pk, AttendanceRate())),
                _pct(rates_prev.get(g.pk, AttendanceRate())),
                covered(g.pk, q.first_day, q.last_day),
            ]
            for g in groups
        ],
        translate_labels=False,
    )
    return SectionResult(figures=figures, tables=[table, trend])
