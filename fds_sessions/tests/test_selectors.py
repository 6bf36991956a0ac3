import datetime

import pytest
from django.utils import timezone

from fds_sessions.models import AttendanceStatus, FdsModuleSession, GroupMembership
from fds_sessions.selectors import family as family_selectors
from fds_sessions.selectors import figures as figure_selectors
from fds_sessions.selectors import followups as followup_selectors
from fds_sessions.selectors import modules as module_selectors
from fds_sessions.selectors.figures import AttendanceRate
from fds_sessions.tests.factories import GroupFactory, add_families, curriculum, held_session
from households.models import Household, VisitPurpose
from households.tests.factories import VisitFactory

pytestmark = pytest.mark.django_db

P, S, E, A = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.SICK,
    AttendanceStatus.EXCUSED,
    AttendanceStatus.ABSENT,
)
YEAR = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))


def d(month, day=10, year=2025):
    return datetime.date(year, month, day)


@pytest.fixture
def two_groups(facilitator):
    return (
        GroupFactory(facilitator=facilitator, name="Melati"),
        GroupFactory(facilitator=facilitator, name="Mawar"),
    )


def test_rate_counts_only_sessions_held_while_in_the_group(two_groups, facilitator):
    melati, mawar = two_groups
    stayer, mover = add_families(melati, 2, joined_on=d(1, 1))
    # The mover leaves Melati on 1 April for Mawar.
    GroupMembership.objects.filter(household=mover).update(left_on=d(4, 1))
    GroupMembership.objects.create(household=mover, group=mawar, joined_on=d(4, 1))
    Household.objects.filter(pk=mover.pk).update(fds_group=mawar)
    for month in (1, 2, 3):
        held_session(melati, d(month), {stayer.pk: P, mover.pk: A if month == 1 else P})
    for month in (4, 5):
        held_session(melati, d(month), {stayer.pk: E})
        held_session(mawar, d(month), {mover.pk: P if month == 4 else S})
    rates = figure_selectors.attendance_rates(
        user=facilitator, by="household", start=YEAR[0], end=YEAR[1]
    )
    assert rates[stayer.pk] == AttendanceRate(present=3, held=5)
    assert rates[mover.pk] == AttendanceRate(present=3, held=5)
    by_group = figure_selectors.attendance_rates(
        user=facilitator, by="group", start=YEAR[0], end=YEAR[1]
    )
    assert by_group[melati.pk] == AttendanceRate(present=5, held=8)
    assert by_group[mawar.pk] == AttendanceRate(present=1, held=2)
    by_facilitator = figure_selectors.attendance_rates(
        user=facilitator, by="facilitator", start=YEAR[0], end=YEAR[1]
    )
    assert by_facilitator[facilitator.pk] == AttendanceRate(present=6, held=10)
    assert by_facilitator[facilitator.pk].percent == 60


def test_rate_period_bounds_and_unrecorded_sessions(two_groups, facilitator):
    melati, _ = two_groups
    family, late = add_families(melati, 2, joined_on=d(1, 1))
    GroupMembership.objects.filter(household=late).update(joined_on=d(3, 10))
    held_session(melati, d(2), {family.pk: P})
    held_session(melati, d(3), {family.pk: P, late.pk: P})
    held_session(melati, d(4), {})  # attendance not recorded: counts as not present
    march_april = figure_selectors.attendance_rates(
        user=facilitator, by="household", start=d(3, 1), end=d(4, 30)
    )
    assert march_april[family.pk] == AttendanceRate(present=1, held=2)
    assert march_april[late.pk] == AttendanceRate(present=1, held=2)
    only_feb = figure_selectors.attendance_rates(
        user=facilitator, by="household", start=d(2, 1), end=d(2, 28)
    )
    assert late.pk not in only_feb


def test_rates_are_scoped(two_groups, facilitator, other_facilitator, supervisor, other_supervisor):
    melati, _ = two_groups
    family = add_families(melati, 1, joined_on=d(1, 1))[0]
    held_session(melati, d(2), {family.pk: P})
    for user, sees in (
        (facilitator, True),
        (supervisor, True),
        (other_facilitator, False),
        (other_supervisor, False),
    ):
        for by in ("household", "group", "facilitator"):
            rates = figure_selectors.attendance_rates(user=user, by=by, start=YEAR[0], end=YEAR[1])
            assert bool(rates) is sees, (user, by)


