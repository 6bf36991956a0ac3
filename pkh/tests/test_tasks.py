import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from pkh.tasks import sessions_clear_expired

pytestmark = pytest.mark.django_db


def test_expired_sessions_are_deleted_and_live_ones_kept():
    live = SessionStore()
    live["k"] = 1
    live.create()
    expired = SessionStore()
    expired["k"] = 2
    expired.create()
    Session.objects.filter(pk=expired.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(minutes=1)
    )

    sessions_clear_expired.delay()

    assert list(Session.objects.values_list("pk", flat=True)) == [live.session_key]


def test_beat_clears_sessions_every_night():
    entry = settings.CELERY_BEAT_SCHEDULE["sessions-clear-expired"]
    assert entry["task"] == sessions_clear_expired.name
    assert entry["schedule"].hour == {3}
    assert entry["schedule"].minute == {15}
