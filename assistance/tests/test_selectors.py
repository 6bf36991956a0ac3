import datetime

import pytest

from accounts.tests.factories import FacilitatorFactory
from assistance.models import Aid, AidEnrolment, AidStatus
from assistance.selectors.catalogue import aid_choices
from assistance.selectors.coverage import (
    aid_coverage_by_facilitator,
    aid_coverage_by_village,
    coverage_total,
)
from assistance.selectors.gap import aid_gap_list
from assistance.selectors.panel import household_aid_panel
from assistance.selectors.resources import resource_list
from assistance.services.aid_status import aid_status_set
from assistance.services.coverage import coverage_counts_rebuild
from assistance.services.roster import roster_aid_apply
from assistance.tests.factories import ResourceFactory
from households.tests.factories import household_with_members
from regions.models import Region

pytestmark = pytest.mark.django_db

YESTERDAY = datetime.date.today() - datetime.timedelta(days=1)


def _receive(household, code, by, member=None):
    aid_status_set(
        household=household,
        aid=Aid.objects.get(code=code),
        member=member,
        status=AidStatus.RECEIVING,
        since=YESTERDAY,
        by=by,
    )


def test_coverage_by_facilitator_and_village(facilitator, other_facilitator, supervisor):
    canden = Region.objects.get(code="34.02.09.2002")
    mine = [household_with_members(facilitator=facilitator) for _ in range(4)]
    theirs = household_with_members(facilitator=other_facilitator, village=canden)
    for household in mine[:3]:
        _receive(household, "KKS", facilitator)
    _receive(mine[3], "SEMBAKO", facilitator)
    aid_status_set(
        household=mine[2],
        aid=Aid.objects.get(code="SEMBAKO"),
        status=AidStatus.PROPOSED,
        since=YESTERDAY,
        by=facilitator,
    )
    aid_status_set(
        household=theirs,
        aid=Aid.objects.get(code="KKS"),
        status=AidStatus.NOT_ELIGIBLE,
        since=YESTERDAY,
        by=other_facilitator,
    )

    rows = aid_coverage_by_facilitator(user=supervisor)
    by_key = {r.key: r for r in rows}
    kks = by_key[facilitator.pk].aids["KKS"]
    assert (kks.receiving, kks.not_receiving, kks.proposed, kks.percent) == (3, 1, 0, 75.0)
    sembako = by_key[facilitator.pk].aids["SEMBAKO"]
    assert (sembako.receiving, sembako.not_receiving, sembako.proposed) == (1, 2, 1)
    assert sembako.percent == 25.0
    assert "KKS" not in by_key[other_facilitator.pk].aids  # not eligible: not counted
    kis = by_key[facilitator.pk].aids["KIS"]
    assert (kis.receiving, kis.eligible, kis.percent) == (0, 16, 0.0)

    villages = {r.key: r for r in aid_coverage_by_village(user=supervisor)}
    assert set(villages) == {"34.02.09.2001", "34.02.09.2002"}
    assert villages["34.02.09.2001"].label == "Patalan"
    assert villages["34.02.09.2001"].aids["KKS"] == kks
    total = coverage_total(list(villages.values()))
    assert total["SEMBAKO"].eligible == 5

    # Scoped: a facilitator sees only their own row.
    assert [r.key for r in aid_coverage_by_facilitator(user=other_facilitator)] == [
        other_facilitator.pk
    ]


def test_coverage_queries_do_not_grow(facilitator, supervisor, django_assert_max_num_queries):
    household_with_members(facilitator=facilitator)
    with django_assert_max_num_queries(2):
        aid_coverage_by_facilitator(user=supervisor)
    for _ in range(5):
        household_with_members(facilitator=FacilitatorFactory(supervisor=supervisor))
    with django_assert_max_num_queries(2):
        assert len(aid_coverage_by_facilitator(user=supervisor)) == 6
    with django_assert_max_num_queries(2):
        aid_coverage_by_village(user=supervisor)


