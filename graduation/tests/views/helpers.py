"""Helpers of the graduation page tests."""

import datetime

from django.urls import reverse
from django.utils import timezone

from graduation.models import (
    Graduation,
)
from graduation.selectors import assessment_forms as form_selectors
from graduation.services import assessments as assessment_services
from graduation.services import proposals as proposal_services
from graduation.tests.factories import (
    answers_for,
    assess,
    pdf_upload,
)
from households.tests.factories import HouseholdFactory, MemberFactory

TODAY = timezone.localdate


def url(name, *args):
    return reverse(f"graduation:{name}", args=args)


def as_user(client, user):
    client.force_login(user)
    return client


def full_answers(profile=5):
    form = form_selectors.form_current()
    return {
        assessment_services.answer_field(pk): option
        for pk, option in answers_for(form, profile).items()
    }


def submit(household):
    return proposal_services.proposal_submit(
        household=household,
        by=household.facilitator,
        reason="Usaha stabil.",
        statement=pdf_upload(),
    )


def natural_family(facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    MemberFactory(household=household, is_pengurus=True)
    today = TODAY()
    MemberFactory(
        household=household,
        birth_date=today.replace(year=today.year - 7),
        components=["ANAK_USIA_DINI"],
    )
    return household


def graduate(household, supervisor, days_ago=100):
    assess(household)
    proposal = submit(household)
    proposal_services.proposal_decide(
        proposal=proposal,
        by=supervisor,
        approve=True,
        graduation_date=TODAY() - datetime.timedelta(days=days_ago),
    )
    return Graduation.objects.get(household=household)
