"""The daily escalation on a real Celery worker (Redis, PostgreSQL): the task named in
the beat schedule escalates the overdue complaints and notifies the right people;
skipped without those services (REQUIRE_WORKER=1 makes that a failure)."""

import datetime
import time

import pytest
from django.conf import settings
from django.utils import timezone

from complaints import tasks
from complaints.models import Complaint, Escalation, EventKind
from complaints.services import complaint_resolve
from complaints.tests.factories import open_complaint
from households.tests.factories import household_with_members
from notifications.models import Notification
from pkh.testing import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _due(complaint, days_from_today: int) -> Complaint:
    """Move the deadline (as if the days had passed since it was opened)."""
    due = timezone.localdate() + datetime.timedelta(days=days_from_today)
    Complaint.objects.filter(pk=complaint.pk).update(due_on=due)
    return complaint


def _escalated_to(complaint) -> dict[int, set[str]]:
    """Who was notified of this ticket's escalation: {user id: kinds}."""
    url = f"/pengaduan/{complaint.pk}/"
    out: dict[int, set[str]] = {}
    for recipient, kind in Notification.objects.filter(url=url).values_list("recipient", "kind"):
        out.setdefault(recipient, set()).add(kind)
    return out


def test_worker_escalates_overdue_complaints_and_notifies_the_right_people(
    facilitator,
    supervisor,
    other_supervisor,
    other_team_facilitator,
    admin_user,
    other_region_admin,
    real_worker,
):
    from pkh.celery import app

    app.control.purge()
    assert (
        settings.CELERY_BEAT_SCHEDULE["complaints-escalate"]["task"]
        == tasks.complaints_escalate.name
    )
    household = household_with_members(facilitator=facilitator)
    other_household = household_with_members(facilitator=other_team_facilitator)
    late = _due(open_complaint(household), -1)  # one day past: the supervisor
    very_late = _due(open_complaint(household, code="pembayaran"), -30)  # the admins
    on_time = _due(open_complaint(household), 0)  # due today: not yet
    closed = _due(open_complaint(household), -5)
    complaint_resolve(complaint=closed, by=facilitator, resolution="Sudah beres.")
    other_team = _due(open_complaint(other_household), -2)
    Notification.objects.all().delete()  # only what the escalation sends counts below

    result = tasks.complaints_escalate.delay()
    assert result.id
    assert wait_for(
        lambda: (
            Complaint.objects.filter(escalation__gt=Escalation.NONE).count() == 3
            and Notification.objects.filter(kind="complaint_escalated").count() >= 7
        )
    ), "the worker did not escalate"
    time.sleep(1)  # a stray second run or extra notification would show now

    levels = dict(Complaint.objects.values_list("pk", "escalation"))
    assert levels[late.pk] == Escalation.SUPERVISOR
    assert levels[very_late.pk] == Escalation.ADMIN
    assert levels[other_team.pk] == Escalation.SUPERVISOR
    assert levels[on_time.pk] == Escalation.NONE
    assert levels[closed.pk] == Escalation.NONE

    # Written on the ticket, by the system, once.
    for complaint in (late, very_late, other_team):
        events = complaint.events.filter(kind=EventKind.ESCALATED)
        assert events.count() == 1 and events.get().by is None
    assert not on_time.events.filter(kind=EventKind.ESCALATED).exists()

    kinds = {"complaint_escalated"}
    assert _escalated_to(late) == {supervisor.pk: kinds, facilitator.pk: kinds}
    assert _escalated_to(very_late) == {
        admin_user.pk: kinds,
        supervisor.pk: kinds,
        facilitator.pk: kinds,
    }
    assert _escalated_to(other_team) == {
        other_supervisor.pk: kinds,
        other_team_facilitator.pk: kinds,
    }
    assert _escalated_to(on_time) == {} and _escalated_to(closed) == {}
    assert not Notification.objects.filter(recipient=other_region_admin).exists()
    # Titles name the ticket and its category, never the family.
    for note in Notification.objects.all():
        for member in household.members.all():
            assert member.name not in note.title and member.nik not in note.title

    # A second run the same day (beat retried, a worker restarted) escalates only what is
    # newly overdue (proof that it ran) and notifies nobody again about the others.
    before = {c.pk: _escalated_to(c) for c in (late, very_late, other_team)}
    newly_late = _due(open_complaint(household, code="lainnya"), -1)
    Notification.objects.filter(url=f"/pengaduan/{newly_late.pk}/").delete()
    tasks.complaints_escalate.delay()
    assert wait_for(
        lambda: Complaint.objects.get(pk=newly_late.pk).escalation == Escalation.SUPERVISOR
    ), "the second run did not happen"
    assert wait_for(lambda: len(_escalated_to(newly_late)) == 2)
    assert {c.pk: _escalated_to(c) for c in (late, very_late, other_team)} == before
    assert Notification.objects.filter(kind="complaint_escalated").count() == 9
    assert very_late.events.filter(kind=EventKind.ESCALATED).count() == 1
