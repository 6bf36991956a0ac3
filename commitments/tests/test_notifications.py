"""Sanction proposals tell people through the notifications app: a proposal the family's
supervisor, a decision its proposer. Real rows through the pages, no stand-in for the
notifications app; titles hold no name, NIK or No. KK."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from commitments.models import SanctionProposal
from commitments.tests.test_sanctions import propose
from conftest import login
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def detail(proposal):
    return reverse("commitments:sanction_detail", args=[proposal.pk])


def personal_data(household) -> list[str]:
    values = [household.no_kk, household.id_keluarga, household.address]
    for member in household.members.all():
        values += [member.name, member.nik]
    return [v for v in values if v]


def test_a_proposal_notifies_the_familys_supervisor_only(
    client, failing, facilitator, supervisor, other_supervisor, admin_user
):
    url = reverse("commitments:sanction_propose", args=[failing.pk])
    login(client, facilitator).post(url, {"reason": "Sudah dikunjungi dua kali."})
    proposal = SanctionProposal.objects.get()

    note = Notification.objects.get()
    assert (note.recipient, note.kind, note.url) == (
        supervisor,
        "sanction_waiting",
        detail(proposal),
    )
    assert note.title == f"Usulan penangguhan #{proposal.pk} menunggu konfirmasi"
    for value in personal_data(failing):
        assert value not in note.title
    assert not Notification.objects.filter(
        recipient__in=[facilitator, other_supervisor, admin_user]
    ).exists()

    # The supervisor reads it in their list and opening it leads to the proposal.
    login(client, supervisor)
    assert note.title in client.get(reverse("notifications:list")).content.decode()
    response = client.post(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302 and response.url == detail(proposal)


def test_a_refused_proposal_notifies_nobody(client, failing, facilitator, quarter):
    propose(failing, facilitator, quarter)
    Notification.objects.all().delete()
    with pytest.raises(ValidationError):
        propose(failing, facilitator, quarter)  # one pending per family
    url = reverse("commitments:sanction_propose", args=[failing.pk])
    response = login(client, facilitator).post(url, {"reason": ""})
    assert response.status_code == 200
    assert not Notification.objects.exists()


def test_confirmation_and_return_notify_the_proposer(
    client, failing, facilitator, supervisor, quarter
):
    proposal = propose(failing, facilitator, quarter)
    login(client, supervisor).post(detail(proposal), {"decision": "return", "comment": "Kunjungi."})
    mine = Notification.objects.filter(recipient=facilitator)
    assert list(mine.values_list("kind", "title", "url")) == [
        ("sanction_returned", f"Usulan penangguhan #{proposal.pk} dikembalikan", detail(proposal))
    ]

    second = propose(failing, facilitator, quarter, reason="Dikunjungi lagi; tetap tidak sekolah.")
    client.post(detail(second), {"decision": "confirm"})
    last = mine.order_by("pk").last()
    assert (last.kind, last.url) == ("sanction_confirmed", detail(second))
    assert last.title == f"Usulan penangguhan #{second.pk} dikonfirmasi"
    for value in personal_data(failing):
        assert value not in last.title
    # The proposer's own list shows both; the supervisor got only the two proposals.
    page = login(client, facilitator).get(reverse("notifications:list")).content.decode()
    assert last.title in page and f"#{proposal.pk} dikembalikan" in page
    assert list(
        Notification.objects.filter(recipient=supervisor).values_list("kind", flat=True)
    ) == ["sanction_waiting", "sanction_waiting"]


def test_a_refused_decision_notifies_nobody(client, failing, facilitator, supervisor, quarter):
    proposal = propose(failing, facilitator, quarter)
    response = login(client, supervisor).post(detail(proposal), {"decision": "return"})
    assert response.status_code == 200  # no comment: a field error
    assert not Notification.objects.filter(recipient=facilitator).exists()
