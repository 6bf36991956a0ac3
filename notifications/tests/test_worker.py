"""The weekly digest on a real Celery worker (Redis, PostgreSQL), its emails captured by
the worker's file backend (pkh/settings/worker_test.py); skipped without those services."""

import shutil

import pytest

from graduation.tests.factories import assess, ensure_default_form
from graduation.tests.services.helpers import submit
from households.tests.factories import household_with_members
from notifications import services, tasks
from notifications.models import NotificationPreference
from pkh.testing import wait_for, worker_email_dir, worker_mailbox

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_worker_sends_the_digest_with_counts_and_links_only(
    facilitator, supervisor, other_supervisor, settings, real_worker
):
    from pkh.celery import app

    app.control.purge()
    shutil.rmtree(worker_email_dir(), ignore_errors=True)
    supervisor.email = "spv1@example.go.id"
    supervisor.save()
    other_supervisor.email = "spv2@example.go.id"
    other_supervisor.save()
    services.preference_set(user=other_supervisor, email_digest=False)
    ensure_default_form()  # a transactional test: the migration's form may be flushed
    households = [household_with_members(facilitator=facilitator) for _ in range(2)]
    for household in households:
        assess(household, days_ago=3)
        submit(household)

    result = tasks.weekly_digest_send.delay()
    assert result.id
    assert wait_for(
        lambda: (
            NotificationPreference.objects.filter(user=supervisor).exists()
            and NotificationPreference.objects.get(user=supervisor).digest_sent_at
        )
    )
    assert wait_for(lambda: "spv1@example.go.id" in worker_mailbox())
    mailbox = worker_mailbox()
    assert "Usulan graduasi menunggu keputusan: 2" in mailbox
    assert "/graduasi/usulan/?status=pending" in mailbox
    # The one who switched email off got nothing.
    assert "spv2@example.go.id" not in mailbox
    # No family's name or NIK.
    for household in households:
        for member in household.members.all():
            assert member.name not in mailbox
            assert member.nik not in mailbox