def test_modules_completed(two_groups, facilitator):
    melati, mawar = two_groups
    family = add_families(melati, 1)[0]
    module_one = list(FdsModuleSession.objects.filter(module__number=1).order_by("order"))
    for i, item in enumerate(module_one):
        held_session(melati, d(i + 1), {family.pk: P}, module_session=item)
    held_session(mawar, d(1), {}, module_session=module_one[0])
    done = figure_selectors.modules_completed(user=facilitator, group_ids=[melati.pk, mawar.pk])
    assert [m.number for m in done[melati.pk]] == [1]
    assert mawar.pk not in done
    until_march = figure_selectors.modules_completed(
        user=facilitator, group_ids=[melati.pk], until=d(3, 31)
    )
    assert melati.pk not in until_march
    # Retiring module 1's last session: the three held by March now complete it.
    module_one[3].is_active = False
    module_one[3].save()
    done = figure_selectors.modules_completed(
        user=facilitator, group_ids=[melati.pk], until=d(3, 31)
    )
    assert [m.number for m in done[melati.pk]] == [1]


def test_groups_without_session_this_month(two_groups, facilitator, other_facilitator):
    melati, mawar = two_groups
    add_families(melati, 1)
    add_families(mawar, 1)
    empty = GroupFactory(facilitator=facilitator, name="Kosong")
    held_session(melati, timezone.localdate(), {})
    idle = set(figure_selectors.groups_without_session(user=facilitator))
    assert idle == {mawar}
    assert empty not in idle
    assert not figure_selectors.groups_without_session(user=other_facilitator).exists()


def test_next_module_session_skips_held_planned_and_retired(two_groups, facilitator):
    melati, _ = two_groups
    first, second, third = curriculum(3)
    assert module_selectors.next_module_session(group=melati) == first
    held_session(melati, d(1), {}, module_session=first)
    second.is_active = False
    second.save()
    assert module_selectors.next_module_session(group=melati) == third


def test_session_plan_suggestion_starts_again_after_the_whole_curriculum(two_groups, facilitator):
    melati, _ = two_groups
    sessions = curriculum()
    assert module_selectors.session_plan_suggestion(group=melati) == (sessions[0], False)
    for n, item in enumerate(sessions):
        held_session(melati, d(1) + datetime.timedelta(days=7 * n), {}, module_session=item)
    assert module_selectors.next_module_session(group=melati) is None
    assert module_selectors.session_plan_suggestion(group=melati) == (sessions[0], True)
    # After a repeat of the third session, the fourth.
    held_session(melati, d(12), {}, module_session=sessions[2])
    assert module_selectors.session_plan_suggestion(group=melati) == (sessions[3], True)


def test_followups_two_absences_in_a_row(two_groups, facilitator, other_facilitator):
    melati, _ = two_groups
    today = timezone.localdate()
    twice, excused, recovered, visited, early_visit = add_families(melati, 5, joined_on=d(1, 1))
    s1, s2, s3 = (today - datetime.timedelta(days=n) for n in (70, 40, 10))
    held_session(
        melati,
        s1,
        {twice.pk: P, excused.pk: A, recovered.pk: A, visited.pk: P, early_visit.pk: P},
    )
    held_session(
        melati,
        s2,
        {twice.pk: A, excused.pk: E, recovered.pk: A, visited.pk: A, early_visit.pk: A},
    )
    held_session(
        melati,
        s3,
        {twice.pk: A, excused.pk: A, recovered.pk: P, visited.pk: A, early_visit.pk: A},
    )
    VisitFactory(household=visited, date=s3, purpose=VisitPurpose.FDS_FOLLOWUP)
    VisitFactory(household=early_visit, date=s2, purpose=VisitPurpose.FDS_FOLLOWUP)
    VisitFactory(household=twice, date=today, purpose=VisitPurpose.VERIFICATION)
    due = followup_selectors.fds_followups_due(user=facilitator, today=today)
    assert [f.household_id for f in due] == sorted([twice.pk, early_visit.pk])
    item = next(f for f in due if f.household_id == twice.pk)
    assert (item.absent_since, item.last_absence) == (s2, s3)
    assert item.pengurus_name
    assert followup_selectors.fds_followups_due(user=other_facilitator, today=today) == []


def test_family_summary(two_groups, facilitator):
    melati, _ = two_groups
    family = add_families(melati, 1, joined_on=d(1, 1))[0]
    held_session(melati, d(2), {family.pk: P})
    held_session(melati, d(3), {family.pk: S})
    summary = family_selectors.household_fds_summary(user=facilitator, household=family, year=2025)
    assert summary.group == melati and summary.group_visible
    assert summary.rate == AttendanceRate(present=1, held=2)
    assert [a.status for a in summary.recent] == [S, P]


def test_module_session_get_brings_its_module_in_one_query(regions, django_assert_num_queries):
    first = curriculum(1)[0]
    number = first.module.number
    with django_assert_num_queries(1):
        item = module_selectors.module_session_get(pk=first.pk)
        assert item.module.number == number
    assert module_selectors.module_get(pk=first.module_id) == first.module


def test_module_gets_answer_404_for_an_unknown_id(regions):
    from django.http import Http404

    with pytest.raises(Http404):
        module_selectors.module_get(pk=999999)
    with pytest.raises(Http404):
        module_selectors.module_session_get(pk=999999)
