"""Helpers of the graduation service tests."""

from django.utils import timezone

from graduation.selectors import assessment_forms as form_selectors
from graduation.services import proposals as proposal_services
from graduation.tests.factories import (
    pdf_upload,
)

TODAY = timezone.localdate


def current_form():
    return form_selectors.form_current()


def submit(household, **kwargs):
    data = {
        "household": household,
        "by": household.facilitator,
        "reason": "Usaha warung stabil, penghasilan di atas UMK.",
        "statement": pdf_upload(),
    }
    data.update(kwargs)
    return proposal_services.proposal_submit(**data)
