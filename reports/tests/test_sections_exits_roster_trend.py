"""Exits typed on the family page, targets under non-calendar quarters, roster additions by
import vs typed in, and the monthly attendance trend: each against figures counted here
from the test's own plan (not the sections' queries)."""

import datetime
import random

import pytest

from accounts.tests.factories import AdminFactory
from fds_sessions.models import AttendanceStatus
from fds_sessions.tests.factories import GroupFactory, add_families, held_session
from graduation.models import Graduation, GraduationSource
from graduation.selectors import targets as target_selectors
from graduation.services import graduations as graduation_services
from graduation.services import targets as target_services
from households.models import ExitType, Household, HouseholdStatus
from households.services import household_update
from imports.models import RosterImport
from reports.quarters import Quarter
from reports.sections.roster import IMPORT_REASON_PREFIX
from reports.snapshot import snapshot_build
from reports.tests.factories import household_at

pytestmark = pytest.mark.django_db

Q = Quarter(2026, 2)
P = Q.previous
BEFORE = Q.start - datetime.timedelta(days=200)


def _table(snapshot, key):
    return next(t for s in snapshot["sections"] for t in s.get("tables", []) if t["key"] == key)


# --- exits typed by an admin on the family page --------------------------------------------


def test_exits_typed_on_the_family_page_count_as_exits(pair):
    me, other = pair
    admin = AdminFactory()
    day_q = Q.first_day + datetime.timedelta(days=20)
    day_p = P.first_day + datetime.timedelta(days=15)
    # (facilitator, exit type, status, status date): what the admin types on the edit page.
    typed = [
        (me, ExitType.GRADUASI_MANDIRI, HouseholdStatus.GRADUATED, day_q),
        (me, ExitType.GRADUASI_MANDIRI, HouseholdStatus.GRADUATED, day_q),
        (me, ExitType.GRADUASI_ALAMIAH, HouseholdStatus.GRADUATED, day_p),
        (me, ExitType.NON_COMPLIANCE, HouseholdStatus.EXITED, day_q),
        (me, ExitType.MOVED, HouseholdStatus.EXITED, Q.last_day + datetime.timedelta(days=3)),
        (other, ExitType.GRADUASI_MANDIRI, HouseholdStatus.GRADUATED, day_q),
    ]
    households = []
    for who, exit_type, status, day in typed:
        h = household_at(when=BEFORE, facilitator=who)
        household_update(
            household=h,
            by=admin,
            status=status,
            status_date=day,
            status_reason="Dicatat dari berita acara",
            exit_type=exit_type,
        )
        households.append(h)
    # Later edits of an exited family (a corrected phone number) are not a second exit.
    household_update(household=households[0], by=admin, phone="081234567890")
    # A suspension is not an exit.
    suspended = household_at(when=BEFORE, facilitator=me)
    household_update(
        household=suspended,
        by=admin,
        status=HouseholdStatus.SUSPENDED,
        status_date=day_q,
        status_reason="Tidak memenuhi komitmen",
    )
    # An exit through the graduation app is counted once (its Graduation row), although it
    # changes the family's status too.
    via_app = household_at(when=BEFORE, facilitator=me, components=())
    graduation_services.natural_graduation_confirm(household=via_app, by=me, date=day_q)
    assert Graduation.objects.filter(household=via_app, source=GraduationSource.NATURAL).exists()

    _, summary = snapshot_build(facilitator=me, quarter=Q)

    def count(quarter, kinds=None, exclude=()):
        return sum(
            1
            for who, kind, _status, day in typed
            if who == me
            and quarter.first_day <= day <= quarter.last_day
            and (kinds is None or kind in kinds)
            and kind not in exclude
        )

    own, natural = ExitType.GRADUASI_MANDIRI, ExitType.GRADUASI_ALAMIAH
    want = {
        "graduation.self_approved": count(Q, {own}),
        "graduation.self_approved__prev": count(P, {own}),
        "graduation.natural": count(Q, {natural}) + 1,  # + the one through the app
        "graduation.natural__prev": count(P, {natural}),
        "graduation.other_exits": count(Q, exclude={own, natural}),
        "graduation.other_exits__prev": count(P, exclude={own, natural}),
        "graduation.typed_exits": count(Q),
        "graduation.typed_exits__prev": count(P),
    }
    assert {k: summary[k] for k in want} == want
    assert want["graduation.self_approved"] == 2 and want["graduation.typed_exits"] == 3


