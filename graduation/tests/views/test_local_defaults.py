"""Values the app invents are labelled "bawaan lokal" (local default) where they show:
the readiness thresholds, the seeded form's answer weights and the default quarterly
target (docs/graduation.md, docs/commitments.md "Local defaults in the UI")."""

import pytest
from django.test import override_settings

from graduation.selectors import assessment_forms as form_selectors
from graduation.services import assessment_forms as form_services
from graduation.tests.factories import assess
from graduation.tests.views.helpers import as_user, url

pytestmark = pytest.mark.django_db


def badge(what: str) -> str:
    return f'data-local-default="{what}"'


def test_form_page_labels_thresholds_and_the_seeded_weights(client, admin_user):
    page = as_user(client, admin_user).get(url("form_detail", form_selectors.form_current().pk))
    html = page.content.decode()
    assert badge("readiness") in html and "bawaan lokal" in html
    assert badge("weights") in html


def test_a_version_made_by_the_keeper_has_no_local_weights_label(
    client, catalogue_keeper, household
):
    assess(household)  # the seeded version is used: an edit lands in version 2
    new = form_services.form_update(
        form=form_selectors.form_current(), by=catalogue_keeper, name="Formulir kabupaten"
    )
    assert new.version == 2
    html = as_user(client, catalogue_keeper).get(url("form_detail", new.pk)).content.decode()
    assert badge("readiness") in html
    assert badge("weights") not in html


@override_settings(PKH_GRADUATION_READY_SCORE=75, PKH_GRADUATION_APPROACHING_SCORE=55)
def test_assessment_page_labels_the_thresholds_in_force(client, household):
    assessment = assess(household)
    page = as_user(client, household.facilitator).get(url("assessment_detail", assessment.pk))
    html = page.content.decode()
    assert page.status_code == 200
    assert badge("readiness") in html
    assert "mendekati siap mulai 55%, siap mulai 75%" in html


def test_targets_page_labels_the_default_target(client, supervisor, facilitator):
    page = as_user(client, supervisor).get(url("targets") + "?tahun=2026&triwulan=1")
    html = page.content.decode()
    assert page.status_code == 200
    assert badge("targets") in html and "bawaan lokal" in html
