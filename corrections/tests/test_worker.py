"""The weekly digest on a real Celery worker with what issue 18 puts in it: overdue
complaints and corrections waiting, next to the graduation proposals' line; the emails
are captured by the worker's file backend (pkh/settings/worker_test.py). Skipped without
Redis and PostgreSQL (REQUIRE_WORKER=1 makes that a failure)."""

import datetime
import shutil

import pytest
from django.utils import timezone

from complaints.models import Complaint
from complaints.tests.factories import open_complaint
from corrections.services import correction_propose_identity
from corrections.tests.factories import child_of, family
from notifications import tasks
from notifications.models import NotificationPreference
from pkh.testing import wait_for, worker_email_dir, worker_mailbox

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _sent(user) -> bool:
    return NotificationPreference.objects.filter(user=user, digest_sent_at__isnull=False).exists()


def test_worker_digest_counts_overdue_complaints_and_corrections_waiting(
    facilitator, supervisor, admin_user, real_worker
):
    from pkh.celery import app

    app.control.purge()
    shutil.rmtree(worker_email_dir(), ignore_errors=True)
    supervisor.email = "spv1@example.go.id"
    supervisor.save()
    admin_user.email = "admin1@example.go.id"
    admin_user.save()
    household, _ = family(facilitator)
    complaint = open_complaint(household)
    Complaint.objects.filter(pk=complaint.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    child = child_of(household)
    correction_propose_identity(
        household=household,
        member=child,
        by=facilitator,
        name="Bagus Saputra",
        document="ktp",
    )

    tasks.weekly_digest_send.delay()
    assert wait_for(lambda: _sent(supervisor) and _sent(admin_user)), "no digest was sent"
    assert wait_for(
        lambda: "admin1@example.go.id" in worker_mailbox() and "spv1@" in worker_mailbox()
    )
    mailbox = worker_mailbox()
    messages = [m for m in mailbox.split("Content-Type: text/plain") if "To: " in m]
    by_recipient = {
        to: next(m for m in messages if f"To: {to}" in m)
        for to in ("spv1@example.go.id", "admin1@example.go.id")
    }
    supervisor_mail = by_recipient["spv1@example.go.id"]
    admin_mail = by_recipient["admin1@example.go.id"]
    assert "Pengaduan lewat tenggat: 1" in supervisor_mail
    assert "/pengaduan/?status=lewat" in supervisor_mail
    # The identity correction is the admin's to decide, not the supervisor's.
    assert "Koreksi data menunggu keputusan" not in supervisor_mail  # a zero line is left out
    assert "Koreksi data menunggu keputusan: 1" in admin_mail
    assert "/koreksi/?lihat=decide" in admin_mail
    # No family's name or NIK, none of the proposed values either.
    for value in ["Bagus Saputra", household.no_kk]:
        assert value not in mailbox
    for member in household.members.all():
        assert member.name not in mailbox and member.nik not in mailbox
