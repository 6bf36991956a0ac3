"""When a component still counts (households/components.py), against hand-computed days.

Each rule is asked twice, of the database (``valid_component_q``, what natural graduation
runs) and of Python (``component_end_reason``, what the benefit estimate and the reasons
read): both must give the same answer on every boundary day.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from graduation.selectors.natural import natural_graduation_scope
from households import services
from households.components import component_end_reason, valid_component_q
from households.models import Component, Household, Member, Sex
from households.selectors import household_benefit_estimate, household_members
from households.tests.factories import HouseholdFactory, MemberFactory, ensure_components

pytestmark = pytest.mark.django_db
D = datetime.date


def counts(member: Member, code: str, today: datetime.date) -> bool:
    """The database's and Python's answer, which must agree."""
    through = Member.components.through
    in_sql = through.objects.filter(
        valid_component_q(today), member=member, component_id=code
    ).exists()
    in_python = component_end_reason(member, code, today) is None
    assert in_sql == in_python, (member.birth_date, code, today)
    return in_sql


@pytest.fixture
def pregnant(facilitator):
    """HPL 1 March 2026: with 42 days of nifas the last day that counts is 12 April 2026
    (March has 31 days: 1 March + 30 = 31 March, + 12 = 12 April)."""
    household = HouseholdFactory(facilitator=facilitator)
    return MemberFactory(
        household=household,
        is_pengurus=True,
        birth_date=D(1994, 6, 2),
        expected_delivery_date=D(2026, 3, 1),
        components=["IBU_HAMIL"],
    )


class TestPregnancyEndsAfterNifas:
    def test_day_before_on_and_after_the_last_day_of_nifas(self, pregnant, settings):
        settings.PKH_NIFAS_DAYS = 42
        assert counts(pregnant, "IBU_HAMIL", D(2026, 4, 11))  # the day before the end
        assert counts(pregnant, "IBU_HAMIL", D(2026, 4, 12))  # the last day of nifas
        assert not counts(pregnant, "IBU_HAMIL", D(2026, 4, 13))  # the day after
        assert counts(pregnant, "IBU_HAMIL", D(2025, 9, 1))  # still pregnant

    def test_reason_names_the_end_of_nifas(self, pregnant, settings):
        settings.PKH_NIFAS_DAYS = 42
        reason = component_end_reason(pregnant, "IBU_HAMIL", D(2026, 4, 13))
        assert "masa nifas berakhir 12 Apr 2026" in reason and "42 hari" in reason

    def test_nifas_length_is_a_setting(self, pregnant, settings):
        settings.PKH_NIFAS_DAYS = 40  # last day 10 April 2026
        assert counts(pregnant, "IBU_HAMIL", D(2026, 4, 10))
        assert not counts(pregnant, "IBU_HAMIL", D(2026, 4, 11))

    def test_without_an_hpl_the_pregnancy_still_counts(self, pregnant):
        Member.objects.filter(pk=pregnant.pk).update(expected_delivery_date=None)
        pregnant.refresh_from_db()
        assert counts(pregnant, "IBU_HAMIL", D(2030, 1, 1))

    def test_family_graduates_naturally_after_nifas_unless_the_baby_is_registered(
        self, pregnant, settings
    ):
        settings.PKH_NIFAS_DAYS = 42
        family = Household.objects.filter(pk=pregnant.household_id)
        assert natural_graduation_scope(family, today=D(2026, 4, 12)).count() == 0
        assert natural_graduation_scope(family, today=D(2026, 4, 13)).count() == 1
        # The newborn, registered with ANAK_USIA_DINI, counts instead of the pregnancy.
        MemberFactory(
            household=pregnant.household,
            sex=Sex.MALE,
            relationship="ANAK",
            birth_date=D(2026, 2, 26),
            components=["ANAK_USIA_DINI"],
        )
        assert natural_graduation_scope(family, today=D(2026, 4, 13)).count() == 0


class TestEarlyChildhoodIsZeroToSix:
    """Born 10 May 2020: 6 years old from 10 May 2026, 7 from 10 May 2027."""

    @pytest.fixture
    def toddler(self, facilitator):
        return MemberFactory(
            household=HouseholdFactory(facilitator=facilitator),
            sex=Sex.MALE,
            relationship="ANAK",
            birth_date=D(2020, 5, 10),
            components=["ANAK_USIA_DINI"],
        )

    def test_a_six_year_old_counts_until_the_seventh_birthday(self, toddler, settings):
        settings.PKH_EARLY_CHILDHOOD_MAX_AGE = 6
        assert counts(toddler, "ANAK_USIA_DINI", D(2026, 5, 9))
        assert counts(toddler, "ANAK_USIA_DINI", D(2026, 5, 10))  # 6th birthday: still 0-6
        assert counts(toddler, "ANAK_USIA_DINI", D(2027, 5, 9))  # the last day aged 6
        assert not counts(toddler, "ANAK_USIA_DINI", D(2027, 5, 10))  # 7th birthday
        reason = component_end_reason(toddler, "ANAK_USIA_DINI", D(2027, 5, 10))
        assert reason == "sudah berusia 7 tahun"

    def test_end_age_is_a_setting(self, toddler, settings):
        settings.PKH_EARLY_CHILDHOOD_MAX_AGE = 5  # the reading "under six"
        assert counts(toddler, "ANAK_USIA_DINI", D(2026, 5, 9))
        assert not counts(toddler, "ANAK_USIA_DINI", D(2026, 5, 10))

    def test_born_on_29_february(self, facilitator, settings):
        settings.PKH_EARLY_CHILDHOOD_MAX_AGE = 6
        leapling = MemberFactory(
            household=HouseholdFactory(facilitator=facilitator),
            relationship="ANAK",
            birth_date=D(2020, 2, 29),
            components=["ANAK_USIA_DINI"],
        )
        # 2027 has no 29 February: seven years before 28 February 2027 is 28 February
        # 2020, a day before the birth, so the child turns 7 on 1 March 2027.
        assert counts(leapling, "ANAK_USIA_DINI", D(2027, 2, 28))
        assert not counts(leapling, "ANAK_USIA_DINI", D(2027, 3, 1))


class TestBenefitCapCountsPeople:
    """Rates of the seeded table (2021-2025, used for later years too): IBU_HAMIL and
    ANAK_USIA_DINI 3,000,000; SD 900,000; SMP 1,500,000; SMA 2,000,000; DISABILITAS and
    LANSIA 2,400,000. Cap: 4."""

    def _family(self, facilitator, *people):
        household = HouseholdFactory(facilitator=facilitator)
        for birth, components, fields in people:
            MemberFactory(household=household, birth_date=birth, components=components, **fields)
        return list(household_members(household=household))

    def test_a_person_with_two_components_counts_once_under_the_higher(self, facilitator):
        members = self._family(
            facilitator,
            # A pupil with a severe disability: SD 900,000 and DISABILITAS 2,400,000.
            (D(2016, 7, 9), ["SD", "DISABILITAS"], {"school_level": "SD", "disability": "berat"}),
            (D(2012, 1, 5), ["SMP"], {"school_level": "SMP"}),
            (D(2009, 3, 3), ["SMA"], {"school_level": "SMA"}),
            (D(1950, 8, 17), ["LANSIA"], {}),
            (D(2014, 10, 1), ["SD"], {"school_level": "SD"}),
        )
        lines, total, cap = household_benefit_estimate(
            members=members, year=2026, today=D(2026, 6, 1)
        )
        # People by their best component: 2,400,000 (disability), 2,400,000 (lansia),
        # 2,000,000 (SMA), 1,500,000 (SMP) count; the second SD child (900,000) is the
        # fifth person; the pupil's own SD line is not counted a second time.
        assert cap == 4
        assert total == 2_400_000 + 2_400_000 + 2_000_000 + 1_500_000 == 8_300_000
        counted = [(line.component_name, line.amount) for line in lines if line.counted]
        assert sorted(a for _n, a in counted) == [1_500_000, 2_000_000, 2_400_000, 2_400_000]
        notes = sorted(line.note for line in lines if not line.counted)
        assert notes == [
            "melebihi batas 4 orang per keluarga",
            "sudah dihitung sekali, pada komponen bernilai tertinggi",
        ]
        # Counting components would give this family the same total; a smaller one
        # shows the difference: the pupil (SD + DISABILITAS) and a lansia are two
        # people, 4,800,000, where three component lines would be 5,700,000.
        small = self._family(
            facilitator,
            (D(2016, 7, 9), ["SD", "DISABILITAS"], {"school_level": "SD", "disability": "berat"}),
            (D(1950, 8, 17), ["LANSIA"], {}),
        )
        _lines, total, _cap = household_benefit_estimate(
            members=small, year=2026, today=D(2026, 6, 1)
        )
        assert total == 2_400_000 + 2_400_000  # not + 900,000 for the same pupil

    def test_a_finished_pregnancy_is_not_in_the_estimate(self, pregnant, settings):
        settings.PKH_NIFAS_DAYS = 42
        members = list(household_members(household=pregnant.household))
        _lines, total, _cap = household_benefit_estimate(
            members=members, year=2026, today=D(2026, 4, 12)
        )
        assert total == 3_000_000
        lines, total, _cap = household_benefit_estimate(
            members=members, year=2026, today=D(2026, 4, 13)
        )
        assert total == 0 and "nifas" in lines[0].note


class TestMemberSavePregnancy:
    def _save(self, household, by, **fields):
        ensure_components()
        return services.member_save(
            household=household,
            by=by,
            nik="3402094506940003",
            name="Sri Wahyuni",
            sex=Sex.FEMALE,
            birth_date=D(1994, 6, 5),
            **fields,
        )

    def test_ibu_hamil_needs_an_hpl(self, facilitator):
        household = HouseholdFactory(facilitator=facilitator)
        with pytest.raises(ValidationError) as exc:
            self._save(household, facilitator, components=Component.objects.filter(pk="IBU_HAMIL"))
        assert "expected_delivery_date" in exc.value.error_dict
        assert not household.members.exists()
        member = self._save(
            household,
            facilitator,
            components=Component.objects.filter(pk="IBU_HAMIL"),
            expected_delivery_date=D(2026, 3, 1),
        )
        assert member.expected_delivery_date == D(2026, 3, 1)

    def test_an_hpl_is_for_a_woman(self, facilitator):
        household = HouseholdFactory(facilitator=facilitator)
        with pytest.raises(ValidationError) as exc:
            services.member_save(
                household=household,
                by=facilitator,
                nik="3402090506940003",
                name="Joko Susanto",
                sex=Sex.MALE,
                birth_date=D(1994, 6, 5),
                expected_delivery_date=D(2026, 3, 1),
            )
        assert "expected_delivery_date" in exc.value.error_dict
        assert not household.members.exists()


class TestThroughTheFamilyPages:
    def test_member_form_takes_the_hpl_and_refuses_ibu_hamil_without_it(self, client, facilitator):
        ensure_components()
        household = HouseholdFactory(facilitator=facilitator)
        client.force_login(facilitator)
        target = reverse("households:member_create", args=[household.pk])
        data = {
            "nik": "3402094506940003",
            "name": "Sri Wahyuni",
            "sex": "P",
            "birth_date": "1994-06-05",
            "relationship": "ISTRI",
            "components": ["IBU_HAMIL"],
        }
        response = client.post(target, data)
        assert response.status_code == 200
        assert "expected_delivery_date" in response.context["form"].errors
        assert not household.members.exists()
        assert "HPL (hari perkiraan lahir)" in client.get(target).content.decode()
        response = client.post(target, {**data, "expected_delivery_date": "2099-01-01"})
        assert "expected_delivery_date" in response.context["form"].errors
        assert not household.members.exists()
        hpl = datetime.date.today() + datetime.timedelta(days=60)
        response = client.post(target, {**data, "expected_delivery_date": hpl.isoformat()})
        assert response.status_code == 302
        assert household.members.get().expected_delivery_date == hpl

    def test_family_page_shows_the_hpl_an_ended_pregnancy_and_the_benefit_lines(
        self, client, facilitator, settings
    ):
        settings.PKH_NIFAS_DAYS = 42
        household = HouseholdFactory(facilitator=facilitator)
        hpl = datetime.date.today() - datetime.timedelta(days=43)
        MemberFactory(
            household=household,
            is_pengurus=True,
            expected_delivery_date=hpl,
            components=["IBU_HAMIL"],
        )
        MemberFactory(household=household, birth_date=D(1950, 8, 17), components=["LANSIA"])
        client.force_login(facilitator)
        html = client.get(reverse("households:detail", args=[household.pk])).content.decode()
        assert 'data-component-ended="IBU_HAMIL"' in html
        assert "masa nifas berakhir" in html
        assert "data-hpl" in html
        assert "Rp 2.400.000" in html  # lansia only: the pregnancy ended
        assert "maks. 4 orang" in html

    def test_family_page_asks_for_a_missing_hpl(self, client, facilitator):
        household = HouseholdFactory(facilitator=facilitator)
        MemberFactory(household=household, is_pengurus=True, components=["IBU_HAMIL"])
        client.force_login(facilitator)
        html = client.get(reverse("households:detail", args=[household.pk])).content.decode()
        assert 'data-warning="hpl"' in html
        assert "Rp 3.000.000" in html
