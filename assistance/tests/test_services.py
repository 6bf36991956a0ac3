import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.tests.factories import FacilitatorFactory
from assistance import services
from assistance.models import (
    AdvocacyCase,
    Aid,
    AidEnrolment,
    AidStatus,
    CaseKind,
    CaseStatus,
    Resource,
    StatusSource,
)
from assistance.tests.conftest import member_by_component
from assistance.tests.factories import CaseFactory, ResourceFactory
from households.models import Component, ExitType, Household, HouseholdStatus, Member, MemberExit
from households.services import household_update, member_save
from households.tests.factories import HouseholdFactory, MemberFactory, household_with_members
from regions.models import Region

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
YESTERDAY = TODAY - datetime.timedelta(days=1)
TOMORROW = TODAY + datetime.timedelta(days=1)


def statuses(household):
    return {
        (e.aid_id, e.member_id): e.status for e in AidEnrolment.objects.filter(household=household)
    }


# ---------------------------------------------------------------- catalogue seed


def test_catalogue_is_seeded_with_rules_as_data():
    aids = {a.code: a for a in Aid.objects.prefetch_related("components")}
    assert set(aids) == {"KIP", "KIS", "SEMBAKO", "KKS", "RTLH", "KUBE", "PENA"}
    kip = aids["KIP"]
    assert kip.per_member and kip.card_label == "NISN" and kip.card_pattern == r"\d{10}"
    assert {c.code for c in kip.components.all()} == {"SD", "SMP", "SMA"}
    assert (kip.min_age, kip.max_age) == (6, 21)
    assert aids["KIS"].per_member and aids["KIS"].card_pattern == r"\d{13}"
    assert not aids["SEMBAKO"].per_member and not aids["KKS"].per_member
    assert all(a.ministry and a.summary and a.regulation for a in aids.values())


# ---------------------------------------------------------------- eligibility


def test_rule_rows_appear_when_a_family_is_registered(family):
    rows = statuses(family)
    child = member_by_component(family, "SD")
    grandmother = member_by_component(family, "LANSIA")
    active_members = list(family.members.values_list("pk", flat=True))
    assert rows[("KIP", child.pk)] == AidStatus.ELIGIBLE
    assert ("KIP", grandmother.pk) not in rows
    assert {m for (aid, m) in rows if aid == "KIS"} == set(active_members)
    assert rows[("SEMBAKO", None)] == rows[("KKS", None)] == AidStatus.ELIGIBLE
    assert not any(aid in ("RTLH", "KUBE", "PENA") for aid, _m in rows)


def test_refresh_is_idempotent_and_set_based(family, django_assert_max_num_queries):
    household_with_members(facilitator=family.facilitator)
    assert services.aid_eligibility_refresh() == 0
    AidEnrolment.objects.all().delete()
    ids = list(Household.objects.values_list("pk", flat=True))
    with django_assert_max_num_queries(20):
        written = services.aid_eligibility_refresh(household_ids=ids)
    assert written == AidEnrolment.objects.count() > 0
    assert services.aid_eligibility_refresh(household_ids=ids) == 0


def test_member_leaving_follows_the_rule_but_keeps_what_a_user_set(family, facilitator):
    child = member_by_component(family, "SD")
    mother = family.members.get(is_pengurus=True)
    services.aid_status_set(
        household=family,
        aid=Aid.objects.get(code="KIS"),
        member=mother,
        status=AidStatus.RECEIVING,
        since=YESTERDAY,
        card_number="0001234567890",
        by=facilitator,
    )
    member_save(
        household=family, member=child, by=facilitator, left_on=TODAY, left_reason=MemberExit.MOVED
    )
    kip = AidEnrolment.objects.get(aid="KIP", member=child)
    assert kip.status == AidStatus.NOT_ELIGIBLE and not kip.in_programme
    member_save(
        household=family, member=mother, by=facilitator, left_on=TODAY, left_reason=MemberExit.MOVED
    )
    kis = AidEnrolment.objects.get(aid="KIS", member=mother)
    assert kis.status == AidStatus.RECEIVING and not kis.in_programme