def test_a_typed_exit_counts_for_the_facilitator_at_the_time(pair):
    me, other = pair
    admin = AdminFactory()
    h = household_at(when=BEFORE, facilitator=me)
    household_update(
        household=h,
        by=admin,
        status=HouseholdStatus.EXITED,
        status_date=Q.first_day + datetime.timedelta(days=5),
        status_reason="Meninggal dunia",
        exit_type=ExitType.DECEASED,
    )
    # Moved to a colleague afterwards (a correction of the caseload): still my exit.
    h.refresh_from_db()
    h.facilitator = other
    h.save()
    _, mine = snapshot_build(facilitator=me, quarter=Q)
    _, theirs = snapshot_build(facilitator=other, quarter=Q)
    assert (mine["graduation.other_exits"], theirs["graduation.other_exits"]) == (1, 0)


# --- targets follow PKH_QUARTER_FIRST_MONTH ----------------------------------------------


def test_targets_and_exits_follow_a_fiscal_year_quarter(settings, pair):
    settings.PKH_QUARTER_FIRST_MONTH = 4  # quarters April-June, July-September, ...
    me, _ = pair
    may = datetime.date(2026, 5, 12)
    year, number = target_selectors.quarter_of(may)
    quarter = Quarter.containing(may)
    assert (year, number) == (quarter.year, quarter.number) == (2026, 1)
    assert (
        target_selectors.quarter_bounds(year, number)
        == (
            quarter.first_day,
            quarter.last_day,
        )
        == (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
    )
    # The supervisor sets the target on the graduation page for the quarter holding May.
    target_services.targets_set(by=me.supervisor, year=year, quarter=number, targets={me.pk: 7})
    h = household_at(when=BEFORE, facilitator=me)
    Graduation.objects.create(
        household=h,
        exit_type=ExitType.GRADUASI_MANDIRI,
        date=may,
        source=GraduationSource.PROPOSAL,
        facilitator=me,
        recorded_by=me,
    )
    _, summary = snapshot_build(facilitator=me, quarter=quarter)
    assert summary["graduation.target"] == 7
    assert summary["graduation.self_approved"] == 1
    assert summary["graduation.behind_target"] == 6
    # The previous quarter (January-March 2026) is quarter 4 of the year that began in
    # April 2025: its default target is the fourth quarter's.
    yearly = settings.PKH_GRADUATION_YEARLY_TARGET
    assert summary["graduation.target__prev"] == yearly // 4 + (1 if yearly % 4 >= 4 else 0)


# --- roster: added by import vs typed in --------------------------------------------------


def test_new_families_are_split_by_import_and_typed_in(pair):
    me, _ = pair
    roster_import = RosterImport(pk=12, file_name="roster-jetis-2026.xlsx")
    assert roster_import.change_reason.startswith(IMPORT_REASON_PREFIX)
    plan = [  # (created, by import)
        (Q.start + datetime.timedelta(days=3), True),
        (Q.start + datetime.timedelta(days=9), True),
        (Q.start + datetime.timedelta(days=30), False),
        (P.start + datetime.timedelta(days=10), True),
        (P.start + datetime.timedelta(days=11), False),
        (P.start + datetime.timedelta(days=12), False),
        (BEFORE, True),  # before both quarters: not new
    ]
    for when, imported in plan:
        h = household_at(when=when, facilitator=me)
        if imported:
            Household.history.filter(id=h.pk, history_type="+").update(
                history_change_reason=roster_import.change_reason
            )
    # An import that later updated a typed-in family does not make it "added by import".
    typed = Household.objects.filter(facilitator=me).order_by("created_at").last()
    typed.phone = "081298765432"
    typed._change_reason = roster_import.change_reason
    typed.save()

    snapshot, summary = snapshot_build(facilitator=me, quarter=Q)

    def added(quarter, imported=None):
        return sum(
            1
            for when, by_import in plan
            if quarter.start <= when < quarter.end and imported in (None, by_import)
        )

    want = {
        "roster.added": added(Q),
        "roster.added__prev": added(P),
        "roster.added_import": added(Q, True),
        "roster.added_import__prev": added(P, True),
        "roster.added_typed": added(Q, False),
        "roster.added_typed__prev": added(P, False),
    }
    assert (
        {k: summary[k] for k in want}
        == want
        == {
            "roster.added": 3,
            "roster.added__prev": 3,
            "roster.added_import": 2,
            "roster.added_import__prev": 1,
            "roster.added_typed": 1,
            "roster.added_typed__prev": 2,
        }
    )
    rows = {r[0]: r[1:] for r in _table(snapshot, "roster.summary")["rows"]}
    assert rows["Keluarga baru dari impor daftar"] == [2, 1, 1]


# --- attendance trend per month ------------------------------------------------------------


STATUSES = list(AttendanceStatus.values)


def _months(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    out, day = [], first.replace(day=1)
    while day <= last:
        out.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_attendance_trend_per_month_matches_the_data(pair, seed):
    rng = random.Random(seed)
    me, other = pair
    g1, g2 = GroupFactory(facilitator=me), GroupFactory(facilitator=me)
    g3 = GroupFactory(facilitator=other)
    members = {g.pk: add_families(g, n) for g, n in [(g1, 4), (g2, 3), (g3, 2)]}
    oldest = P.previous.first_day  # three quarters of data, the trend shows from here
    sessions = []  # (group, date, {household: status})
    for group in (g1, g2, g3):
        for month in _months(oldest, Q.last_day):
            if rng.random() < 0.2:
                continue  # a month without a meeting
            day = month + datetime.timedelta(days=rng.randrange(25))
            statuses = {h.pk: rng.choice(STATUSES) for h in members[group.pk]}
            held_session(group, day, statuses)
            sessions.append((group, day, statuses))
    # After the quarter: not in it.
    held_session(
        g1, Q.last_day + datetime.timedelta(days=2), {h.pk: "present" for h in members[g1.pk]}
    )

    snapshot, summary = snapshot_build(facilitator=me, quarter=Q)

    def month_figures(month):
        rows = [
            s
            for group, day, statuses in sessions
            if group in (g1, g2) and day.replace(day=1) == month
            for s in statuses.values()
        ]
        present = sum(s == "present" for s in rows)
        return present, len(rows)

    months = _months(oldest, Q.last_day)
    with_data = [m for m in months if month_figures(m)[1]]
    expected = []
    for month in months:
        if month < min(with_data[0], Q.first_day):
            continue
        present, held = month_figures(month)
        pct = round(100 * present / held, 1) if held else None
        expected.append([month.strftime("%Y-%m"), pct, present, held])
    assert _table(snapshot, "fds.attendance_by_month")["rows"] == expected
    # The quarter's months add up to the quarter's figures.
    in_q = [r for r in expected if r[0] >= Q.first_day.strftime("%Y-%m")]
    assert len(in_q) == 3
    assert sum(r[2] for r in in_q) == summary["fds.attendance_present"]
    assert sum(r[3] for r in in_q) == summary["fds.attendance_expected"]


def test_attendance_trend_always_shows_the_quarters_months(pair):
    me, _ = pair
    group = GroupFactory(facilitator=me)
    families = add_families(group, 2)
    held_session(group, Q.first_day + datetime.timedelta(days=40), {families[0].pk: "present"})
    snapshot, _ = snapshot_build(facilitator=me, quarter=Q)
    rows = _table(snapshot, "fds.attendance_by_month")["rows"]
    assert rows == [["2026-04", None, 0, 0], ["2026-05", 50.0, 1, 2], ["2026-06", None, 0, 0]]
