"""Graduation proposals tell people through the notifications app (issue 18, "a proposal
waiting"): a submitted proposal the family's supervisor, a decision its proposer. Real
rows through the pages; titles hold no name, NIK or No. KK."""

import pytest
from django.urls import reverse

from graduation.models import GraduationProposal
from graduation.tests.factories import assess, png_upload
from graduation.tests.views.helpers import TODAY, as_user, submit, url
from households.models import ExitType
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def personal_data(household) -> list[str]:
    values = [household.no_kk, household.id_keluarga, household.address]
    for member in household.members.all():
        values += [member.name, member.nik]
    return [v for v in values if v]


def _post_proposal(client, household, **extra):
    data = {"exit_type": ExitType.GRADUASI_MANDIRI, "reason": "Usaha warung stabil."}
    data.update(extra)
    return client.post(url("proposal_create", household.pk), data)


def test_a_proposal_notifies_the_familys_supervisor_only(
    client, facilitator, supervisor, other_supervisor, admin_user, household
):
    assess(household)
    as_user(client, facilitator)
    assert _post_proposal(client, household, statement=png_upload()).status_code == 302
    proposal = GraduationProposal.objects.get()

    note = Notification.objects.get()
    assert (note.recipient, note.kind, note.url) == (
        supervisor,
        "graduation_waiting",
        url("proposal_detail", proposal.pk),
    )
    assert note.title == f"Usulan graduasi #{proposal.pk} menunggu keputusan"
    for value in personal_data(household):
        assert value not in note.title

    # The supervisor reads it in their list, and opening it leads to the proposal.
    as_user(client, supervisor)
    assert note.title in client.get(reverse("notifications:list")).content.decode()
    response = client.post(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302 and response.url == url("proposal_detail", proposal.pk)
    for user in (facilitator, other_supervisor, admin_user):
        assert (
            note.title
            not in as_user(client, user).get(reverse("notifications:list")).content.decode()
        )


def test_a_refused_proposal_notifies_nobody(client, facilitator, household):
    assess(household)
    response = _post_proposal(as_user(client, facilitator), household)  # no statement
    assert response.status_code == 200 and response.context["form"].errors
    assert not GraduationProposal.objects.exists()
    assert not Notification.objects.exists()


def test_return_and_approval_notify_the_proposer(client, facilitator, supervisor, household):
    assess(household)
    first = submit(household)
    as_user(client, supervisor).post(
        url("proposal_decide", first.pk), {"decision": "return", "comment": "Foto usaha kurang."}
    )
    mine = Notification.objects.filter(recipient=facilitator).order_by("pk")
    assert list(mine.values_list("kind", "title", "url")) == [
        (
            "graduation_returned",
            f"Usulan graduasi #{first.pk} dikembalikan",
            url("proposal_detail", first.pk),
        )
    ]
    second = submit(household)
    client.post(
        url("proposal_decide", second.pk),
        {"decision": "approve", "graduation_date": TODAY().isoformat()},
    )
    last = mine.last()
    assert (last.kind, last.title, last.url) == (
        "graduation_approved",
        f"Usulan graduasi #{second.pk} disetujui",
        url("proposal_detail", second.pk),
    )
    # A decision refused (already decided) notifies nobody again.
    before = Notification.objects.count()
    client.post(url("proposal_decide", second.pk), {"decision": "return", "comment": "x"})
    assert Notification.objects.count() == before