def test_component_added_makes_a_child_eligible_for_kip(family, facilitator):
    toddler = member_by_component(family, "ANAK_USIA_DINI")
    eight = TODAY.replace(year=TODAY.year - 8, month=1, day=1)
    member_save(household=family, member=toddler, by=facilitator, birth_date=eight)
    assert not AidEnrolment.objects.filter(aid="KIP", member=toddler).exists()
    member_save(
        household=family,
        member=toddler,
        by=facilitator,
        components=Component.objects.filter(code__in=["ANAK_USIA_DINI", "SD"]),
    )
    assert AidEnrolment.objects.get(aid="KIP", member=toddler).status == AidStatus.ELIGIBLE
    member_save(
        household=family,
        member=toddler,
        by=facilitator,
        components=Component.objects.filter(code="ANAK_USIA_DINI"),
    )
    assert AidEnrolment.objects.get(aid="KIP", member=toddler).status == AidStatus.NOT_ELIGIBLE


def test_family_leaving_the_programme_leaves_the_figures(family, admin_user):
    household_update(
        household=family,
        by=admin_user,
        status=HouseholdStatus.EXITED,
        status_date=TODAY,
        status_reason="Pindah ke luar kabupaten",
        exit_type=ExitType.MOVED,
    )
    assert not AidEnrolment.objects.filter(household=family, in_programme=True).exists()
    assert AidEnrolment.objects.get(household=family, aid="KKS").status == AidStatus.NOT_ELIGIBLE


# ---------------------------------------------------------------- aid status


def _set(family, by, code, member=None, **kwargs):
    data = {"status": AidStatus.RECEIVING, "since": YESTERDAY, "card_number": ""}
    data.update(kwargs)
    return services.aid_status_set(
        household=family, aid=Aid.objects.get(code=code), member=member, by=by, **data
    )


def test_status_set_records_history_and_normalises_card_number(family, facilitator):
    child = member_by_component(family, "SD")
    row = _set(family, facilitator, "KIP", child, card_number="0012 345 678")
    assert row.card_number == "0012345678" and row.source == StatusSource.USER
    assert row.history.first().history_user == facilitator
    assert row.history.count() == 2  # made by the rule, then set by the facilitator


@pytest.mark.parametrize(
    ("code", "number"),
    [("KIP", "12345"), ("KIS", "123456789012"), ("KKS", "60130100000000AB"), ("SEMBAKO", "123")],
)
def test_card_number_in_the_wrong_format_is_refused(family, facilitator, code, number):
    member = member_by_component(family, "SD") if code in ("KIP", "KIS") else None
    before = statuses(family)
    with pytest.raises(ValidationError) as exc:
        _set(family, facilitator, code, member, card_number=number)
    assert "card_number" in exc.value.error_dict
    assert statuses(family) == before


def test_kip_for_a_seventy_year_old_is_refused(family, facilitator):
    grandmother = member_by_component(family, "LANSIA")
    with pytest.raises(ValidationError) as exc:
        _set(family, facilitator, "KIP", grandmother, card_number="0012345678")
    assert "6-21" in str(exc.value) and "70" in str(exc.value)
    assert not AidEnrolment.objects.filter(member=grandmother, aid="KIP").exists()


def test_status_date_in_the_future_is_refused(family, facilitator):
    with pytest.raises(ValidationError) as exc:
        _set(family, facilitator, "KKS", since=TOMORROW)
    assert "since" in exc.value.error_dict
    assert AidEnrolment.objects.get(household=family, aid="KKS").status == AidStatus.ELIGIBLE


def test_receiving_needs_a_date_and_per_member_aid_needs_a_member(family, facilitator):
    with pytest.raises(ValidationError):
        _set(family, facilitator, "KKS", since=None)
    with pytest.raises(ValidationError):
        _set(family, facilitator, "KIS", None)
    other = MemberFactory()
    with pytest.raises(ValidationError):
        _set(family, facilitator, "KIS", other)


def test_only_the_familys_facilitator_or_regions_admin_may_set(
    family, other_facilitator, supervisor, admin_user, other_region_admin
):
    for user in (other_facilitator, supervisor, other_region_admin):
        with pytest.raises(ValidationError):
            _set(family, user, "KKS", card_number="6013010000000001")
    assert _set(family, admin_user, "KKS").status == AidStatus.RECEIVING


# ---------------------------------------------------------------- roster


