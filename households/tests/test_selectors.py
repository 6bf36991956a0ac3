"""Shared reads of the household registry."""

import pytest

from households.models import Household
from households.selectors import family_header
from households.tests.factories import MemberFactory, household_with_members

pytestmark = pytest.mark.django_db


def test_family_header_names_the_pengurus_village_and_components(facilitator):
    household = household_with_members(facilitator=facilitator)
    pengurus = household.members.get(is_pengurus=True)
    family = family_header(household=Household.objects.get(pk=household.pk))
    assert family.pengurus_name == pengurus.name
    assert family.village == "Patalan"
    assert family.district == "Jetis"
    # Indonesian labels, in the catalogue's order.
    assert family.components == ["Anak usia dini (0-6 tahun)", "Anak SD/sederajat"]
    assert family.id_keluarga == household.id_keluarga


def test_family_header_costs_the_same_whatever_the_family(facilitator, django_assert_num_queries):
    small = household_with_members(facilitator=facilitator)
    big = household_with_members(facilitator=facilitator)
    for code in ("SMP", "SMA", "LANSIA", "IBU_HAMIL"):
        MemberFactory(household=big, components=[code])
    for household in (small, big):
        bare = Household.objects.get(pk=household.pk)  # nothing joined
        with django_assert_num_queries(2):
            family_header(household=bare)
