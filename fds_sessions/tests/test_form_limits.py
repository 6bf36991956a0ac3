"""Dates out of their window and over-long notes on the P2K2 screens: a field error each,
and nothing written (issue 19)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import login
from fds_sessions import services
from fds_sessions.models import Attendance, FdsSession, SessionStatus
from fds_sessions.tests.factories import GroupFactory, add_families, curriculum
from pkh.forms import PLANNED_DAYS_AHEAD

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def group(facilitator):
    return GroupFactory(facilitator=facilitator, name="Melati Patalan")


@pytest.mark.parametrize("date", ["2999-01-01", "0001-01-01"])
def test_a_session_planned_out_of_bounds_gets_a_field_error(client, group, facilitator, date):
    response = login(client, facilitator).post(
        reverse("fds_sessions:session_plan", args=[group.pk]),
        {"date": date, "module_session": curriculum(1)[0].pk},
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["date"]
    assert not FdsSession.objects.exists()


def test_a_session_may_be_planned_up_to_a_year_ahead(client, group, facilitator):
    latest = TODAY() + datetime.timedelta(days=PLANNED_DAYS_AHEAD)
    response = login(client, facilitator).post(
        reverse("fds_sessions:session_plan", args=[group.pk]),
        {"date": latest.isoformat(), "module_session": curriculum(1)[0].pk},
    )
    assert response.status_code == 302
    assert FdsSession.objects.get().date == latest


def test_attendance_notes_over_the_limit_write_nothing(client, group, facilitator):
    session = services.session_plan(
        group=group, date=TODAY(), module_session=curriculum(1)[0], by=facilitator
    )
    families = add_families(group, 2)
    data = {f"a{h.pk}": "present" for h in families} | {"notes": "x" * 100_000}
    response = login(client, facilitator).post(
        reverse("fds_sessions:session_attendance", args=[session.pk]), data
    )
    assert response.status_code == 200
    assert "notes" in response.context["form"].errors
    assert not Attendance.objects.exists()
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED
