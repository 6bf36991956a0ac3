"""The import's second stage (issue 15, option a): the registry write commits and is
"done"; the data derived from it (the file's aid statuses, aid eligibility, P2K2
membership periods) is computed by a follow-up task after the commit, with its own
status, progress and timestamps, retried when it fails and repaired nightly."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from assistance.models import AidEnrolment, AidStatus, CoverageCount
from fds_sessions import extensions as fds_extensions
from fds_sessions.models import FdsGroup, GroupMembership
from households.models import Household
from imports import tasks
from imports.models import DerivedStatus, ImportStatus, RosterImport
from imports.services import (
    roster_import_create,
    roster_import_derive,
    roster_import_run,
    roster_imports_derived_repair,
    roster_imports_derived_resume,
    staging_cleanup,
)
from imports.tests.roster import csv_bytes
from pkh.extensions import families_changed_reactions

STEP_LABEL = "memperbarui cakupan bansos dan kelompok P2K2"
NOTICE_AID = "Angka cakupan bansos sedang diperbarui"
NOTICE_FDS = "Keanggotaan kelompok P2K2 sedang diperbarui"


@pytest.fixture
def committed_only(admin_user):
    """Validate and write, but leave the follow-up stage pending: as the moment right
    after the commit, before its task ran (or as a follow-up that was lost)."""

    def run(data: bytes) -> RosterImport:
        roster_import = roster_import_create(
            by=admin_user,
            file=ContentFile(data, name="roster.csv"),
            file_name="roster.csv",
            enqueue=False,
        )
        return roster_import_run(roster_import=roster_import, derive=False)

    return run


def roster(builder, n=5) -> list[list[dict]]:
    families = list(builder.families(n))
    for family in families:
        for row in family:
            row["KIS"] = "Y"  # a file status the rule alone would not give
    return families


def derived_state() -> dict:
    """Everything the follow-up stage writes, by natural keys, with the audit rows."""
    return {
        "aid": sorted(
            AidEnrolment.objects.values_list(
                "aid_id",
                "household__id_keluarga",
                "member__nik",
                "status",
                "source",
                "since",
                "in_programme",
                "facilitator_id",
                "village_id",
            ),
            key=repr,
        ),
        "aid_history": sorted(
            AidEnrolment.history.values_list("aid_id", "household_id", "member_id", "status"),
            key=repr,
        ),
        "coverage": sorted(
            CoverageCount.objects.values_list(
                "facilitator_id", "village_id", "aid_id", "receiving", "not_receiving", "proposed"
            ),
            key=repr,
        ),
        "memberships": sorted(
            GroupMembership.objects.values_list(
                "household__id_keluarga", "group__name", "joined_on", "left_on"
            ),
            key=repr,
        ),
        "groups": sorted(FdsGroup.objects.values_list("name", "village_id", "leader_id"), key=repr),
    }


class Rollback(Exception):
    pass


def clean_run_state(roster_import: RosterImport) -> dict:
    """The state one clean run of the stage gives, computed and rolled back."""
    try:
        with transaction.atomic():
            roster_import_derive(roster_import_id=roster_import.pk)
            state = derived_state()
            raise Rollback
    except Rollback:
        pass
    roster_import.refresh_from_db()
    assert roster_import.derived_status == DerivedStatus.PENDING
    return state


# -- the two stages --------------------------------------------------------------------
def test_the_import_is_done_at_the_commit_and_the_derived_stage_follows(
    builder, committed_only, client, admin_user
):
    families = roster(builder)
    roster_import = committed_only(csv_bytes(families))
    # Stage 1 is done: the registry is written and committed.
    assert roster_import.status == ImportStatus.DONE and roster_import.committed
    assert Household.objects.count() == 5
    assert roster_import.finished_at is not None
    # Stage 2 has not run: its own status, nothing derived yet.
    assert roster_import.derived_status == DerivedStatus.PENDING
    assert roster_import.derived_started_at is None and roster_import.derived_queued_at
    assert not AidEnrolment.objects.filter(aid_id="KIS", status=AidStatus.RECEIVING).exists()
    assert not GroupMembership.objects.exists()

    client.force_login(admin_user)
    page = client.get(reverse("imports:detail", args=[roster_import.pk])).content.decode()
    assert STEP_LABEL in page and 'data-derived-status="pending"' in page
    # The page keeps polling its status until stage 2 ends (the navbar's one-time
    # notification badge load is not a poll, so look for the status poll itself).
    poll = f'hx-get="{reverse("imports:status", args=[roster_import.pk])}"'
    assert poll in page and 'hx-trigger="every 1s"' in page
    history = client.get(reverse("imports:list")).content.decode()
    assert 'data-derived-status="pending"' in history

    roster_import = roster_import_derive(roster_import_id=roster_import.pk)
    assert roster_import.derived_status == DerivedStatus.DONE
    assert roster_import.derived_started_at >= roster_import.finished_at
    assert roster_import.derived_finished_at >= roster_import.derived_started_at
    assert roster_import.derived_percent == 100
    assert AidEnrolment.objects.filter(aid_id="KIS", status=AidStatus.RECEIVING).count() == (
        sum(len(f) for f in families)
    )
    with_group = Household.objects.filter(fds_group__isnull=False)
    assert with_group.exists()
    assert GroupMembership.objects.filter(left_on__isnull=True).count() == with_group.count()
    page = client.get(reverse("imports:detail", args=[roster_import.pk])).content.decode()
    assert 'data-derived-status="done"' in page
    assert poll not in page and 'hx-trigger="every' not in page


def test_the_progress_of_the_stage_is_shown_while_it_runs(
    builder, committed_only, client, admin_user
):
    roster_import = committed_only(csv_bytes(roster(builder)))
    RosterImport.objects.filter(pk=roster_import.pk).update(
        derived_status=DerivedStatus.RUNNING,
        derived_started_at=timezone.now(),
        derived_heartbeat_at=timezone.now(),
        derived_progress_phase="Memperbarui kelayakan bansos (bagian 1 dari 2)",
        derived_progress_done=2,
        derived_progress_total=5,
    )
    client.force_login(admin_user)
    page = client.get(reverse("imports:status", args=[roster_import.pk])).content.decode()
    assert "Memperbarui kelayakan bansos (bagian 1 dari 2)" in page
    assert 'aria-valuenow="40"' in page and "40%" in page


def test_the_stage_reports_its_steps_as_progress(builder, committed_only, settings, monkeypatch):
    settings.IMPORTS_DERIVED_BATCH = 2
    roster_import = committed_only(csv_bytes(roster(builder, 5)))
    seen = []
    original = fds_extensions.memberships_sync

    def spy(**kwargs):
        seen.append(
            RosterImport.objects.values_list("derived_progress_done", "derived_progress_total").get(
                pk=roster_import.pk
            )
        )
        return original(**kwargs)

    monkeypatch.setattr(fds_extensions, "memberships_sync", spy)
    roster_import_derive(roster_import_id=roster_import.pk)
    # The reactions that run per batch, in order: fds_sessions is the second.
    assert [
        name
        for name in families_changed_reactions.order
        if name in families_changed_reactions.contributions
    ] == ["assistance", "fds_sessions", "complaints"]
    # 5 families in batches of 2: 1 step for the file's statuses + 3 batches x 3 reactions;
    # the fds_sessions reaction of each batch starts after the step before it.
    assert seen == [(2, 10), (5, 10), (8, 10)]


# -- the pages say when their figures are still being refreshed -------------------------
def test_coverage_gap_and_p2k2_pages_say_they_are_being_refreshed(
    builder, committed_only, client, admin_user, facilitator
):
    roster_import = committed_only(csv_bytes(roster(builder)))
    group = FdsGroup.objects.filter(facilitator=facilitator).first()
    assert group is not None
    pages = {
        reverse("assistance:coverage"): NOTICE_AID,
        reverse("assistance:gap"): NOTICE_AID,
        reverse("fds_sessions:group_list"): NOTICE_FDS,
        reverse("fds_sessions:group_detail", args=[group.pk]): NOTICE_FDS,
    }
    client.force_login(facilitator)
    for url, notice in pages.items():
        html = client.get(url).content.decode()
        assert notice in html, url
        # The facilitator did not run the import: no link to its page (admins only).
        assert reverse("imports:detail", args=[roster_import.pk]) not in html
    client.force_login(admin_user)
    html = client.get(reverse("assistance:coverage")).content.decode()
    assert reverse("imports:detail", args=[roster_import.pk]) in html

    roster_import_derive(roster_import_id=roster_import.pk)
    client.force_login(facilitator)
    for url, notice in pages.items():
        assert notice not in client.get(url).content.decode(), url


def test_a_failed_stage_still_says_refreshing_and_offers_a_retry(
    builder, committed_only, client, admin_user, monkeypatch
):
    roster_import = committed_only(csv_bytes(roster(builder)))
    raise_once(monkeypatch)
    with pytest.raises(RuntimeError):
        roster_import_derive(roster_import_id=roster_import.pk)  # the last attempt
    roster_import.refresh_from_db()
    assert roster_import.derived_status == DerivedStatus.FAILED
    assert roster_import.status == ImportStatus.DONE  # the import itself stays done
    client.force_login(admin_user)
    assert NOTICE_AID in client.get(reverse("assistance:coverage")).content.decode()
    page = client.get(reverse("imports:detail", args=[roster_import.pk])).content.decode()
    assert "Ulangi pembaruan" in page and "Data keluarga sudah tersimpan" in page

    with django_on_commit():
        response = client.post(reverse("imports:derived_retry", args=[roster_import.pk]))
    assert response.status_code == 302
    roster_import.refresh_from_db()
    assert roster_import.derived_status == DerivedStatus.DONE  # eager task ran on commit
    assert NOTICE_AID not in client.get(reverse("assistance:coverage")).content.decode()


def test_only_the_admin_who_imported_may_retry_the_stage(
    builder, committed_only, client, admin_user, supervisor, monkeypatch
):
    from accounts.tests.factories import AdminFactory

    roster_import = committed_only(csv_bytes(roster(builder)))
    RosterImport.objects.filter(pk=roster_import.pk).update(derived_status=DerivedStatus.FAILED)
    url = reverse("imports:derived_retry", args=[roster_import.pk])
    client.force_login(supervisor)
    assert client.post(url).status_code == 403
    other = AdminFactory(username="admin_lain", areas=list(admin_user.areas.all()))
    client.force_login(other)
    assert client.post(url).status_code == 404
    roster_import.refresh_from_db()
    assert roster_import.derived_status == DerivedStatus.FAILED


# -- idempotent: failure mid-way, retry ------------------------------------------------
def raise_once(monkeypatch, *, on_call: int = 1):
    """The P2K2 reaction raises on its ``on_call``-th call, once."""
    original = fds_extensions.memberships_sync
    calls = {"n": 0}

    def flaky(**kwargs):
        calls["n"] += 1
        if calls["n"] == on_call:
            raise RuntimeError("simulated failure in the middle of the stage")
        return original(**kwargs)

    monkeypatch.setattr(fds_extensions, "memberships_sync", flaky)
    return calls


def test_a_failure_in_the_middle_then_the_retry_gives_the_clean_state(
    builder, committed_only, settings, monkeypatch
):
    settings.IMPORTS_DERIVED_BATCH = 2
    roster_import = committed_only(csv_bytes(roster(builder, 5)))
    clean = clean_run_state(roster_import)
    assert clean["aid"] and clean["memberships"]

    raise_once(monkeypatch, on_call=2)  # batch 2 of 3: batch 1 done, the aid part of 2 done
    with pytest.raises(RuntimeError):
        roster_import_derive(roster_import_id=roster_import.pk, retryable=True)
    roster_import.refresh_from_db()
    assert roster_import.derived_status == DerivedStatus.PENDING  # the task will retry
    half = derived_state()
    assert half["memberships"] != clean["memberships"]  # stopped half-way
    assert 0 < len(half["memberships"]) < len(clean["memberships"])

    roster_import = roster_import_derive(roster_import_id=roster_import.pk, retryable=True)
    assert roster_import.derived_status == DerivedStatus.DONE
    assert roster_import.derived_attempts == 2
    assert derived_state() == clean
    # And once more: a done stage is left alone; forced again it changes nothing.
    RosterImport.objects.filter(pk=roster_import.pk).update(derived_status=DerivedStatus.PENDING)
    roster_import_derive(roster_import_id=roster_import.pk)
    assert derived_state() == clean


def test_the_task_retries_a_failure_with_backoff(builder, committed_only, monkeypatch):
    roster_import = committed_only(csv_bytes(roster(builder)))
    clean = clean_run_state(roster_import)
    calls = raise_once(monkeypatch)
    assert tasks.roster_import_derived_task.autoretry_for == (Exception,)
    assert tasks.roster_import_derived_task.retry_backoff
    assert tasks.roster_import_derived_task.max_retries >= 3
    # Eagerly, Celery runs the retry at once (a worker waits the backoff first).
    result = tasks.roster_import_derived_task.apply(args=[roster_import.pk], throw=False)
    roster_import.refresh_from_db()
    assert calls["n"] == 2  # failed once, retried once
    assert roster_import.derived_status == DerivedStatus.DONE, result.traceback
    assert derived_state() == clean


def test_older_open_stages_run_first_in_import_order(builder, committed_only):
    families = roster(builder, 3)
    first = committed_only(csv_bytes(families))
    for row in families[0]:
        row["KIS"] = "T"  # the newer file says: not receiving any more
    second = committed_only(csv_bytes(families))
    assert second.derived_status == DerivedStatus.PENDING
    roster_import_derive(roster_import_id=second.pk)
    first.refresh_from_db()
    assert first.derived_status == DerivedStatus.DONE
    household = Household.objects.get(id_keluarga=families[0][0]["IDSEMESTA"])
    assert not AidEnrolment.objects.filter(
        household=household, aid_id="KIS", status=AidStatus.RECEIVING
    ).exists()


# -- the watchdog and the nightly repair ------------------------------------------------
def test_the_nightly_repair_runs_a_skipped_follow_up(builder, committed_only):
    roster_import = committed_only(csv_bytes(roster(builder)))  # its task never ran
    clean = clean_run_state(roster_import)
    assert derived_state() != clean
    assert roster_imports_derived_repair() == 1
    roster_import.refresh_from_db()
    assert roster_import.derived_status == DerivedStatus.DONE
    assert derived_state() == clean
    assert roster_imports_derived_repair() == 0  # nothing left to repair


def test_the_nightly_repair_is_scheduled_before_the_aid_refresh():
    repair = settings.CELERY_BEAT_SCHEDULE["imports-derived-repair"]
    aid = settings.CELERY_BEAT_SCHEDULE["assistance-eligibility-nightly"]
    assert repair["task"] == "imports.tasks.roster_imports_derived_repair_task"
    assert (min(repair["schedule"].hour), min(repair["schedule"].minute)) < (
        min(aid["schedule"].hour),
        min(aid["schedule"].minute),
    )
    resume = settings.CELERY_BEAT_SCHEDULE["imports-derived-resume"]
    assert resume["task"] == "imports.tasks.roster_imports_derived_resume_task"


def test_the_repair_task_runs_the_repair(builder, committed_only):
    roster_import = committed_only(csv_bytes(roster(builder)))
    assert tasks.roster_imports_derived_repair_task.apply().get() == 1
    roster_import.refresh_from_db()
    assert roster_import.derived_status == DerivedStatus.DONE


def test_a_lost_follow_up_is_queued_again_by_the_watchdog(builder, committed_only):
    roster_import = committed_only(csv_bytes(roster(builder)))
    assert roster_imports_derived_resume() == []  # just queued: not lost yet
    later = timezone.now() + datetime.timedelta(
        seconds=settings.IMPORTS_DERIVED_REQUEUE_SECONDS + 1
    )
    with django_on_commit():
        assert roster_imports_derived_resume(now=later) == [roster_import.pk]
    roster_import.refresh_from_db()
    assert roster_import.derived_status == DerivedStatus.DONE  # the eager task ran


def test_staging_of_an_open_stage_is_kept(builder, committed_only):
    roster_import = committed_only(csv_bytes(roster(builder)))
    staging_cleanup(now=roster_import.finished_at + datetime.timedelta(days=30))
    roster_import.refresh_from_db()
    assert not roster_import.staging_cleared
    roster_import_derive(roster_import_id=roster_import.pk)
    staging_cleanup(now=roster_import.finished_at + datetime.timedelta(days=30))
    roster_import.refresh_from_db()
    assert roster_import.staging_cleared


def test_nothing_written_means_no_derived_stage(builder, run_import):
    from imports.models import ImportMode

    dry = run_import(csv_bytes(roster(builder)), mode=ImportMode.DRY_RUN)
    assert dry.derived_status == DerivedStatus.NONE


def test_the_command_line_runs_both_stages(builder, run_import):
    roster_import = run_import(csv_bytes(roster(builder)))
    assert roster_import.committed and roster_import.derived_status == DerivedStatus.DONE
    assert AidEnrolment.objects.filter(aid_id="KIS", status=AidStatus.RECEIVING).exists()


class django_on_commit:
    """Run on_commit callbacks (queued tasks) at the end of the block, as a commit would."""

    def __enter__(self):
        from django.test import TestCase

        self._ctx = TestCase.captureOnCommitCallbacks(execute=True)
        return self._ctx.__enter__()

    def __exit__(self, *exc):
        return self._ctx.__exit__(*exc)