def test_roster_aid_apply_sets_statuses_in_bulk(facilitator, django_assert_max_num_queries):
    families = [household_with_members(facilitator=facilitator) for _ in range(30)]
    member_flags, household_flags = {}, {}
    for i, household in enumerate(families):
        for member in household.members.all():
            member_flags[member.pk] = {"KIS": i % 2 == 0, "KIP": i % 3 == 0}
        household_flags[household.pk] = {"SEMBAKO": True, "KKS": i % 5 != 0, "XYZ": True}
    on = YESTERDAY
    with django_assert_max_num_queries(40):
        changed = services.roster_aid_apply(
            member_flags=member_flags, household_flags=household_flags, by=facilitator, on=on
        )
    receiving = AidEnrolment.objects.filter(status=AidStatus.RECEIVING)
    assert receiving.filter(aid="SEMBAKO").count() == 30
    assert receiving.filter(aid="KKS").count() == 24
    assert receiving.filter(aid="KIS").count() == 15 * 4
    # KIP=Y for the SD child and for non-students: the roster is the national record.
    assert receiving.filter(aid="KIP").count() == 10 * 4
    assert changed == receiving.count()
    row = receiving.filter(aid="KKS").first()
    assert row.since == on and row.source == StatusSource.ROSTER
    assert row.history.first().history_user == facilitator
    # Idempotent.
    assert (
        services.roster_aid_apply(
            member_flags=member_flags, household_flags=household_flags, by=facilitator, on=on
        )
        == 0
    )


def test_roster_false_stops_receiving_but_keeps_a_proposal(family, facilitator):
    child = member_by_component(family, "SD")
    grandmother = member_by_component(family, "LANSIA")
    resource = ResourceFactory()
    _set(family, facilitator, "KKS")
    _set(family, facilitator, "SEMBAKO", status=AidStatus.PROPOSED, office=resource)
    services.roster_aid_apply(
        member_flags={child.pk: {"KIP": True}, grandmother.pk: {"KIS": True}},
        household_flags={},
        by=facilitator,
        on=YESTERDAY,
    )
    changed = services.roster_aid_apply(
        member_flags={child.pk: {"KIP": False}, grandmother.pk: {"KIS": False}},
        household_flags={family.pk: {"KKS": False, "SEMBAKO": False}},
        by=facilitator,
        on=TODAY,
    )
    rows = statuses(family)
    assert changed == 3
    assert rows[("KIP", child.pk)] == AidStatus.ELIGIBLE
    assert rows[("KIS", grandmother.pk)] == AidStatus.ELIGIBLE
    assert rows[("KKS", None)] == AidStatus.ELIGIBLE
    assert rows[("SEMBAKO", None)] == AidStatus.PROPOSED


def test_roster_false_for_a_member_not_eligible_means_not_eligible(family, facilitator):
    mother = family.members.get(is_pengurus=True)
    services.roster_aid_apply(
        member_flags={mother.pk: {"KIP": True}}, household_flags={}, by=facilitator, on=TODAY
    )
    services.roster_aid_apply(
        member_flags={mother.pk: {"KIP": False}}, household_flags={}, by=facilitator, on=TODAY
    )
    assert AidEnrolment.objects.get(member=mother, aid="KIP").status == AidStatus.NOT_ELIGIBLE


def test_roster_aid_problems_names_members_outside_age_limits(family):
    grandmother = member_by_component(family, "LANSIA")
    child = member_by_component(family, "SD")
    problems = services.roster_aid_problems(
        member_flags={grandmother.pk: {"KIP": True}, child.pk: {"KIP": True}}
    )
    assert list(problems) == [grandmother.pk]


# ---------------------------------------------------------------- cases


def test_missing_aid_case_marks_the_aid_proposed_and_closing_resolves_it(family, facilitator):
    child = member_by_component(family, "SD")
    school = ResourceFactory(name="SD Negeri 1 Jetis", area=Region.objects.get(code="34.02.09"))
    case = services.case_open(
        household=family,
        kind=CaseKind.MISSING_AID,
        aid=Aid.objects.get(code="KIP"),
        member=child,
        resource=school,
        opened_on=YESTERDAY,
        next_step="Minta operator sekolah mengusulkan",
        next_step_due=TOMORROW,
        by=facilitator,
    )
    row = AidEnrolment.objects.get(aid="KIP", member=child)
    assert row.status == AidStatus.PROPOSED and row.office == school and row.since == YESTERDAY
    services.case_close(
        case=case,
        by=facilitator,
        status=CaseStatus.RESOLVED,
        closed_on=TODAY,
        outcome="Anak terdaftar PIP.",
        aid_received=True,
    )
    row.refresh_from_db()
    assert row.status == AidStatus.RECEIVING and row.since == TODAY


