"""Natural graduation: detection, reasons, confirmation."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from graduation.models import (
    Graduation,
)
from graduation.selectors import natural as natural_selectors
from graduation.services import graduations as graduation_services
from graduation.tests.services.helpers import TODAY
from households.models import ExitType, HouseholdStatus

pytestmark = pytest.mark.django_db


def years_ago(n, days=0):
    today = TODAY()
    return today.replace(year=today.year - n) - datetime.timedelta(days=days)


@pytest.fixture
def natural_families(facilitator):
    """One family per reason, plus two that keep a component."""
    from households.tests.factories import HouseholdFactory, MemberFactory

    def family(*members):
        household = HouseholdFactory(facilitator=facilitator)
        MemberFactory(household=household, is_pengurus=True, birth_date=years_ago(40))
        for fields in members:
            MemberFactory(household=household, **fields)
        return household

    return {
        "finished_sma": family(
            {"birth_date": years_ago(18), "components": ["SMA"], "school_level": "LULUS"}
        ),
        "elderly_died": family(
            {
                "birth_date": years_ago(75),
                "components": ["LANSIA"],
                "left_on": TODAY() - datetime.timedelta(days=20),
                "left_reason": "meninggal",
            }
        ),
        # ANAK_USIA_DINI is "0-6 tahun": it ends on the 7th birthday (PKH_EARLY_CHILDHOOD_MAX_AGE).
        "turned_seven": family({"birth_date": years_ago(7), "components": ["ANAK_USIA_DINI"]}),
        "keeps_six_year_old": family(
            {"birth_date": years_ago(6, days=1), "components": ["ANAK_USIA_DINI"]}
        ),
        "lansia_too_young": family({"birth_date": years_ago(55), "components": ["LANSIA"]}),
        "pupil_unknown_level_over_21": family({"birth_date": years_ago(22), "components": ["SMP"]}),
        "keeps_sd_child": family(
            {"birth_date": years_ago(9), "components": ["SD"], "school_level": "SD"}
        ),
        "keeps_toddler": family(
            {"birth_date": years_ago(5, days=-1), "components": ["ANAK_USIA_DINI"]}
        ),
        "keeps_pupil_unknown_level": family({"birth_date": years_ago(12), "components": ["SD"]}),
        "keeps_lansia": family({"birth_date": years_ago(70), "components": ["LANSIA"]}),
    }


class TestNaturalGraduation:
    def test_detection(self, natural_families, facilitator, settings):
        settings.PKH_LANSIA_MIN_AGE = 60
        found = set(
            natural_selectors.natural_graduation_candidates(user=facilitator).values_list(
                "pk", flat=True
            )
        )
        expected = {
            natural_families[k].pk
            for k in (
                "finished_sma",
                "elderly_died",
                "turned_seven",
                "lansia_too_young",
                "pupil_unknown_level_over_21",
            )
        }
        assert found == expected

    def test_detection_is_one_query_whatever_the_number_of_families(
        self, natural_families, supervisor, django_assert_num_queries
    ):
        with django_assert_num_queries(1):
            ids = natural_selectors.natural_graduation_ids(user=supervisor)
        assert len(ids) == 5

    def test_lansia_age_is_a_setting(self, natural_families, facilitator, settings):
        settings.PKH_LANSIA_MIN_AGE = 50
        found = set(
            natural_selectors.natural_graduation_candidates(user=facilitator).values_list(
                "pk", flat=True
            )
        )
        assert natural_families["lansia_too_young"].pk not in found

    def test_reasons(self, natural_families):
        ids = [natural_families[k].pk for k in ("finished_sma", "elderly_died", "turned_seven")]
        reasons = natural_selectors.natural_graduation_reasons(ids)
        assert "tidak bersekolah" in reasons[ids[0]][0]
        assert "keluar" in reasons[ids[1]][0] and "Meninggal" in reasons[ids[1]][0]
        assert "sudah berusia 7 tahun" in reasons[ids[2]][0]

    def test_scoped(self, natural_families, other_facilitator, other_team_facilitator, supervisor):
        assert not natural_selectors.natural_graduation_candidates(user=other_facilitator).exists()
        assert natural_selectors.natural_graduation_candidates(user=supervisor).count() == 5

    def test_confirm(self, natural_families, facilitator):
        household = natural_families["elderly_died"]
        graduation_services.natural_graduation_confirm(
            household=household, by=facilitator, date=TODAY()
        )
        household.refresh_from_db()
        assert household.status == HouseholdStatus.GRADUATED
        assert household.exit_type == ExitType.GRADUASI_ALAMIAH
        assert "Meninggal" in household.status_reason
        assert household.history.first().history_user == facilitator
        graduation = Graduation.objects.get(household=household)
        assert graduation.source == "natural"
        assert graduation.monitoring_visits.count() == 3
        assert household not in natural_selectors.natural_graduation_candidates(user=facilitator)

    def test_confirm_refused_when_a_component_remains(self, natural_families, facilitator):
        household = natural_families["keeps_sd_child"]
        with pytest.raises(ValidationError):
            graduation_services.natural_graduation_confirm(household=household, by=facilitator)
        household.refresh_from_db()
        assert household.status == HouseholdStatus.ACTIVE
        assert not Graduation.objects.exists()

    def test_confirm_by_others_refused(self, natural_families, other_facilitator, supervisor):
        household = natural_families["turned_seven"]
        for user in (other_facilitator, supervisor):
            with pytest.raises(PermissionDenied):
                graduation_services.natural_graduation_confirm(household=household, by=user)
        household.refresh_from_db()
        assert household.status == HouseholdStatus.ACTIVE

    def test_confirm_twice_refused(self, natural_families, facilitator):
        household = natural_families["turned_seven"]
        graduation_services.natural_graduation_confirm(household=household, by=facilitator)
        with pytest.raises(ValidationError):
            graduation_services.natural_graduation_confirm(household=household, by=facilitator)
        assert Graduation.objects.count() == 1
