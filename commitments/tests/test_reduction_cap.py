"""The benefit reduction applies only to a member whose benefit counts in the estimate,
the four highest-value people of the family (households: the cap counts people), as the
family page shows it through the Django test client."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from commitments import rules
from commitments.selectors.consequences import judged_quarter
from commitments.tests.test_consequences import record
from conftest import login
from households.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def five(family):
    """Five component people, by the seeded rates (used for later years too): the
    toddler 3,000,000, a lansia 2,400,000, an SMA pupil 2,000,000, an SMP pupil
    1,500,000 count; the SD child (900,000) is the fifth and does not."""
    MemberFactory(household=family, birth_date=datetime.date(1950, 8, 17), components=["LANSIA"])
    MemberFactory(
        household=family,
        birth_date=datetime.date(2009, 3, 3),
        school_level="SMA",
        components=["SMA"],
    )
    smp = MemberFactory(
        household=family,
        birth_date=datetime.date(2012, 1, 5),
        school_level="SMP",
        components=["SMP"],
    )
    return family, family.members.get(components__code="SD"), smp


def family_page(client, facilitator, family, monkeypatch):
    today = datetime.date(timezone.localdate().year, 8, 15)  # April-June judged
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today)
    return today, login(client, facilitator).get(reverse("households:detail", args=[family.pk]))


def test_the_fifth_person_failing_is_not_reduced(client, facilitator, five, monkeypatch):
    family, sd, _smp = five
    quarter = judged_quarter(datetime.date(timezone.localdate().year, 8, 15))
    record(sd, "SD", quarter, fails=True)
    record(sd, "SD", rules.month_add(quarter, 1), fails=True)
    _today, page = family_page(client, facilitator, family, monkeypatch)
    counted = {line.member.pk for line in page.context["benefit_lines"] if line.counted}
    assert sd.pk not in counted and len(counted) == 4
    assert page.context["benefit_adjustments"] == []


def test_a_counted_person_failing_is_reduced_on_their_component(
    client, facilitator, five, monkeypatch
):
    """SMP 1,500,000 a year: a quarter's share 375,000, 10 % of it 37,500."""
    family, _sd, smp = five
    quarter = judged_quarter(datetime.date(timezone.localdate().year, 8, 15))
    record(smp, "SMP", quarter, fails=True)
    record(smp, "SMP", rules.month_add(quarter, 2), fails=True)
    _today, page = family_page(client, facilitator, family, monkeypatch)
    (adjustment,) = page.context["benefit_adjustments"]
    assert (adjustment.member_id, adjustment.amount) == (smp.pk, -37_500)
    total = sum(line.amount for line in page.context["benefit_lines"] if line.counted)
    assert total == 3_000_000 + 2_400_000 + 2_000_000 + 1_500_000
    assert page.context["benefit_net"] == total - 37_500