def test_unresolvable_case_returns_proposal_to_not_receiving(family, facilitator):
    case = services.case_open(
        household=family,
        kind=CaseKind.MISSING_AID,
        aid=Aid.objects.get(code="SEMBAKO"),
        opened_on=TODAY,
        by=facilitator,
    )
    services.case_close(
        case=case,
        by=facilitator,
        status=CaseStatus.UNRESOLVABLE,
        closed_on=TODAY,
        outcome="Kuota penuh.",
    )
    assert AidEnrolment.objects.get(household=family, aid="SEMBAKO").status == AidStatus.ELIGIBLE


@pytest.mark.parametrize("outcome", ["", "   "])
def test_closing_a_case_without_outcome_is_refused(family, facilitator, outcome):
    case = CaseFactory(household=family)
    with pytest.raises(ValidationError) as exc:
        services.case_close(
            case=case, by=facilitator, status=CaseStatus.RESOLVED, closed_on=TODAY, outcome=outcome
        )
    assert "outcome" in exc.value.error_dict
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and case.closed_on is None


def test_case_rules(family, facilitator, other_facilitator):
    kip = Aid.objects.get(code="KIP")
    child = member_by_component(family, "SD")
    with pytest.raises(ValidationError):  # not their family
        services.case_open(
            household=family, kind=CaseKind.KKS_PIN, opened_on=TODAY, by=other_facilitator
        )
    with pytest.raises(ValidationError):  # missing aid without naming it
        services.case_open(
            household=family, kind=CaseKind.MISSING_AID, opened_on=TODAY, by=facilitator
        )
    with pytest.raises(ValidationError):  # per-member aid without the member
        services.case_open(
            household=family, kind=CaseKind.MISSING_AID, aid=kip, opened_on=TODAY, by=facilitator
        )
    with pytest.raises(ValidationError):  # opened in the future
        services.case_open(
            household=family, kind=CaseKind.KKS_PIN, opened_on=TOMORROW, by=facilitator
        )
    with pytest.raises(ValidationError):  # waiting on an office without naming it
        services.case_open(
            household=family,
            kind=CaseKind.KKS_PIN,
            opened_on=TODAY,
            status=CaseStatus.WAITING,
            by=facilitator,
        )
    _set(family, facilitator, "KIP", child)
    with pytest.raises(ValidationError):  # already receiving
        services.case_open(
            household=family,
            kind=CaseKind.MISSING_AID,
            aid=kip,
            member=child,
            opened_on=TODAY,
            by=facilitator,
        )
    assert not AdvocacyCase.objects.exists()
    case = services.case_open(
        household=family, kind=CaseKind.KKS_LOST, opened_on=TODAY, by=facilitator
    )
    assert case.aid_id == "KKS" and case.member is None


def test_case_resource_must_be_in_the_users_area(family, facilitator, other_region_village):
    elsewhere = ResourceFactory(area=other_region_village)
    with pytest.raises(ValidationError) as exc:
        services.case_open(
            household=family,
            kind=CaseKind.KKS_PIN,
            opened_on=TODAY,
            resource=elsewhere,
            by=facilitator,
        )
    assert "resource" in exc.value.error_dict


# ---------------------------------------------------------------- resources and catalogue


def test_resource_save_stays_inside_the_users_area(
    supervisor, admin_user, other_region_village, facilitator
):
    jetis = Region.objects.get(code="34.02.09")
    resource = services.resource_save(
        by=supervisor,
        name="Puskesmas Jetis I",
        kind="puskesmas",
        area=jetis,
        aids=Aid.objects.filter(code="KIS"),
    )
    assert list(resource.aids.values_list("code", flat=True)) == ["KIS"]
    with pytest.raises(ValidationError):
        services.resource_save(
            by=supervisor, name="Dinsos Semarang", kind="dinsos", area=other_region_village
        )
    with pytest.raises(ValidationError):  # the regency is above a supervisor of one kecamatan
        services.resource_save(
            by=supervisor, name="Dinsos Bantul", kind="dinsos", area=jetis.parent
        )
    with pytest.raises(ValidationError):
        services.resource_save(by=facilitator, name="Balai Desa", kind="desa", area=jetis)
    assert services.resource_save(
        by=admin_user, name="Dinsos Bantul", kind="dinsos", area=jetis.parent
    )
    assert Resource.objects.count() == 2


