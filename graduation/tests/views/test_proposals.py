"""Proposal pages: submit, list, decide, the statement."""

import pytest

from graduation.models import (
    GraduationProposal,
    PipelineEntry,
    ProposalStatus,
)
from graduation.tests.factories import (
    assess,
    fake_pdf_upload,
    pdf_upload,
    png_upload,
)
from graduation.tests.views.helpers import (
    TODAY,
    as_user,
    submit,
    url,
)
from households.models import ExitType, HouseholdStatus
from households.tests.factories import household_with_members

pytestmark = pytest.mark.django_db


class TestProposalPages:
    def test_submit_and_decide(self, client, facilitator, supervisor, household):
        assess(household)
        as_user(client, facilitator)
        assert client.get(url("proposal_create", household.pk)).status_code == 200
        response = client.post(
            url("proposal_create", household.pk),
            {
                "exit_type": ExitType.GRADUASI_MANDIRI,
                "reason": "Usaha stabil",
                "statement": png_upload(),
            },
        )
        proposal = GraduationProposal.objects.get()
        assert response.status_code == 302
        detail = client.get(url("proposal_detail", proposal.pk))
        assert detail.context["can_decide"] is False
        as_user(client, supervisor)
        detail = client.get(url("proposal_detail", proposal.pk))
        assert detail.context["can_decide"] is True
        response = client.post(
            url("proposal_decide", proposal.pk),
            {"decision": "approve", "graduation_date": TODAY().isoformat()},
        )
        assert response.status_code == 302
        household.refresh_from_db()
        assert household.status == HouseholdStatus.GRADUATED
        assert household.exit_type == ExitType.GRADUASI_MANDIRI

    @pytest.mark.parametrize(
        "case", ["no-file", "not-pdf", "too-large", "old-assessment", "no-reason"]
    )
    def test_bad_submissions_change_nothing(self, client, facilitator, household, settings, case):
        settings.PKH_GRADUATION_STATEMENT_MAX_BYTES = 2000
        assess(household, days_ago=400 if case == "old-assessment" else 3)
        data = {
            "exit_type": ExitType.GRADUASI_MANDIRI,
            "reason": "Usaha stabil",
            "statement": pdf_upload(),
        }
        if case == "no-file":
            del data["statement"]
        elif case == "not-pdf":
            data["statement"] = fake_pdf_upload()
        elif case == "too-large":
            data["statement"] = pdf_upload(size=2001)
        elif case == "no-reason":
            data["reason"] = ""
        response = as_user(client, facilitator).post(url("proposal_create", household.pk), data)
        assert response.status_code == 200
        assert response.context["form"].errors
        assert not GraduationProposal.objects.exists()
        assert not PipelineEntry.objects.exists()

    def test_return_with_comment_and_already_decided(self, client, supervisor, household):
        assess(household)
        proposal = submit(household)
        as_user(client, supervisor)
        response = client.post(
            url("proposal_decide", proposal.pk), {"decision": "return", "comment": ""}
        )
        assert response.status_code == 400
        assert "Tulis komentar" in response.content.decode()
        response = client.post(
            url("proposal_decide", proposal.pk),
            {"decision": "return", "comment": "Foto usaha kurang"},
        )
        assert response.status_code == 302
        response = client.post(
            url("proposal_decide", proposal.pk),
            {"decision": "approve", "graduation_date": TODAY().isoformat()},
        )
        assert response.status_code == 400
        assert "sudah diputuskan" in response.content.decode()
        proposal.refresh_from_db()
        household.refresh_from_db()
        assert proposal.status == ProposalStatus.RETURNED
        assert household.status == HouseholdStatus.ACTIVE

    def test_who_may_decide(self, client, facilitator, other_supervisor, admin_user, household):
        assess(household)
        proposal = submit(household)
        data = {"decision": "approve", "graduation_date": TODAY().isoformat()}
        assert (
            as_user(client, facilitator).post(url("proposal_decide", proposal.pk), data).status_code
            == 403
        )
        assert (
            as_user(client, admin_user).post(url("proposal_decide", proposal.pk), data).status_code
            == 403
        )
        assert (
            as_user(client, other_supervisor)
            .post(url("proposal_decide", proposal.pk), data)
            .status_code
            == 404
        )
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.PENDING

    def test_statement_served_only_in_scope(
        self,
        client,
        household,
        facilitator,
        supervisor,
        other_facilitator,
        other_supervisor,
        admin_user,
        other_region_admin,
    ):
        assess(household)
        proposal = submit(household)
        for user in (facilitator, supervisor, admin_user):
            response = as_user(client, user).get(url("proposal_statement", proposal.pk))
            assert response.status_code == 200
            assert response["Content-Type"] == "application/pdf"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert "sandbox" in response["Content-Security-Policy"]
            assert response["Content-Disposition"].startswith("attachment;")
            assert b"".join(response.streaming_content).startswith(b"%PDF-")
        for user in (other_facilitator, other_supervisor, other_region_admin):
            assert (
                as_user(client, user).get(url("proposal_statement", proposal.pk)).status_code == 404
            )

    def test_statement_has_no_public_url(self, household):
        assess(household)
        proposal = submit(household)
        with pytest.raises(ValueError):
            proposal.statement.url  # noqa: B018

    def test_wrong_role_cannot_propose(self, client, supervisor, other_facilitator, household):
        assess(household)
        assert (
            as_user(client, supervisor).get(url("proposal_create", household.pk)).status_code == 403
        )
        assert (
            as_user(client, other_facilitator).get(url("proposal_create", household.pk)).status_code
            == 404
        )

    def test_list_query_count_constant(
        self, client, supervisor, facilitator, django_assert_max_num_queries
    ):
        def add(n):
            for _ in range(n):
                h = household_with_members(facilitator=facilitator)
                assess(h)
                submit(h)

        add(1)
        as_user(client, supervisor)
        with django_assert_max_num_queries(10):
            client.get(url("proposal_list"))
        add(6)
        with django_assert_max_num_queries(10):
            response = client.get(url("proposal_list") + "?status=pending")
        assert response.context["page"].paginator.count == 7