def test_gap_list_is_scoped_and_filtered(facilitator, other_team_facilitator, admin_user):
    mine = household_with_members(facilitator=facilitator)
    household_with_members(facilitator=other_team_facilitator)
    _receive(mine, "KKS", facilitator)
    rows = list(aid_gap_list(user=facilitator))
    assert {r.household_id for r in rows} == {mine.pk}
    assert {r.aid_id for r in rows} == {"KIP", "KIS", "SEMBAKO"}
    assert all(r.status == AidStatus.ELIGIBLE for r in rows)
    assert {r.aid_id for r in aid_gap_list(user=facilitator, aid="KIS")} == {"KIS"}
    assert not aid_gap_list(user=facilitator, village="34.02.09.2002").exists()
    assert len({r.household_id for r in aid_gap_list(user=admin_user)}) == 2
    assert aid_gap_list(user=admin_user, facilitator=facilitator.pk).count() == len(rows)


def test_resources_visible_in_the_area_and_above(facilitator, other_team_facilitator, regions):
    household_with_members(facilitator=facilitator)
    patalan = ResourceFactory(name="Kantor Desa Patalan")
    dinsos = ResourceFactory(
        name="Dinas Sosial Bantul", kind="dinsos", area=regions.get(code="34.02")
    )
    canden = ResourceFactory(name="Kantor Desa Sumberagung", area=regions.get(code="34.02.09.2003"))
    semarang = ResourceFactory(name="Dinsos Kota Semarang", area=regions.get(code="33.74"))
    mine = set(resource_list(user=facilitator))
    assert mine == {patalan, dinsos}
    theirs = set(resource_list(user=other_team_facilitator))
    assert theirs == {canden, dinsos}
    assert semarang not in theirs


def test_panel_shows_each_subject_and_what_the_rule_says(facilitator):
    household = household_with_members(facilitator=facilitator)
    AidEnrolment.objects.filter(household=household, aid="KIS").delete()  # not yet stored
    panel = {item.aid.code: item for item in household_aid_panel(household=household)}
    assert len(panel["KIS"].lines) == 4
    assert all(line.status == AidStatus.ELIGIBLE for line in panel["KIS"].lines)
    kip_lines = panel["KIP"].lines
    assert [line.status for line in kip_lines] == [AidStatus.ELIGIBLE]  # the SD child only
    assert [line.status for line in panel["RTLH"].lines] == [AidStatus.NOT_ELIGIBLE]


def _rollup():
    from assistance.models import CoverageCount

    return sorted(
        CoverageCount.objects.values_list(
            "facilitator_id", "village_id", "aid_id", "receiving", "not_receiving", "proposed"
        )
    )


def test_coverage_rollup_stays_equal_to_a_full_recount(facilitator, other_facilitator, admin_user):
    from households.models import MemberExit
    from households.services import households_transfer, member_save

    families = [household_with_members(facilitator=facilitator) for _ in range(3)]
    _receive(families[0], "KKS", facilitator)
    roster_aid_apply(
        member_flags={m.pk: {"KIS": True} for m in families[1].members.all()},
        household_flags={families[2].pk: {"SEMBAKO": True}},
        by=admin_user,
        on=YESTERDAY,
    )
    households_transfer(
        households=[families[1].pk], to_facilitator=other_facilitator, by=admin_user
    )
    child = families[2].members.get(components__code="SD")
    member_save(
        household=families[2],
        member=child,
        by=facilitator,
        left_on=YESTERDAY,
        left_reason=MemberExit.MOVED,
    )
    families[0].status = "exited"
    families[0].save()
    incremental = _rollup()
    assert incremental
    coverage_counts_rebuild()
    assert _rollup() == incremental


def test_aid_choices_are_the_active_aids_in_catalogue_order(regions):
    retired = Aid.objects.order_by("code").first()
    Aid.objects.filter(pk=retired.pk).update(is_active=False)
    choices = list(aid_choices())
    assert retired not in choices
    assert choices == sorted(choices, key=lambda a: (a.order, a.code))
    assert len(choices) == Aid.objects.filter(is_active=True).count() > 0
