"""Advocacy cases (``assistance.services.cases``)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from assistance.models import (
    AdvocacyCase,
    Aid,
    AidEnrolment,
    AidStatus,
    CaseKind,
    CaseStatus,
)
from assistance.services.cases import case_close, case_open
from assistance.tests.conftest import aid_set, member_by_component
from assistance.tests.factories import CaseFactory, ResourceFactory
from regions.models import Region

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
YESTERDAY = TODAY - datetime.timedelta(days=1)
TOMORROW = TODAY + datetime.timedelta(days=1)


def test_missing_aid_case_marks_the_aid_proposed_and_closing_resolves_it(family, facilitator):
    child = member_by_component(family, "SD")
    school = ResourceFactory(name="SD Negeri 1 Jetis", area=Region.objects.get(code="34.02.09"))
    case = case_open(
        household=family,
        kind=CaseKind.MISSING_AID,
        aid=Aid.objects.get(code="KIP"),
        member=child,
        resource=school,
        opened_on=YESTERDAY,
        next_step="Minta operator sekolah mengusulkan",
        next_step_due=TOMORROW,
        by=facilitator,
    )
    row = AidEnrolment.objects.get(aid="KIP", member=child)
    assert row.status == AidStatus.PROPOSED and row.office == school and row.since == YESTERDAY
    case_close(
        case=case,
        by=facilitator,
        status=CaseStatus.RESOLVED,
        closed_on=TODAY,
        outcome="Anak terdaftar PIP.",
        aid_received=True,
    )
    row.refresh_from_db()
    assert row.status == AidStatus.RECEIVING and row.since == TODAY


def test_unresolvable_case_returns_proposal_to_not_receiving(family, facilitator):
    case = case_open(
        household=family,
        kind=CaseKind.MISSING_AID,
        aid=Aid.objects.get(code="SEMBAKO"),
        opened_on=TODAY,
        by=facilitator,
    )
    case_close(
        case=case,
        by=facilitator,
        status=CaseStatus.UNRESOLVABLE,
        closed_on=TODAY,
        outcome="Kuota penuh.",
    )
    assert AidEnrolment.objects.get(household=family, aid="SEMBAKO").status == AidStatus.ELIGIBLE


@pytest.mark.parametrize("outcome", ["", "   "])
def test_closing_a_case_without_outcome_is_refused(family, facilitator, outcome):
    case = CaseFactory(household=family)
    with pytest.raises(ValidationError) as exc:
        case_close(
            case=case, by=facilitator, status=CaseStatus.RESOLVED, closed_on=TODAY, outcome=outcome
        )
    assert "outcome" in exc.value.error_dict
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and case.closed_on is None


def test_case_rules(family, facilitator, other_facilitator):
    kip = Aid.objects.get(code="KIP")
    child = member_by_component(family, "SD")
    with pytest.raises(ValidationError):  # not their family
        case_open(household=family, kind=CaseKind.KKS_PIN, opened_on=TODAY, by=other_facilitator)
    with pytest.raises(ValidationError):  # missing aid without naming it
        case_open(household=family, kind=CaseKind.MISSING_AID, opened_on=TODAY, by=facilitator)
    with pytest.raises(ValidationError):  # per-member aid without the member
        case_open(
            household=family, kind=CaseKind.MISSING_AID, aid=kip, opened_on=TODAY, by=facilitator
        )
    with pytest.raises(ValidationError):  # opened in the future
        case_open(household=family, kind=CaseKind.KKS_PIN, opened_on=TOMORROW, by=facilitator)
    with pytest.raises(ValidationError):  # waiting on an office without naming it
        case_open(
            household=family,
            kind=CaseKind.KKS_PIN,
            opened_on=TODAY,
            status=CaseStatus.WAITING,
            by=facilitator,
        )
    aid_set(family, facilitator, "KIP", child)
    with pytest.raises(ValidationError):  # already receiving
        case_open(
            household=family,
            kind=CaseKind.MISSING_AID,
            aid=kip,
            member=child,
            opened_on=TODAY,
            by=facilitator,
        )
    assert not AdvocacyCase.objects.exists()
    case = case_open(household=family, kind=CaseKind.KKS_LOST, opened_on=TODAY, by=facilitator)
    assert case.aid_id == "KKS" and case.member is None


def test_case_resource_must_be_in_the_users_area(family, facilitator, other_region_village):
    elsewhere = ResourceFactory(area=other_region_village)
    with pytest.raises(ValidationError) as exc:
        case_open(
            household=family,
            kind=CaseKind.KKS_PIN,
            opened_on=TODAY,
            resource=elsewhere,
            by=facilitator,
        )
    assert "resource" in exc.value.error_dict
