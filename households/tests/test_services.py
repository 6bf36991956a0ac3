import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.tests.factories import FacilitatorFactory
from households import services
from households.models import (
    Component,
    Household,
    HouseholdStatus,
    HouseholdTransfer,
    Member,
    Visit,
)
from households.tests.factories import (
    HouseholdFactory,
    MemberFactory,
    VisitFactory,
    household_with_members,
)
from regions.models import Region

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_visit_create_sets_last_visit_and_history(facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    visit, created = services.visit_create(
        household=household, by=facilitator, date=TODAY(), purpose="verifikasi", notes="Baik."
    )
    assert created
    household.refresh_from_db()
    assert household.last_visit_on == TODAY()
    assert visit.history.first().history_user == facilitator


def test_visit_with_the_same_token_is_created_once(facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    token = uuid.uuid4()
    kwargs = dict(household=household, by=facilitator, date=TODAY(), purpose="verifikasi")
    first, created1 = services.visit_create(client_token=token, **kwargs)
    second, created2 = services.visit_create(client_token=token, **kwargs)
    assert (created1, created2) == (True, False)
    assert first.pk == second.pk
    assert Visit.objects.count() == 1


def test_visit_in_the_future_is_refused(facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    with pytest.raises(ValidationError) as exc:
        services.visit_create(
            household=household,
            by=facilitator,
            date=TODAY() + datetime.timedelta(days=1),
            purpose="verifikasi",
        )
    assert "date" in exc.value.error_dict
    assert not Visit.objects.exists()


def test_follow_up_before_visit_is_refused(facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    with pytest.raises(ValidationError):
        services.visit_create(
            household=household,
            by=facilitator,
            date=TODAY(),
            purpose="verifikasi",
            follow_up_date=TODAY() - datetime.timedelta(days=2),
        )


def test_only_the_familys_facilitator_logs_visits(facilitator, other_facilitator, supervisor):
    household = HouseholdFactory(facilitator=facilitator)
    for user in (other_facilitator, supervisor):
        with pytest.raises(ValidationError):
            services.visit_create(household=household, by=user, date=TODAY(), purpose="lainnya")
    assert not Visit.objects.exists()


def test_visit_update_recomputes_last_visit(facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    old = VisitFactory(household=household, date=TODAY() - datetime.timedelta(days=40))
    visit, _ = services.visit_create(
        household=household, by=facilitator, date=TODAY(), purpose="verifikasi"
    )
    services.visit_update(
        visit=visit, by=facilitator, date=TODAY() - datetime.timedelta(days=50), purpose="lainnya"
    )
    household.refresh_from_db()
    assert household.last_visit_on == old.date


def test_household_status_change_needs_date_reason_and_type(admin_user, facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    with pytest.raises(ValidationError):
        services.household_update(household=household, by=admin_user, status="graduated")
    with pytest.raises(ValidationError):
        services.household_update(
            household=household, by=admin_user, status="graduated", status_date=TODAY()
        )
    services.household_update(
        household=household,
        by=admin_user,
        status="graduated",
        status_date=TODAY(),
        status_reason="Usaha mapan",
        exit_type="mandiri",
    )
    household.refresh_from_db()
    assert household.status == HouseholdStatus.GRADUATED
    assert household.history.first().history_user == admin_user


def test_household_status_set_records_the_change_with_its_author(facilitator, supervisor):
    """The write the graduation app uses when a proposal is approved (issue 14)."""
    household = HouseholdFactory(facilitator=facilitator)
    services.household_status_set(
        household=household,
        by=supervisor,
        status=HouseholdStatus.GRADUATED,
        date=TODAY(),
        reason="Usulan graduasi disetujui",
        exit_type="mandiri",
    )
    household.refresh_from_db()
    assert (household.status, household.status_date, household.exit_type) == (
        HouseholdStatus.GRADUATED,
        TODAY(),
        "mandiri",
    )
    assert household.status_reason == "Usulan graduasi disetujui"
    assert household.history.first().history_user == supervisor


def test_facilitator_cannot_change_status(facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    with pytest.raises(ValidationError):
        services.household_update(
            household=household, by=facilitator, status="exited", status_date=TODAY()
        )
    household.refresh_from_db()
    assert household.status == HouseholdStatus.ACTIVE


def test_member_save_moves_the_pengurus_flag(facilitator):
    household = household_with_members(facilitator=facilitator)
    father = household.members.get(relationship="KEPALA_KELUARGA")
    services.member_save(
        household=household,
        by=facilitator,
        member=father,
        name=father.name,
        sex=father.sex,
        birth_date=father.birth_date,
        relationship=father.relationship,
        is_pengurus=True,
    )
    assert list(household.members.filter(is_pengurus=True)) == [father]


def test_member_nik_must_be_unique_across_registry(facilitator):
    existing = MemberFactory()
    household = HouseholdFactory(facilitator=facilitator)
    with pytest.raises(ValidationError) as exc:
        services.member_save(
            household=household,
            by=facilitator,
            nik=existing.nik,
            name="Siti Rahayu",
            sex="P",
            birth_date=datetime.date(1990, 1, 1),
        )
    assert "nik" in exc.value.error_dict
    assert household.members.count() == 0


def test_member_components_are_saved(facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    member = services.member_save(
        household=household,
        by=facilitator,
        nik="3402090707150001",
        name="  ilham   prasetyo ",
        sex="L",
        birth_date=datetime.date(2015, 7, 7),
        components=Component.objects.filter(code="SD"),
    )
    assert member.name_normalized == "ILHAM PRASETYO"
    assert list(member.components.values_list("code", flat=True)) == ["SD"]


def test_transfer_moves_families_and_records_it(
    admin_user, facilitator, other_facilitator, families_changed_calls
):
    households = [HouseholdFactory(facilitator=facilitator) for _ in range(3)]
    moved = services.households_transfer(
        households=[h.pk for h in households[:2]],
        to_facilitator=other_facilitator,
        by=admin_user,
        reason="Pemerataan beban",
    )
    assert len(moved) == 2
    assert set(Household.objects.filter(facilitator=other_facilitator)) == set(households[:2])
    transfer = HouseholdTransfer.objects.first()
    assert transfer.from_facilitator == facilitator and transfer.moved_by == admin_user
    assert households[0].history.first().history_user == admin_user
    assert families_changed_calls[-1] == (
        {households[0].pk, households[1].pk},
        frozenset({"facilitator", "fds_group"}),
    )


def test_transfer_refuses_families_outside_the_region(admin_user, other_facilitator, regions):
    outsider = HouseholdFactory(village=Region.objects.get(code="33.74.01.1001"))
    with pytest.raises(ValidationError):
        services.households_transfer(
            households=[outsider.pk], to_facilitator=other_facilitator, by=admin_user
        )
    assert not HouseholdTransfer.objects.exists()


def test_transfer_refuses_a_facilitator_outside_the_region(admin_user, facilitator, regions):
    household = HouseholdFactory(facilitator=facilitator)
    stranger = FacilitatorFactory(areas=[Region.objects.get(code="33.74.01.1001")])
    with pytest.raises(ValidationError):
        services.households_transfer(
            households=[household.pk], to_facilitator=stranger, by=admin_user
        )
    household.refresh_from_db()
    assert household.facilitator == facilitator


def test_transfer_is_admin_only(supervisor, facilitator, other_facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    with pytest.raises(ValidationError):
        services.households_transfer(
            households=[household.pk], to_facilitator=other_facilitator, by=supervisor
        )


def test_member_model_rejects_two_pengurus(facilitator):
    from django.db import IntegrityError, transaction

    household = HouseholdFactory(facilitator=facilitator)
    MemberFactory(household=household, is_pengurus=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberFactory(household=household, is_pengurus=True)
    assert Member.objects.filter(household=household).count() == 1
