"""Editing the assessment form and its versions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from graduation.models import (
    AssessmentForm,
)
from graduation.services import assessment_forms as form_services
from graduation.services import assessments as assessment_services
from graduation.tests.factories import (
    answers_for,
    assess,
)
from graduation.tests.services.helpers import TODAY, current_form

pytestmark = pytest.mark.django_db


class TestFormVersions:
    def test_unused_form_is_edited_in_place(self, catalogue_keeper):
        form = current_form()
        indicator = form.indicators.get(key="lantai")
        after = form_services.indicator_save(
            form=form,
            by=catalogue_keeper,
            indicator=indicator,
            group=indicator.group,
            text="Lantai rumah",
            options=[("Tanah", 0), ("Keramik", 3)],
        )
        assert after.pk == form.pk
        assert AssessmentForm.objects.count() == 1
        indicator.refresh_from_db()
        assert indicator.text == "Lantai rumah"
        assert list(indicator.options.values_list("label", "weight")) == [
            ("Tanah", 0),
            ("Keramik", 3),
        ]

    def test_editing_a_used_form_creates_a_new_version(self, household, catalogue_keeper):
        old_assessment = assess(household, profile=5)
        form = current_form()
        old_score = (old_assessment.score, old_assessment.max_score, old_assessment.score_pct)
        indicator = form.indicators.get(key="lantai")
        after = form_services.indicator_save(
            form=form,
            by=catalogue_keeper,
            indicator=indicator,
            group=indicator.group,
            text="Lantai rumah",
            options=[("Tanah", 0), ("Semen", 2), ("Keramik", 5)],
        )
        assert after.version == 2 and after.previous_id == form.pk
        assert current_form() == after
        # Version 1 is untouched; the old assessment keeps its version and score.
        indicator.refresh_from_db()
        assert indicator.text == "Jenis lantai terluas"
        assert indicator.options.count() == 3
        old_assessment.refresh_from_db()
        assert old_assessment.form_id == form.pk
        assert (
            old_assessment.score,
            old_assessment.max_score,
            old_assessment.score_pct,
        ) == old_score
        new_indicator = after.indicators.get(key="lantai")
        assert new_indicator.text == "Lantai rumah"
        assert after.indicators.count() == form.indicators.count()
        # A second edit of version 2 (still unused) stays in version 2.
        again = form_services.form_update(form=after, by=catalogue_keeper, name="Formulir Nasional")
        assert again.pk == after.pk

    def test_removing_an_indicator_of_a_used_form(self, household, catalogue_keeper):
        assess(household)
        form = current_form()
        indicator = form.indicators.get(key="ternak")
        after = form_services.indicator_remove(form=form, by=catalogue_keeper, indicator=indicator)
        assert after.version == 2
        assert not after.indicators.filter(key="ternak").exists()
        assert form.indicators.filter(key="ternak").exists()

    def test_assessment_on_a_superseded_version_is_refused(self, household, catalogue_keeper):
        form = current_form()
        answers = answers_for(form)
        assess(household)
        form_services.group_save(form=form, by=catalogue_keeper, name="Tambahan", order=9)
        with pytest.raises(ValidationError):
            assessment_services.assessment_create(
                household=household,
                form=form,
                answers=answers,
                by=household.facilitator,
                assessed_on=TODAY(),
            )

    def test_only_the_national_keeper_edits_forms(
        self, supervisor, facilitator, admin_user, other_region_admin
    ):
        form = current_form()
        for user in (supervisor, facilitator, admin_user, other_region_admin):
            with pytest.raises(PermissionDenied):
                form_services.form_update(form=form, by=user, name="x")
        form.refresh_from_db()
        assert form.name == "Penilaian kesiapan graduasi"

    def test_indicator_needs_two_distinct_options(self, catalogue_keeper):
        form = current_form()
        group = form.groups.first()
        for options in ([("Ya", 1)], [("Ya", 1), ("ya", 2)]):
            with pytest.raises(ValidationError):
                form_services.indicator_save(
                    form=form, by=catalogue_keeper, group=group, text="Baru", options=options
                )
        assert not form.indicators.filter(text="Baru").exists()

    def test_new_indicator_gets_a_unique_key(self, catalogue_keeper):
        form = current_form()
        group = form.groups.first()
        for _ in range(2):
            form_services.indicator_save(
                form=form,
                by=catalogue_keeper,
                group=group,
                text="Punya HP",
                options=[("T", 0), ("Y", 1)],
            )
        assert sorted(form.indicators.filter(text="Punya HP").values_list("key", flat=True)) == [
            "punya_hp",
            "punya_hp_2",
        ]
