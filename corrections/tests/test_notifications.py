"""Corrections tell people through the notifications app: a proposal its deciders, a
decision its proposer; and they add a line to the weekly digest. Real rows and a captured
mailbox, no stand-in for the notifications app."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from corrections.models import Correction, CorrectionStatus
from corrections.tests.factories import child_of, family
from corrections.tests.views.helpers import propose_baby, url
from notifications import services as notifications
from notifications.models import Notification
from pkh import extensions

pytestmark = pytest.mark.django_db


def propose_name(client, household, member, name="Bagus Saputra"):
    return client.post(
        url("propose_member_identity", household.pk, member.pk),
        {
            "name": name,
            "nik": member.nik,
            "birth_date": member.birth_date.isoformat(),
            "document": "ktp",
        },
    )


def personal_data(household) -> list[str]:
    values = [household.no_kk, household.id_keluarga, household.address]
    for member in household.members.all():
        values += [member.name, member.nik]
    return [v for v in values if v]


def test_a_proposal_notifies_the_supervisor_who_sees_it_in_the_list(
    client, facilitator, supervisor, other_supervisor, admin_user
):
    household, _ = family(facilitator)
    client.force_login(facilitator)
    propose_baby(client, household)
    correction = Correction.objects.get()

    note = Notification.objects.get()
    assert (note.recipient, note.kind) == (supervisor, "correction_waiting")
    assert note.url == url("detail", correction.pk)
    assert f"#{correction.pk}" in note.title
    assert "Aisyah" not in note.title
    for value in personal_data(household):
        assert value not in note.title
    # Neither another team's supervisor nor the admin (a supervisor decides a new member).
    assert not Notification.objects.filter(recipient__in=[other_supervisor, admin_user]).exists()

    client.force_login(supervisor)
    page = client.get(reverse("notifications:list")).content.decode()
    assert note.title in page
    # Opening it marks it read and leads to the correction.
    response = client.post(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302 and response.url == note.url
    note.refresh_from_db()
    assert note.read_at is not None


def test_an_identity_proposal_notifies_the_regions_admins_only(
    client, facilitator, supervisor, admin_user, other_region_admin
):
    household, _ = family(facilitator)
    client.force_login(facilitator)
    propose_name(client, household, child_of(household))
    assert list(Notification.objects.values_list("recipient", "kind")) == [
        (admin_user.pk, "correction_waiting")
    ]
    assert "Bagus" not in Notification.objects.get().title


def test_approval_and_return_notify_the_proposer(client, facilitator, supervisor):
    household, _ = family(facilitator)
    client.force_login(facilitator)
    propose_baby(client, household)
    first = Correction.objects.get()
    propose_name(client, household, child_of(household))  # identity: waits for the admin
    client.force_login(supervisor)
    client.post(url("approve", first.pk))
    mine = Notification.objects.filter(recipient=facilitator)
    assert list(mine.values_list("kind", "url")) == [
        ("correction_approved", url("detail", first.pk))
    ]

    client.force_login(facilitator)
    second = Correction.objects.get(pk__gt=first.pk)
    leave = url("propose_member_leave", household.pk, child_of(household).pk)
    client.post(
        leave,
        {
            "event": "pindah",
            "left_on": (datetime.date.today() - datetime.timedelta(days=2)).isoformat(),
            "document": "surat_pindah",
        },
    )
    third = Correction.objects.exclude(pk__in=[first.pk, second.pk]).get()
    client.force_login(supervisor)
    client.post(url("return", third.pk), {"reason": "Surat pindah belum ada."})
    assert mine.order_by("pk").last().kind == "correction_returned"
    assert mine.order_by("pk").last().url == url("detail", third.pk)
    assert "Surat" not in mine.order_by("pk").last().title
    # The facilitator reads both in their own list; the supervisor's list does not hold them.
    client.force_login(facilitator)
    page = client.get(reverse("notifications:list")).content.decode()
    assert f"Koreksi data #{first.pk} disetujui" in page
    assert f"Koreksi data #{third.pk} dikembalikan" in page


def test_a_refused_approval_notifies_nobody(client, facilitator, admin_user):
    """A stale record: the approval is rolled back, and its notification with it."""
    household, _ = family(facilitator)
    child = child_of(household)
    client.force_login(facilitator)
    propose_name(client, household, child)
    correction = Correction.objects.get()
    child.name = "Nama Lain Sekali"
    child.save()  # a direct change the fingerprint no longer matches
    client.force_login(admin_user)
    client.post(url("approve", correction.pk))
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.PENDING
    assert not Notification.objects.filter(recipient=facilitator).exists()


def test_bad_input_writes_no_notification(client, facilitator):
    household, _ = family(facilitator)
    client.force_login(facilitator)
    response = propose_name(client, household, child_of(household), name="")
    assert response.status_code == 200
    assert not Correction.objects.exists()
    assert not Notification.objects.exists()


# --- weekly digest ---------------------------------------------------------------------------


def test_corrections_have_a_place_in_the_digest():
    assert "corrections" in extensions.digest_sections.order
    assert "corrections" in extensions.digest_sections.contributions


def digest_counts(user) -> dict[str, int]:
    return {line.label: line.count for line in notifications.digest_lines(user=user)}


def test_digest_line_counts_what_each_lead_decides(
    client,
    facilitator,
    supervisor,
    other_supervisor,
    other_team_facilitator,
    admin_user,
    other_region_admin,
):
    label = "Koreksi data menunggu keputusan"
    household, _ = family(facilitator)
    client.force_login(facilitator)
    propose_baby(client, household)
    propose_name(client, household, child_of(household))
    other_household, _ = family(other_team_facilitator)
    client.force_login(other_team_facilitator)
    propose_name(client, other_household, child_of(other_household))

    assert digest_counts(supervisor)[label] == 1  # the baby; identity is the admin's
    assert digest_counts(other_supervisor)[label] == 0
    assert digest_counts(admin_user)[label] == 3  # every pending one of the region
    assert digest_counts(other_region_admin)[label] == 0
    assert label not in digest_counts(facilitator)

    # The number is what the linked page lists.
    line = next(li for li in notifications.digest_lines(user=admin_user) if li.label == label)
    assert line.url == url("list") + "?lihat=decide"
    client.force_login(admin_user)
    page = client.get(line.url)
    assert page.context["page"].paginator.count == 3
    client.force_login(supervisor)
    assert client.get(line.url).context["page"].paginator.count == 1


def test_digest_email_holds_the_corrections_line_and_no_personal_data(
    client, facilitator, supervisor, settings
):
    settings.PKH_SITE_URL = "https://pkh.example.go.id"
    supervisor.email = "spv1@example.go.id"
    supervisor.save()
    household, _ = family(facilitator)
    client.force_login(facilitator)
    propose_baby(client, household)

    assert notifications.weekly_digest_send() == 1
    (message,) = mail.outbox
    assert message.to == ["spv1@example.go.id"]
    assert "Koreksi data menunggu keputusan: 1" in message.body
    assert "https://pkh.example.go.id/koreksi/?lihat=decide" in message.body
    for value in [*personal_data(household), "Aisyah"]:
        assert value not in message.body and value not in message.subject