def test_aid_save_is_for_the_national_keeper_and_checks_the_rule(
    catalogue_keeper, admin_user, other_region_admin, facilitator
):
    data = {
        "name": "BLT Dana Desa",
        "ministry": "Kementerian Desa",
        "unit": "keluarga",
        "eligibility": "penilaian",
        "min_age": None,
        "max_age": None,
        "card_label": "",
        "card_pattern": "",
        "card_hint": "",
        "summary": "Bantuan langsung tunai dari dana desa.",
        "regulation": "Permendesa",
        "is_active": True,
        "order": 8,
    }
    for user in (facilitator, admin_user, other_region_admin):  # the catalogue is national
        with pytest.raises(ValidationError):
            services.aid_save(code="BLT", by=user, **data)
    with pytest.raises(ValidationError):
        services.aid_save(
            code="BLT", by=catalogue_keeper, **{**data, "card_label": "No", "card_pattern": "(["}
        )
    with pytest.raises(ValidationError):
        services.aid_save(code="BLT", by=catalogue_keeper, **{**data, "min_age": 30, "max_age": 20})
    with pytest.raises(ValidationError):
        services.aid_save(code="BLT", by=catalogue_keeper, **{**data, "eligibility": "komponen"})
    with pytest.raises(ValidationError):
        services.aid_save(code="KIP", by=catalogue_keeper, **data)
    assert not Aid.objects.filter(code="BLT").exists()
    aid = services.aid_save(code="blt", by=catalogue_keeper, **data)
    assert aid.code == "BLT"


def test_catalogue_rule_change_refreshes_eligibility(family, catalogue_keeper):
    kip = Aid.objects.get(code="KIP")
    data = {name: getattr(kip, name) for name in services.AID_FIELDS}
    data["eligibility"] = "semua"
    services.aid_save(aid=kip, components=[], by=catalogue_keeper, **data)
    # The refresh runs after commit (eagerly in tests: run it as the task would).
    services.aid_eligibility_refresh()
    child = member_by_component(family, "SD")
    toddler = member_by_component(family, "ANAK_USIA_DINI")
    assert AidEnrolment.objects.get(aid="KIP", member=child).status == AidStatus.ELIGIBLE
    assert not AidEnrolment.objects.filter(aid="KIP", member=toddler).exists()  # age 6+


def test_other_facilitators_family_is_untouched_by_refresh(family):
    other = HouseholdFactory(facilitator=FacilitatorFactory())
    MemberFactory(household=other, is_pengurus=True)
    services.aid_eligibility_refresh(household_ids=[family.pk])
    assert Member.objects.filter(household=other).count() == 1
    assert AidEnrolment.objects.filter(household=other).count() == 3  # KIS, Sembako, KKS


def test_catalogue_change_is_kept_when_the_broker_is_down(
    catalogue_keeper, django_capture_on_commit_callbacks
):
    """Redis unreachable after the commit: no error for the keeper, the change stays saved
    (the nightly refresh recomputes eligibility)."""
    from unittest import mock

    from kombu.exceptions import OperationalError as BrokerDown

    from assistance.tasks import aid_eligibility_refresh_all

    kip = Aid.objects.get(code="KIP")
    data = {name: getattr(kip, name) for name in services.AID_FIELDS}
    data["summary"] = "Diubah saat Redis mati."
    down = BrokerDown("Connection refused.")
    with (
        mock.patch.object(aid_eligibility_refresh_all, "apply_async", side_effect=down) as sent,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.aid_save(
            aid=kip, components=list(kip.components.all()), by=catalogue_keeper, **data
        )
    assert sent.called
    kip.refresh_from_db()
    assert kip.summary == "Diubah saat Redis mati."


# ---------------------------------------------------------------- references without constraints


def test_deleting_a_user_still_clears_the_copies_and_audit_rows_that_name_them(family):
    """The aid rows' facilitator copy and the audit rows' user carry no database
    constraint (assistance 0004, households 0006): deleting a user through the ORM
    still sets them to NULL, so no row is left naming a user who is gone."""
    old = FacilitatorFactory()
    enrolment = AidEnrolment.objects.filter(household=family).first()
    AidEnrolment.objects.filter(pk=enrolment.pk).update(facilitator=old)
    AidEnrolment.history.filter(id=enrolment.pk).update(history_user=old)
    Household.history.filter(id=family.pk).update(history_user=old)
    Member.history.filter(household_id=family.pk).update(history_user=old)
    gone = old.pk
    old.delete()
    enrolment.refresh_from_db()
    assert enrolment.facilitator_id is None
    assert not AidEnrolment.history.filter(history_user_id=gone).exists()
    assert not Household.history.filter(history_user_id=gone).exists()
    assert not Member.history.filter(history_user_id=gone).exists()
    assert Household.history.filter(id=family.pk, history_user__isnull=True).exists()
