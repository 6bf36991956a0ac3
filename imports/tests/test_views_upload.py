"""The import pages through the real HTTP stack: upload, preview, confirm, history, cancel,
unreadable files, the broker down, and the pages' query counts."""

from unittest import mock

import pytest
from django.urls import reverse

from households.models import Household, Member
from imports.models import ImportMode, ImportStatus, RosterImport
from imports.services import roster_import_run
from imports.tests.helpers import make_import, upload
from imports.tests.roster import csv_bytes

pytestmark = pytest.mark.django_db


def test_upload_preview_confirm_and_history(
    client, admin_user, builder, django_capture_on_commit_callbacks
):
    families = list(builder.families(3))
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, csv_bytes(families))
    roster_import = RosterImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("imports:detail", args=[roster_import.pk])
    roster_import.refresh_from_db()
    assert roster_import.status == ImportStatus.AWAITING_CONFIRMATION
    assert Household.objects.count() == 0  # a preview writes nothing

    page = client.get(response.url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Pratinjau" in text and "Konfirmasi dan impor" in text
    # Nothing runs: no polling (the navbar's one-time notification badge load is not a poll).
    assert 'hx-trigger="every' not in text
    assert reverse("imports:status", args=[roster_import.pk]) not in text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("imports:confirm", args=[roster_import.pk]), {"mode": "all_or_nothing"}
        )
    assert response.status_code == 302
    roster_import.refresh_from_db()
    assert roster_import.status == ImportStatus.DONE and roster_import.committed
    assert Household.objects.count() == 3
    assert Member.objects.count() == sum(len(f) for f in families)
    assert "Hasil impor" in client.get(response.url).content.decode()

    history = client.get(reverse("imports:list"))
    assert history.status_code == 200
    assert "roster.csv" in history.content.decode()


def test_running_import_page_polls_and_survives_a_reload(client, admin_user, builder):
    roster_import = make_import(admin_user, csv_bytes([builder.family(1)]), validate=False)
    RosterImport.objects.filter(pk=roster_import.pk).update(
        status=ImportStatus.VALIDATING,
        progress_phase="Memeriksa baris",
        progress_done=40,
        progress_total=100,
    )
    client.force_login(admin_user)
    for _reload in range(2):
        page = client.get(reverse("imports:detail", args=[roster_import.pk])).content.decode()
        assert 'hx-trigger="every 1s"' in page
        assert reverse("imports:status", args=[roster_import.pk]) in page
        assert "40%" in page and "Memeriksa baris" in page
    partial = client.get(reverse("imports:status", args=[roster_import.pk]), HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode()
    assert 'id="import-status"' in partial.content.decode()


def test_preview_lists_the_first_rejected_rows(client, admin_user, builder):
    families = list(builder.families(2))
    families[1][0]["JK"] = "X"
    roster_import = make_import(admin_user, csv_bytes(families))
    client.force_login(admin_user)
    page = client.get(reverse("imports:detail", args=[roster_import.pk])).content.decode()
    assert "Harus L atau P." in page
    assert "impor tanpa 1 keluarga yang ditolak" in page
    assert "Konfirmasi dan impor" not in page


def test_cancel(client, admin_user, builder):
    roster_import = make_import(admin_user, csv_bytes([builder.family(1)]))
    client.force_login(admin_user)
    client.post(reverse("imports:cancel", args=[roster_import.pk]))
    roster_import.refresh_from_db()
    assert roster_import.status == ImportStatus.CANCELLED
    assert Household.objects.count() == 0


def test_unreadable_upload_gets_a_clear_message_not_a_500(
    client, admin_user, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, b"%PDF-1.4 fake", name="roster.csv")
    page = client.get(response.url)
    assert page.status_code == 200
    assert "File ini adalah PDF" in page.content.decode()
    empty = upload(client, b"", name="kosong.csv")
    assert empty.status_code == 200
    assert "kosong" in empty.content.decode().lower()
    assert Household.objects.count() == 0


def test_history_page_query_count_does_not_grow(
    client, admin_user, builder, django_assert_max_num_queries
):
    client.force_login(admin_user)
    data = csv_bytes([builder.family(1)])
    roster_import_run(roster_import=make_import(admin_user, data, validate=False))
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("imports:list"))
    for _ in range(12):
        make_import(admin_user, data, validate=False, mode=ImportMode.DRY_RUN)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("imports:list"))
    assert page.content.decode().count("r.csv") == 13


def test_detail_page_query_count_does_not_grow_with_issues(
    client, admin_user, builder, django_assert_max_num_queries
):
    client.force_login(admin_user)
    small = make_import(admin_user, csv_bytes([builder.family(1)]))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("imports:detail", args=[small.pk]))
    families = list(builder.families(40, start=100))
    for rows in families:
        rows[0]["JK"] = "?"
    big = make_import(admin_user, csv_bytes(families))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("imports:detail", args=[big.pk]))


def test_upload_with_the_broker_down_fails_clearly_and_retries(
    client, admin_user, builder, django_capture_on_commit_callbacks
):
    """Redis unreachable: the upload is kept, the import says so (not "queued" forever),
    and "Ulangi impor" queues it once Redis is back."""
    from kombu.exceptions import OperationalError as BrokerDown

    from imports import tasks

    families = list(builder.families(2))
    client.force_login(admin_user)
    down = BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with (
        mock.patch.object(tasks.roster_import_validate_task, "apply_async", side_effect=down),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = upload(client, csv_bytes(families))
    roster_import = RosterImport.objects.get()
    assert response.status_code == 302
    roster_import.refresh_from_db()
    assert roster_import.status == ImportStatus.FAILED
    page = client.get(response.url).content.decode()
    assert "Antrian tugas (Redis) tidak dapat dihubungi" in page
    assert "Ulangi impor" in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:retry", args=[roster_import.pk]))
    roster_import.refresh_from_db()
    assert roster_import.status == ImportStatus.AWAITING_CONFIRMATION
    assert roster_import.error == ""


def test_confirm_with_the_broker_down_writes_nothing_and_retry_imports(
    client, admin_user, builder, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError as BrokerDown

    from imports import tasks

    families = list(builder.families(2))
    roster_import = make_import(admin_user, csv_bytes(families))
    client.force_login(admin_user)
    down = BrokerDown("Connection refused.")
    with (
        mock.patch.object(tasks.roster_import_write_task, "apply_async", side_effect=down),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            reverse("imports:confirm", args=[roster_import.pk]), {"mode": "all_or_nothing"}
        )
    assert response.status_code == 302
    roster_import.refresh_from_db()
    assert roster_import.status == ImportStatus.FAILED
    assert "Redis" in roster_import.error
    assert Household.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:retry", args=[roster_import.pk]))
    roster_import.refresh_from_db()
    assert roster_import.status == ImportStatus.DONE
    assert Household.objects.count() == 2
