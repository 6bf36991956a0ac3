"""What a month asks follows the component rules (households/components.py): an ibu hamil
is due until the month her nifas ends, the newborn from the month of birth as anak usia
dini, anak usia dini until the month of the end age, lansia from the month of the 60th
birthday. Hand-computed months, through the month screen and the supervisor's page."""

import datetime

import pytest
from django.urls import reverse

from commitments.forms import month_key
from commitments.tests.factories import enrol
from conftest import login
from households.models import Sex
from households.tests.factories import HouseholdFactory, MemberFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def due_codes(client, month) -> list[str]:
    """The components due in ``month`` on the month screen, one per member and component."""
    response = client.get(f"{reverse('commitments:month')}?bulan={month_key(month)}")
    assert response.status_code == 200
    groups = [*response.context["education"], *response.context["health"]]
    codes = sorted(item.component.code for g in groups for item in g.items)
    assert response.context["due_count"] == len(codes)
    return codes


@pytest.fixture
def birth(facilitator, posyandu):
    """HPL 1 March 2026; the baby, born 26 February 2026, registered with ANAK_USIA_DINI.
    With 42 days of nifas the last day the pregnancy counts is 12 April 2026."""
    household = HouseholdFactory(facilitator=facilitator)
    mother = MemberFactory(
        household=household,
        is_pengurus=True,
        sex=Sex.FEMALE,
        birth_date=D(1994, 6, 2),
        expected_delivery_date=D(2026, 3, 1),
        components=["IBU_HAMIL"],
    )
    baby = MemberFactory(
        household=household,
        sex=Sex.MALE,
        relationship="ANAK",
        birth_date=D(2026, 2, 26),
        components=["ANAK_USIA_DINI"],
    )
    enrol(mother, posyandu, by=facilitator, start_on=D(2025, 8, 1))
    enrol(baby, posyandu, by=facilitator, start_on=D(2026, 2, 26))
    return household


def test_ibu_hamil_is_due_until_the_month_nifas_ends_then_the_child(
    client, facilitator, birth, settings
):
    settings.PKH_NIFAS_DAYS = 42
    c = login(client, facilitator)
    assert due_codes(c, D(2026, 1, 1)) == ["IBU_HAMIL"]  # the baby is not born yet
    assert due_codes(c, D(2026, 2, 1)) == ["ANAK_USIA_DINI", "IBU_HAMIL"]
    assert due_codes(c, D(2026, 4, 1)) == ["ANAK_USIA_DINI", "IBU_HAMIL"]  # nifas to 12 Apr
    assert due_codes(c, D(2026, 5, 1)) == ["ANAK_USIA_DINI"]


def test_the_nifas_length_setting_moves_the_last_month(client, facilitator, birth, settings):
    settings.PKH_NIFAS_DAYS = 30  # last day 31 March 2026
    c = login(client, facilitator)
    assert due_codes(c, D(2026, 3, 1)) == ["ANAK_USIA_DINI", "IBU_HAMIL"]
    assert due_codes(c, D(2026, 4, 1)) == ["ANAK_USIA_DINI"]


def test_the_supervisors_completeness_counts_the_same(
    client, facilitator, supervisor, birth, settings
):
    settings.PKH_NIFAS_DAYS = 42
    c = login(client, supervisor)
    for month, due in ((D(2026, 4, 1), 2), (D(2026, 5, 1), 1)):
        response = c.get(f"{reverse('commitments:team')}?bulan={month_key(month)}")
        (row,) = [r for r in response.context["rows"] if r["facilitator"] == facilitator]
        assert (row["completeness"].entered, row["completeness"].due) == (0, due), month


@pytest.fixture
def toddler(facilitator, posyandu):
    """Born 10 May 2020: 6 years old on 10 May 2026, 7 on 10 May 2027."""
    child = MemberFactory(
        household=HouseholdFactory(facilitator=facilitator),
        sex=Sex.MALE,
        relationship="ANAK",
        birth_date=D(2020, 5, 10),
        components=["ANAK_USIA_DINI"],
    )
    enrol(child, posyandu, by=facilitator, start_on=D(2020, 6, 1))
    return child


def test_anak_usia_dini_follows_the_end_age_setting(client, facilitator, toddler, settings):
    c = login(client, facilitator)
    settings.PKH_EARLY_CHILDHOOD_MAX_AGE = 6  # "0-6 tahun": counts until 9 May 2027
    assert due_codes(c, D(2026, 6, 1)) == ["ANAK_USIA_DINI"]
    settings.PKH_EARLY_CHILDHOOD_MAX_AGE = 5  # "under six": counts until 9 May 2026
    assert due_codes(c, D(2026, 5, 1)) == ["ANAK_USIA_DINI"]  # the first nine days
    assert due_codes(c, D(2026, 6, 1)) == []


def test_lansia_is_due_from_the_month_of_the_60th_birthday(client, facilitator, posyandu):
    elder = MemberFactory(
        household=HouseholdFactory(facilitator=facilitator),
        is_pengurus=True,
        birth_date=D(1966, 8, 17),  # 60 on 17 August 2026
        components=["LANSIA"],
    )
    enrol(elder, posyandu, by=facilitator, start_on=D(2026, 1, 1))
    c = login(client, facilitator)
    assert due_codes(c, D(2026, 7, 1)) == []
    assert due_codes(c, D(2026, 8, 1)) == ["LANSIA"]


def test_the_family_panel_says_when_nothing_more_is_due(client, facilitator, posyandu):
    """The pregnancy ended 60 days before the month being verified: nifas (42 days) is
    over, so the panel asks nothing more of her and says why; the newborn's next month
    asks the weighing."""
    from django.utils import timezone

    from commitments.selectors.due import current_month

    current = current_month(timezone.localdate())
    hpl = current - datetime.timedelta(days=60)
    household = HouseholdFactory(facilitator=facilitator)
    mother = MemberFactory(
        household=household,
        is_pengurus=True,
        sex=Sex.FEMALE,
        birth_date=D(1994, 6, 2),
        expected_delivery_date=hpl,
        components=["IBU_HAMIL"],
    )
    baby = MemberFactory(
        household=household, relationship="ANAK", birth_date=hpl, components=["ANAK_USIA_DINI"]
    )
    enrol(mother, posyandu, by=facilitator, start_on=hpl - datetime.timedelta(days=200))
    enrol(baby, posyandu, by=facilitator, start_on=hpl)
    html = (
        login(client, facilitator)
        .get(reverse("households:detail", args=[household.pk]))
        .content.decode()
    )
    mother_row = html.split(f'data-commitment="{mother.pk}-IBU_HAMIL"')[1].split("data-commitment")[
        0
    ]
    assert 'data-next="none"' in mother_row and "masa nifas berakhir" in mother_row
    baby_row = html.split(f'data-commitment="{baby.pk}-ANAK_USIA_DINI"')[1]
    assert f'data-next="{current:%Y-%m-%d}"' in baby_row.split("</div>\n  </div>")[0]
    assert "ditimbang" in baby_row
