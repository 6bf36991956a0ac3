"""Proposals: submit and decide."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from graduation.models import (
    Graduation,
    GraduationProposal,
    MonitoringVisit,
    PipelineEntry,
    ProposalStatus,
    Stage,
)
from graduation.services import proposals as proposal_services
from graduation.tests.factories import (
    assess,
    fake_pdf_upload,
    pdf_upload,
    png_upload,
)
from graduation.tests.services.helpers import TODAY, submit
from households.models import ExitType, Household, HouseholdStatus

pytestmark = pytest.mark.django_db


class TestProposal:
    def test_submit_carries_latest_assessment_and_moves_pipeline(self, household):
        assess(household, days_ago=40)
        latest = assess(household, days_ago=3)
        proposal = submit(household)
        assert proposal.assessment == latest
        assert proposal.status == ProposalStatus.PENDING
        assert proposal.statement_content_type == "application/pdf"
        assert proposal.statement.storage.exists(proposal.statement.name)
        assert PipelineEntry.objects.get(household=household).stage == Stage.PROPOSED

    def test_photo_statement_accepted(self, household):
        assess(household)
        assert submit(household, statement=png_upload()).statement_content_type == "image/png"

    @pytest.mark.parametrize(
        "statement",
        [None, "fake", "large"],
        ids=["missing", "not-pdf-or-image", "too-large"],
    )
    def test_bad_statement_refused(self, household, settings, statement):
        settings.PKH_GRADUATION_STATEMENT_MAX_BYTES = 1000
        assess(household)
        upload = {"fake": fake_pdf_upload(), "large": pdf_upload(size=1001), None: None}[statement]
        with pytest.raises(ValidationError) as exc:
            submit(household, statement=upload)
        assert "statement" in exc.value.message_dict
        assert not GraduationProposal.objects.exists()
        assert not PipelineEntry.objects.exists()

    def test_assessment_older_than_six_months_refused(self, household):
        assess(household, days_ago=200)
        with pytest.raises(ValidationError):
            submit(household)
        assert not GraduationProposal.objects.exists()

    def test_no_assessment_refused(self, household):
        with pytest.raises(ValidationError):
            submit(household)
        assert not GraduationProposal.objects.exists()

    def test_second_pending_proposal_refused(self, household):
        assess(household)
        submit(household)
        with pytest.raises(ValidationError):
            submit(household)
        assert GraduationProposal.objects.count() == 1

    def test_approve_graduates_the_family(self, household, supervisor):
        assess(household)
        proposal = submit(household)
        day = TODAY() - datetime.timedelta(days=1)
        proposal_services.proposal_decide(
            proposal=proposal, by=supervisor, approve=True, graduation_date=day
        )
        household.refresh_from_db()
        assert household.status == HouseholdStatus.GRADUATED
        assert household.exit_type == ExitType.GRADUASI_MANDIRI
        assert household.status_date == day
        assert household.history.first().history_user == supervisor
        graduation = Graduation.objects.get(household=household)
        assert graduation.proposal == proposal and graduation.facilitator == household.facilitator
        assert sorted(
            MonitoringVisit.objects.filter(graduation=graduation).values_list(
                "months_after", flat=True
            )
        ) == [3, 6, 12]
        assert PipelineEntry.objects.get(household=household).stage == Stage.GRADUATED

    def test_approve_other_exit_type_sets_exited_without_monitoring(self, household, supervisor):
        assess(household)
        proposal = submit(household, exit_type=ExitType.NOT_ELIGIBLE)
        proposal_services.proposal_decide(
            proposal=proposal, by=supervisor, approve=True, graduation_date=TODAY()
        )
        household.refresh_from_db()
        assert household.status == HouseholdStatus.EXITED
        assert household.exit_type == ExitType.NOT_ELIGIBLE
        assert not MonitoringVisit.objects.exists()

    def test_return_keeps_history_and_allows_a_new_proposal(self, household, supervisor):
        assess(household)
        first = submit(household)
        proposal_services.proposal_decide(
            proposal=first, by=supervisor, approve=False, comment="Lengkapi foto usaha."
        )
        first.refresh_from_db()
        assert first.status == ProposalStatus.RETURNED
        assert first.decision_comment == "Lengkapi foto usaha."
        household.refresh_from_db()
        assert household.status == HouseholdStatus.ACTIVE
        assert PipelineEntry.objects.get(household=household).stage == Stage.SUPPORTED
        second = submit(household)
        assert set(GraduationProposal.objects.values_list("pk", "status")) == {
            (first.pk, ProposalStatus.RETURNED),
            (second.pk, ProposalStatus.PENDING),
        }

    def test_return_needs_a_comment(self, household, supervisor):
        assess(household)
        proposal = submit(household)
        with pytest.raises(ValidationError):
            proposal_services.proposal_decide(
                proposal=proposal, by=supervisor, approve=False, comment=" "
            )
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.PENDING

    def test_approve_needs_a_past_date(self, household, supervisor):
        assess(household)
        proposal = submit(household)
        for day in (None, TODAY() + datetime.timedelta(days=3)):
            with pytest.raises(ValidationError):
                proposal_services.proposal_decide(
                    proposal=proposal, by=supervisor, approve=True, graduation_date=day
                )
        proposal.refresh_from_db()
        household.refresh_from_db()
        assert proposal.status == ProposalStatus.PENDING
        assert household.status == HouseholdStatus.ACTIVE

    def test_already_decided_proposal_refused_nothing_changed(self, household, supervisor):
        assess(household)
        proposal = submit(household)
        stale = GraduationProposal.objects.get(pk=proposal.pk)  # loaded before the decision
        proposal_services.proposal_decide(
            proposal=proposal, by=supervisor, approve=False, comment="Belum lengkap."
        )
        with pytest.raises(ValidationError) as exc:
            proposal_services.proposal_decide(
                proposal=stale, by=supervisor, approve=True, graduation_date=TODAY()
            )
        assert "sudah diputuskan" in exc.value.messages[0]
        stale.refresh_from_db()
        household.refresh_from_db()
        assert stale.status == ProposalStatus.RETURNED
        assert household.status == HouseholdStatus.ACTIVE
        assert not Graduation.objects.exists()

    def test_facilitator_and_other_supervisor_cannot_decide(
        self, household, facilitator, other_facilitator, other_supervisor, admin_user
    ):
        assess(household)
        proposal = submit(household)
        for user in (facilitator, other_facilitator, other_supervisor, admin_user):
            with pytest.raises(PermissionDenied):
                proposal_services.proposal_decide(
                    proposal=proposal, by=user, approve=True, graduation_date=TODAY()
                )
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.PENDING

    def test_approval_fails_whole_if_family_already_left(self, household, supervisor, facilitator):
        assess(household)
        proposal = submit(household)
        Household.objects.filter(pk=household.pk).update(status=HouseholdStatus.EXITED)
        with pytest.raises(ValidationError):
            proposal_services.proposal_decide(
                proposal=proposal, by=supervisor, approve=True, graduation_date=TODAY()
            )
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.PENDING  # the claim was rolled back
