"""PostgreSQL-only behaviour: the import lock, a worker killed mid-import, the dup index."""

import threading
import time

import pytest
from django.core.files.base import ContentFile
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from households.models import Household, Member
from households.tests.factories import household_with_members
from imports.checks import registry as checks
from imports.models import ImportStatus, IssueKind, RosterImport
from imports.services import (
    IMPORT_LOCK_KEY,
    roster_import_confirm,
    roster_import_create,
    roster_import_retry,
    roster_import_validate,
    roster_import_write,
    roster_imports_fail_stale,
    stale_after,
    wait_for,
)
from imports.tests.roster import csv_bytes

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("components")]


@pytest.fixture(autouse=True)
def _postgres_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (advisory lock, a second connection, EXPLAIN)")


def validated(by, data: bytes, name="roster.csv") -> RosterImport:
    roster_import = roster_import_create(
        by=by, file=ContentFile(data, name=name), file_name=name, enqueue=False
    )
    return roster_import_validate(roster_import_id=roster_import.pk)


@pytest.mark.django_db(transaction=True)
def test_two_imports_at_once_do_not_interleave(builder, admin_user):
    """Both previews are clean; the files share a NIK in different families. The second
    write waits for the first, checks the registry again and refuses (all or nothing)
    instead of failing on the unique index or writing half."""
    first = list(builder.families(150, start=1))
    second = list(builder.families(150, start=1001))
    second[75][1]["NIK KTP"] = first[20][2]["NIK KTP"]
    a, b = validated(admin_user, csv_bytes(first)), validated(admin_user, csv_bytes(second))
    assert a.rows_rejected == b.rows_rejected == 0
    RosterImport.objects.filter(pk__in=[a.pk, b.pk]).update(status=ImportStatus.IMPORTING)

    barrier = threading.Barrier(2)
    errors = []

    def write(pk):
        try:
            barrier.wait()
            roster_import_write(roster_import_id=pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(pk,)) for pk in (a.pk, b.pk)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    a.refresh_from_db()
    b.refresh_from_db()
    done = sorted([a, b], key=lambda i: i.finished_at)
    winner, loser = done
    assert winner.committed and winner.status == ImportStatus.DONE
    assert not loser.committed and loser.status == ImportStatus.FAILED
    assert "diperiksa ulang" in loser.error
    assert loser.issues.filter(kind=IssueKind.REJECTION, column="NIK").exists()
    # They ran at the same time: the loser started before the winner finished (it waited).
    assert loser.started_at < winner.finished_at
    assert Member.objects.filter(nik=first[20][2]["NIK KTP"]).count() == 1
    assert Household.objects.count() == 150


@pytest.mark.django_db(transaction=True)
def test_probable_duplicate_lookup_is_served_by_member_dup_key(builder, admin_user, facilitator):
    for _ in range(5):
        household_with_members(facilitator=facilitator)
    roster_import = roster_import_create(
        by=admin_user,
        file=ContentFile(csv_bytes([builder.family(1)]), name="r.csv"),
        file_name="r.csv",
        enqueue=False,
    )
    roster_import = roster_import_validate(roster_import_id=roster_import.pk)
    with CaptureQueriesContext(connection) as queries:
        checks.check_registry(roster_import=roster_import, rerun=True)
    statement = next(
        q["sql"]
        for q in queries.captured_queries
        if "m.name_normalized = r.name_normalized" in q["sql"]
    )
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_hashjoin = off")
        cursor.execute("SET enable_mergejoin = off")
        cursor.execute("EXPLAIN " + statement)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET ALL")
    assert "member_dup_key" in plan


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_import_writes_nothing_and_says_so(builder, admin_user, real_worker):
    from pkh.testing import celery_worker, kill_worker

    families = list(builder.families(6000))
    roster_import = validated(admin_user, csv_bytes(families))
    assert roster_import.status == ImportStatus.AWAITING_CONFIRMATION
    roster_import_confirm(roster_import=roster_import, by=admin_user)  # queued on commit

    deadline = time.monotonic() + 180
    while True:
        roster_import.refresh_from_db()
        # Households are inserted by now, inside the still open transaction.
        if roster_import.started_at and roster_import.progress_done >= 3:
            break
        assert roster_import.status == ImportStatus.IMPORTING, roster_import.error
        assert time.monotonic() < deadline, "the worker never got to the write"
        time.sleep(0.02)
    kill_worker(real_worker)

    # PostgreSQL rolls the dead worker's transaction back and frees the import lock.
    deadline = time.monotonic() + 120
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                [IMPORT_LOCK_KEY],
            )
            if cursor.fetchone()[0] == 0:
                break
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert Household.objects.count() == 0
    assert Member.objects.count() == 0
    assert Household.history.count() == 0

    roster_import.refresh_from_db()
    assert roster_import.status == ImportStatus.IMPORTING  # until the heartbeat is stale
    later = timezone.now() + stale_after() * 2
    assert roster_imports_fail_stale(now=later) == 1
    roster_import.refresh_from_db()
    assert roster_import.status == ImportStatus.FAILED
    assert "Tidak ada data yang ditulis" in roster_import.error

    # Retried on a fresh worker, the import completes.
    with celery_worker():
        roster_import_retry(roster_import=roster_import, by=admin_user)
        roster_import = wait_for(roster_import, timeout=300)
    assert roster_import.status == ImportStatus.DONE, roster_import.error
    assert roster_import.committed
    assert Household.objects.count() == 6000


@pytest.mark.django_db(transaction=True)
def test_the_import_leaves_the_connection_as_it_found_it(builder, admin_user):
    """A worker keeps its connection between tasks: the import's session settings (no
    JIT, a larger work_mem) must not outlive the import."""

    def settings_now():
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('jit'), current_setting('work_mem')")
            return cursor.fetchone()

    before = settings_now()
    roster_import = validated(admin_user, csv_bytes(list(builder.families(3, start=1))))
    assert roster_import.status == ImportStatus.AWAITING_CONFIRMATION
    assert settings_now() == before
    roster_import_confirm(roster_import=roster_import, by=admin_user)  # written on commit
    assert RosterImport.objects.get(pk=roster_import.pk).status == ImportStatus.DONE
    assert settings_now() == before != ("off", "64MB")
