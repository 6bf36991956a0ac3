"""Recording welfare assessments."""

import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from graduation.models import (
    GraduationAssessment,
    Readiness,
)
from graduation.services import assessments as assessment_services
from graduation.tests.factories import (
    answers_for,
    assess,
)
from graduation.tests.services.helpers import TODAY, current_form

pytestmark = pytest.mark.django_db


class TestAssessment:
    def test_default_form_is_seeded_with_the_issue_indicators(self):
        form = current_form()
        keys = set(form.indicators.values_list("key", flat=True))
        assert {
            "penghasilan_umk",
            "pekerjaan",
            "lantai",
            "dinding",
            "atap",
            "luas_per_orang",
            "sanitasi",
            "air_minum",
            "listrik",
            "bahan_bakar",
            "kendaraan",
            "lahan",
            "ternak",
            "tabungan",
            "anak_sekolah",
            "anggota_asn",
            "lama_pkh",
        } <= keys
        assert form.version == 1

    def test_score_and_readiness(self, household, facilitator, settings):
        settings.PKH_GRADUATION_READY_SCORE = 70
        settings.PKH_GRADUATION_APPROACHING_SCORE = 50
        best = assess(household, profile=5)
        assert (best.score, best.score_pct, best.readiness) == (
            best.max_score,
            100,
            Readiness.READY,
        )
        poorest = assess(household, profile=0)
        assert poorest.score == 0
        assert poorest.readiness == Readiness.NOT_READY
        assert best.answers.count() == current_form().indicators.count()

    def test_readiness_thresholds_come_from_settings(self, settings):
        settings.PKH_GRADUATION_READY_SCORE = 80
        settings.PKH_GRADUATION_APPROACHING_SCORE = 40
        assert assessment_services.readiness_for(79) == Readiness.APPROACHING
        assert assessment_services.readiness_for(80) == Readiness.READY
        assert assessment_services.readiness_for(39) == Readiness.NOT_READY

    def test_unanswered_indicator_is_refused_and_nothing_saved(self, household, facilitator):
        form = current_form()
        answers = answers_for(form)
        missing = next(iter(answers))
        del answers[missing]
        with pytest.raises(ValidationError) as exc:
            assessment_services.assessment_create(
                household=household,
                form=form,
                answers=answers,
                by=facilitator,
                assessed_on=TODAY(),
            )
        assert assessment_services.answer_field(missing) in exc.value.message_dict
        assert not GraduationAssessment.objects.exists()

    def test_option_of_another_indicator_is_refused(self, household, facilitator):
        form = current_form()
        answers = answers_for(form)
        first, second = list(answers)[:2]
        answers[first] = answers[second]
        with pytest.raises(ValidationError):
            assessment_services.assessment_create(
                household=household, form=form, answers=answers, by=facilitator, assessed_on=TODAY()
            )
        assert not GraduationAssessment.objects.exists()

    def test_future_date_refused(self, household, facilitator):
        form = current_form()
        with pytest.raises(ValidationError):
            assessment_services.assessment_create(
                household=household,
                form=form,
                answers=answers_for(form),
                by=facilitator,
                assessed_on=TODAY() + datetime.timedelta(days=1),
            )

    def test_only_the_familys_facilitator_assesses(self, household, other_facilitator, supervisor):
        form = current_form()
        for user in (other_facilitator, supervisor):
            with pytest.raises(PermissionDenied):
                assessment_services.assessment_create(
                    household=household,
                    form=form,
                    answers=answers_for(form),
                    by=user,
                    assessed_on=TODAY(),
                )
        assert not GraduationAssessment.objects.exists()

    def test_a_repeated_client_token_returns_the_first_assessment(self, household, facilitator):
        form = current_form()
        token = uuid.uuid4()
        kwargs = {
            "household": household,
            "form": form,
            "answers": answers_for(form),
            "by": facilitator,
            "assessed_on": TODAY(),
            "client_token": token,
        }
        first, created1 = assessment_services.assessment_create(**kwargs)
        second, created2 = assessment_services.assessment_create(**kwargs)
        assert (created1, created2) == (True, False)
        assert second == first
        assert GraduationAssessment.objects.get().answers.count() == form.indicators.count()
        # The token is checked after who may act: another user learns nothing from it.
        with pytest.raises(PermissionDenied):
            assessment_services.assessment_create(
                **{**kwargs, "by": household.facilitator.supervisor}
            )

    def test_latest_flag_follows_the_assessment_date(self, household):
        recent = assess(household, days_ago=5)
        older = assess(household, days_ago=50)
        recent.refresh_from_db()
        older.refresh_from_db()
        assert recent.is_latest and not older.is_latest
        newest = assess(household, days_ago=0)
        recent.refresh_from_db()
        assert newest.is_latest and not recent.is_latest
        assert GraduationAssessment.objects.filter(household=household, is_latest=True).count() == 1
