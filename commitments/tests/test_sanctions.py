"""Sanction proposals: the services, then the pages through the Django test client.

Every case uses the quarter judged today (``judged_quarter``), failed in all three of
its months by the family's SD child: a suspension is due."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from commitments.models import SanctionKind, SanctionProposal, SanctionStatus
from commitments.selectors.consequences import judged_quarter, quarter_months, sanctions_due
from commitments.services.sanctions import sanction_decide, sanction_propose
from commitments.tests.test_consequences import record
from conftest import login
from home.selectors import todo_items
from households.models import ExitType, Household, HouseholdStatus
from pkh.permissions import can_decide_sanction

pytestmark = pytest.mark.django_db


def propose(family, facilitator, quarter, reason="Anak tidak sekolah 3 bulan; sudah dikunjungi."):
    return sanction_propose(household=family, by=facilitator, quarter=quarter, reason=reason)


# --- services ------------------------------------------------------------------------


def test_suspension_proposed_then_confirmed(failing, facilitator, supervisor, quarter):
    proposal = propose(failing, facilitator, quarter)
    assert (proposal.kind, proposal.status, proposal.months_failed) == (
        SanctionKind.SUSPENSION, SanctionStatus.PENDING, 3,
    )  # fmt: skip
    failing.refresh_from_db()
    assert failing.status == HouseholdStatus.ACTIVE  # unchanged until confirmed
    sanction_decide(proposal=proposal, by=supervisor, confirm=True)
    failing.refresh_from_db()
    proposal.refresh_from_db()
    assert failing.status == HouseholdStatus.SUSPENDED
    assert "Penangguhan" in failing.status_reason
    assert failing.history.first().history_user == supervisor
    assert (proposal.status, proposal.decided_by) == (SanctionStatus.CONFIRMED, supervisor)
    steps = list(proposal.history.order_by("history_date").values_list("status", "history_user"))
    assert steps == [
        (SanctionStatus.PENDING, facilitator.pk),
        (SanctionStatus.CONFIRMED, supervisor.pk),
    ]
    # Settled: the quarter asks nothing more of the facilitator.
    assert sanctions_due(households=Household.objects.all(), quarter=quarter) == []


def test_returned_proposal_keeps_the_status_and_is_due_again(
    failing, facilitator, supervisor, quarter
):
    proposal = propose(failing, facilitator, quarter)
    with pytest.raises(ValidationError) as exc:
        sanction_decide(proposal=proposal, by=supervisor, confirm=False, comment="  ")
    assert "comment" in exc.value.message_dict
    sanction_decide(proposal=proposal, by=supervisor, confirm=False, comment="Kunjungi dulu.")
    failing.refresh_from_db()
    proposal.refresh_from_db()
    assert failing.status == HouseholdStatus.ACTIVE
    assert (proposal.status, proposal.decision_comment) == (
        SanctionStatus.RETURNED, "Kunjungi dulu.",
    )  # fmt: skip
    (due,) = sanctions_due(households=Household.objects.all(), quarter=quarter)
    assert due.household_id == failing.pk


def test_a_proposal_is_decided_once(failing, facilitator, supervisor, quarter):
    proposal = propose(failing, facilitator, quarter)
    sanction_decide(proposal=proposal, by=supervisor, confirm=False, comment="Belum.")
    stale = SanctionProposal.objects.get(pk=proposal.pk)
    stale.status = SanctionStatus.PENDING  # a second screen still showing it pending
    with pytest.raises(ValidationError, match="sudah diputuskan"):
        sanction_decide(proposal=stale, by=supervisor, confirm=True)
    failing.refresh_from_db()
    assert failing.status == HouseholdStatus.ACTIVE


def test_cancellation_confirmed_takes_the_family_out(family, facilitator, supervisor, quarter):
    from commitments import rules

    pupil = family.members.get(components__code="SD")
    for month in (*quarter_months(rules.month_add(quarter, -3)), *quarter_months(quarter)):
        record(pupil, "SD", month, fails=True)
    proposal = propose(family, facilitator, quarter)
    assert proposal.kind == SanctionKind.CANCELLATION
    sanction_decide(proposal=proposal, by=supervisor, confirm=True)
    family.refresh_from_db()
    assert (family.status, family.exit_type) == (HouseholdStatus.EXITED, ExitType.NON_COMPLIANCE)


def test_only_the_familys_facilitator_proposes(failing, other_facilitator, supervisor, quarter):
    for user in (other_facilitator, supervisor):
        with pytest.raises(PermissionDenied):
            propose(failing, user, quarter)
    assert not SanctionProposal.objects.exists()


def test_proposal_needs_a_reason_and_a_due_sanction(family, failing, facilitator, quarter):
    from commitments import rules

    with pytest.raises(ValidationError) as exc:
        propose(failing, facilitator, quarter, reason="   ")
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError, match="sudah selesai"):
        propose(failing, facilitator, rules.month_add(quarter, -3))  # not the judged one
    assert not SanctionProposal.objects.exists()


def test_a_warning_quarter_cannot_be_proposed(family, facilitator, quarter):
    pupil = family.members.get(components__code="SD")
    record(pupil, "SD", quarter, fails=True)
    with pytest.raises(ValidationError, match="tidak mengharuskan"):
        propose(family, facilitator, quarter)


def test_one_pending_proposal_per_family(failing, facilitator, quarter):
    propose(failing, facilitator, quarter)
    with pytest.raises(ValidationError, match="menunggu"):
        propose(failing, facilitator, quarter)
    assert SanctionProposal.objects.count() == 1


def test_a_suspended_family_is_not_proposed_suspension_again(failing, facilitator, quarter):
    Household.objects.filter(pk=failing.pk).update(status=HouseholdStatus.SUSPENDED)
    with pytest.raises(ValidationError):
        propose(failing, facilitator, quarter)
    assert sanctions_due(households=Household.objects.all(), quarter=quarter) == []


def test_who_decides(failing, facilitator, supervisor, other_supervisor, admin_user, quarter):
    proposal = propose(failing, facilitator, quarter)
    assert can_decide_sanction(supervisor, proposal)
    for user in (facilitator, other_supervisor, admin_user):
        assert not can_decide_sanction(user, proposal)
        with pytest.raises(PermissionDenied):
            sanction_decide(proposal=proposal, by=user, confirm=True)
    failing.refresh_from_db()
    assert failing.status == HouseholdStatus.ACTIVE


# --- to-do ---------------------------------------------------------------------------


def test_facilitator_todo_lists_the_sanction_to_propose(failing, facilitator, other_facilitator):
    today = timezone.localdate()
    items = [
        i for i in todo_items(user=facilitator, today=today) if i.kind == "commitment_sanction"
    ]
    (item,) = items
    assert item.url == reverse("commitments:sanction_propose", args=[failing.pk])
    assert "penangguhan" in item.label and "3 bulan" in item.label
    others = todo_items(user=other_facilitator, today=today)
    assert not [i for i in others if i.kind == "commitment_sanction"]
    propose(failing, facilitator, judged_quarter(today))
    after = todo_items(user=facilitator, today=today)
    assert not [i for i in after if i.kind == "commitment_sanction"]


# --- pages ---------------------------------------------------------------------------


def test_propose_page_shows_the_quarter_and_sends_the_proposal(client, failing, facilitator):
    url = reverse("commitments:sanction_propose", args=[failing.pk])
    c = login(client, facilitator)
    page = c.get(url)
    assert page.status_code == 200
    assert 'data-kind="penangguhan"' in page.content.decode()
    response = c.post(url, {"reason": "Sudah dikunjungi dua kali."})
    proposal = SanctionProposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("commitments:sanction_detail", args=[proposal.pk])
    assert proposal.proposed_by == facilitator


def test_propose_page_bad_input_writes_nothing(client, failing, facilitator):
    url = reverse("commitments:sanction_propose", args=[failing.pk])
    response = login(client, facilitator).post(url, {"reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert 'data-error="reason"' in response.content.decode()
    assert not SanctionProposal.objects.exists()


def test_propose_page_refuses_other_users(
    client, failing, other_facilitator, other_team_facilitator, supervisor
):
    url = reverse("commitments:sanction_propose", args=[failing.pk])
    assert login(client, other_team_facilitator).post(url, {"reason": "x"}).status_code == 404
    # Same team, same scope as the owner: sees the family, may not propose for it.
    assert login(client, other_facilitator).post(url, {"reason": "x"}).status_code in (403, 404)
    assert login(client, supervisor).post(url, {"reason": "x"}).status_code == 403
    assert not SanctionProposal.objects.exists()


def test_supervisor_confirms_on_the_detail_page(client, failing, facilitator, supervisor, quarter):
    proposal = propose(failing, facilitator, quarter)
    url = reverse("commitments:sanction_detail", args=[proposal.pk])
    team = login(client, supervisor).get(reverse("commitments:team"))
    assert f'data-proposal="{proposal.pk}"' in team.content.decode()
    page = client.get(url)
    assert page.status_code == 200 and page.context["can_decide"]
    response = client.post(url, {"decision": "confirm"})
    assert response.status_code == 302
    failing.refresh_from_db()
    assert failing.status == HouseholdStatus.SUSPENDED
    page = client.get(url)
    assert not page.context["can_decide"] and 'data-status="dikonfirmasi"' in page.content.decode()


def test_return_without_comment_shows_the_field_error(
    client, failing, facilitator, supervisor, quarter
):
    proposal = propose(failing, facilitator, quarter)
    url = reverse("commitments:sanction_detail", args=[proposal.pk])
    response = login(client, supervisor).post(url, {"decision": "return", "comment": ""})
    assert response.status_code == 200 and "comment" in response.context["form"].errors
    proposal.refresh_from_db()
    assert proposal.status == SanctionStatus.PENDING


def test_detail_page_refuses_the_wrong_users(
    client, failing, facilitator, other_supervisor, other_team_facilitator, quarter
):
    proposal = propose(failing, facilitator, quarter)
    url = reverse("commitments:sanction_detail", args=[proposal.pk])
    c = login(client, facilitator)
    assert c.get(url).status_code == 200  # the proposer reads it
    assert c.post(url, {"decision": "confirm"}).status_code == 403
    for user in (other_supervisor, other_team_facilitator):
        c = login(client, user)
        assert c.get(url).status_code == 404
        assert c.post(url, {"decision": "confirm"}).status_code == 404
    failing.refresh_from_db()
    assert failing.status == HouseholdStatus.ACTIVE


def test_family_page_shows_the_reduction(client, family, facilitator, monkeypatch):
    """Two failed months of the SD child in April-June, seen on 15 August (that quarter
    judged): the family page's estimate has the reduction line and the total after it."""
    import datetime

    from commitments import rules
    from households.models import BenefitRate

    today = datetime.date(timezone.localdate().year, 8, 15)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today)
    quarter = judged_quarter(today)
    assert quarter == datetime.date(today.year, 4, 1)
    BenefitRate.objects.update_or_create(
        component_id="SD", year=today.year, defaults={"amount": 900_000}
    )
    pupil = family.members.get(components__code="SD")
    record(pupil, "SD", quarter, fails=True)
    record(pupil, "SD", rules.month_add(quarter, 1), fails=True)
    page = login(client, facilitator).get(reverse("households:detail", args=[family.pk]))
    html = page.content.decode()
    assert "data-benefit-adjustments" in html and "data-benefit-net" in html
    (adjustment,) = page.context["benefit_adjustments"]
    assert adjustment.amount == -22_500 and adjustment.member_id == pupil.pk
    total = sum(line.amount for line in page.context["benefit_lines"] if line.counted)
    assert page.context["benefit_net"] == total - 22_500


def test_family_panel_shows_the_quarter_and_the_proposals(
    client, failing, facilitator, supervisor, quarter
):
    url = reverse("households:detail", args=[failing.pk])
    propose_url = reverse("commitments:sanction_propose", args=[failing.pk])
    html = login(client, facilitator).get(url).content.decode()
    assert 'data-consequence="3"' in html and propose_url in html
    assert propose_url not in login(client, supervisor).get(url).content.decode()
    proposal = propose(failing, facilitator, quarter)
    html = login(client, facilitator).get(url).content.decode()
    assert f'data-sanction="{proposal.pk}"' in html
    assert propose_url not in html  # already proposed: nothing more to propose
