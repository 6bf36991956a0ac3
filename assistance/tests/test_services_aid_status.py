"""A user's aid status (``assistance.services.aid_status``)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from assistance.models import (
    AidEnrolment,
    AidStatus,
    StatusSource,
)
from assistance.tests.conftest import aid_set, member_by_component, statuses
from households.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
YESTERDAY = TODAY - datetime.timedelta(days=1)
TOMORROW = TODAY + datetime.timedelta(days=1)


def test_status_set_records_history_and_normalises_card_number(family, facilitator):
    child = member_by_component(family, "SD")
    row = aid_set(family, facilitator, "KIP", child, card_number="0012 345 678")
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
        aid_set(family, facilitator, code, member, card_number=number)
    assert "card_number" in exc.value.error_dict
    assert statuses(family) == before


def test_kip_for_a_seventy_year_old_is_refused(family, facilitator):
    grandmother = member_by_component(family, "LANSIA")
    with pytest.raises(ValidationError) as exc:
        aid_set(family, facilitator, "KIP", grandmother, card_number="0012345678")
    assert "6-21" in str(exc.value) and "70" in str(exc.value)
    assert not AidEnrolment.objects.filter(member=grandmother, aid="KIP").exists()


def test_status_date_in_the_future_is_refused(family, facilitator):
    with pytest.raises(ValidationError) as exc:
        aid_set(family, facilitator, "KKS", since=TOMORROW)
    assert "since" in exc.value.error_dict
    assert AidEnrolment.objects.get(household=family, aid="KKS").status == AidStatus.ELIGIBLE


def test_receiving_needs_a_date_and_per_member_aid_needs_a_member(family, facilitator):
    with pytest.raises(ValidationError):
        aid_set(family, facilitator, "KKS", since=None)
    with pytest.raises(ValidationError):
        aid_set(family, facilitator, "KIS", None)
    other = MemberFactory()
    with pytest.raises(ValidationError):
        aid_set(family, facilitator, "KIS", other)


def test_only_the_familys_facilitator_or_regions_admin_may_set(
    family, other_facilitator, supervisor, admin_user, other_region_admin
):
    for user in (other_facilitator, supervisor, other_region_admin):
        with pytest.raises(ValidationError):
            aid_set(family, user, "KKS", card_number="6013010000000001")
    assert aid_set(family, admin_user, "KKS").status == AidStatus.RECEIVING
