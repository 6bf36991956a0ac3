"""The follow-up stage with a real Celery worker (PostgreSQL, Redis): the import is done
before the stage ends, a failure in the middle is retried by Celery with backoff, a
killed worker's stage is picked up by the watchdog, and each ends in the state one
clean run gives."""

from __future__ import annotations

import time

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from assistance.models import AidEnrolment, AidStatus
from fds_sessions.models import GroupMembership
from households.models import Household
from imports.models import DerivedStatus, ImportStatus, RosterImport
from imports.services import (
    roster_import_confirm,
    roster_import_create,
    roster_import_derive,
    roster_import_validate,
    roster_imports_derived_resume,
    stale_after,
)
from imports.tests.roster import csv_bytes
from imports.tests.test_derived import derived_state

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

FAMILIES = 120
BATCH = 40  # 3 batches


@pytest.fixture(autouse=True)
def _postgres_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (a real worker)")


@pytest.fixture
def families(builder):
    families = list(builder.families(FAMILIES))
    for family in families:
        for row in family:
            row["KIS"] = "Y"
    return families


def confirmed(admin_user, families) -> RosterImport:
    roster_import = roster_import_create(
        by=admin_user,
        file=ContentFile(csv_bytes(families), name="roster.csv"),
        file_name="roster.csv",
        enqueue=False,
    )
    roster_import = roster_import_validate(roster_import_id=roster_import.pk)
    assert roster_import.status == ImportStatus.AWAITING_CONFIRMATION
    roster_import_confirm(roster_import=roster_import, by=admin_user)  # queued on commit
    return roster_import


def wait_until(roster_import: RosterImport, predicate, *, timeout: float = 180) -> list[tuple]:
    """Poll until ``predicate(row)``; returns every (status, derived_status) seen."""
    seen = []
    deadline = time.monotonic() + timeout
    while True:
        roster_import.refresh_from_db()
        state = (roster_import.status, roster_import.derived_status)
        if not seen or seen[-1] != state:
            seen.append(state)
        if predicate(roster_import):
            return seen
        assert roster_import.status != ImportStatus.FAILED, roster_import.error
        assert time.monotonic() < deadline, (seen, roster_import.derived_error)
        time.sleep(0.05)


def assert_complete_and_clean(roster_import: RosterImport, families) -> None:
    """The stage's result is complete, and a clean rerun of it changes nothing."""
    rows = sum(len(f) for f in families)
    assert AidEnrolment.objects.filter(aid_id="KIS", status=AidStatus.RECEIVING).count() == rows
    grouped = Household.objects.filter(fds_group__isnull=False).count()
    assert grouped == FAMILIES
    assert GroupMembership.objects.filter(left_on__isnull=True).count() == grouped
    state = derived_state()
    RosterImport.objects.filter(pk=roster_import.pk).update(derived_status=DerivedStatus.PENDING)
    roster_import_derive(roster_import_id=roster_import.pk)  # a clean run, in this process
    assert derived_state() == state


@pytest.fixture
def fail_once(monkeypatch, tmp_path):
    """The worker's stage fails once after its first batch (worker_test.py's hook)."""
    marker = tmp_path / "fail-once"
    marker.write_text("1")
    monkeypatch.setenv("IMPORTS_DERIVED_BATCH", str(BATCH))
    monkeypatch.setenv("IMPORTS_DERIVED_FAIL_ONCE_PATH", str(marker))
    return marker


def test_a_failure_in_the_middle_is_retried_by_the_worker(
    fail_once, builder, admin_user, families, real_worker
):
    roster_import = confirmed(admin_user, families)
    seen = wait_until(roster_import, lambda r: r.derived_status == DerivedStatus.DONE)
    # The import was done (committed) before the derived stage ended.
    assert any(s == (ImportStatus.DONE, DerivedStatus.PENDING) for s in seen) or any(
        s == (ImportStatus.DONE, DerivedStatus.RUNNING) for s in seen
    ), seen
    assert not fail_once.exists()  # the failure happened
    assert roster_import.derived_attempts == 2  # failed once, retried by Celery once
    assert roster_import.derived_error == ""
    assert roster_import.derived_finished_at > roster_import.finished_at
    assert_complete_and_clean(roster_import, families)


@pytest.fixture
def slow_stage(monkeypatch):
    """The worker pauses after each batch, so the test can kill it mid-stage."""
    monkeypatch.setenv("IMPORTS_DERIVED_BATCH", str(BATCH))
    monkeypatch.setenv("IMPORTS_DERIVED_PAUSE_SECONDS", "3")


def test_a_worker_killed_mid_stage_is_picked_up_by_the_watchdog(
    slow_stage, builder, admin_user, families, real_worker, monkeypatch
):
    from pkh.testing import celery_worker, kill_worker

    roster_import = confirmed(admin_user, families)
    # Killed after its first batch (1 step for the file's statuses + 2 reactions).
    wait_until(
        roster_import,
        lambda r: r.derived_status == DerivedStatus.RUNNING and r.derived_progress_done >= 3,
    )
    kill_worker(real_worker)
    roster_import.refresh_from_db()
    assert roster_import.status == ImportStatus.DONE and roster_import.committed
    assert roster_import.derived_status == DerivedStatus.RUNNING  # until the heartbeat is stale
    assert roster_import.derived_progress_done < roster_import.derived_progress_total
    assert GroupMembership.objects.count() < FAMILIES  # half-way: later batches not done

    monkeypatch.setenv("IMPORTS_DERIVED_PAUSE_SECONDS", "0")
    with celery_worker():
        later = timezone.now() + stale_after() * 2
        assert roster_imports_derived_resume(now=later) == [roster_import.pk]
        wait_until(roster_import, lambda r: r.derived_status == DerivedStatus.DONE)
    assert roster_import.derived_attempts == 2
    assert_complete_and_clean(roster_import, families)
