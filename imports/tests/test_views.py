"""The import pages through the real HTTP stack, as the roles that use (or may not use) them."""

import csv
import email.message
import io
from unittest import mock

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.http import content_disposition_header

from households.models import Household, Member
from imports.models import ImportMode, ImportStatus, RosterImport
from imports.services import roster_import_create, roster_import_run, roster_import_validate
from imports.tests.roster import csv_bytes

pytestmark = pytest.mark.django_db


def upload(client, data: bytes, *, name="roster.csv", mode=ImportMode.ALL_OR_NOTHING, follow=False):
    return client.post(
        reverse("imports:create"),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv"), "mode": mode},
        follow=follow,
    )


def make_import(by, data: bytes, *, validate=True, mode=ImportMode.ALL_OR_NOTHING):
    roster_import = roster_import_create(
        by=by, file=ContentFile(data, name="r.csv"), file_name="r.csv", mode=mode, enqueue=False
    )
    if validate:
        roster_import = roster_import_validate(roster_import_id=roster_import.pk)
    return roster_import


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


SWITCH_BUTTON = (
    "Ganti mode ke “lewati keluarga yang tidak valid” dan impor tanpa 1 keluarga yang ditolak"
)


def _three_families_one_rejected(builder):
    families = list(builder.families(3))
    families[1][0]["JK"] = "X"
    return families


def test_preview_button_says_it_switches_the_mode_and_how_many_families_stay_out(
    client, admin_user, builder
):
    roster_import = make_import(admin_user, csv_bytes(_three_families_one_rejected(builder)))
    assert roster_import.households_skipped == 1
    client.force_login(admin_user)
    page = client.get(reverse("imports:detail", args=[roster_import.pk])).content.decode()
    assert SWITCH_BUTTON in page
    # The button leads to the confirm step (GET), it does not import.
    form = page[: page.index(SWITCH_BUTTON)].rsplit("<form", 1)[1]
    assert 'method="get"' in form
    assert reverse("imports:confirm", args=[roster_import.pk]) in form


def test_confirm_step_names_the_mode_change_and_the_families_left_out(client, admin_user, builder):
    roster_import = make_import(admin_user, csv_bytes(_three_families_one_rejected(builder)))
    client.force_login(admin_user)
    response = client.get(
        reverse("imports:confirm", args=[roster_import.pk]), {"mode": "skip_invalid"}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Mode impor akan diganti" in text
    assert (
        "File ini diunggah dengan mode “Semua atau tidak sama sekali”. Bila Anda lanjutkan, "
        "mode impor diganti menjadi “Lewati keluarga yang tidak valid”."
    ) in text
    assert "1 keluarga yang punya baris ditolak tidak akan diimpor." in text
    assert "2 keluarga akan diimpor" in text
    assert "Ya, ganti mode dan impor tanpa 1 keluarga yang ditolak" in text
    assert 'name="mode_change" value="1"' in text
    roster_import.refresh_from_db()  # looking at the step changes nothing
    assert roster_import.status == ImportStatus.AWAITING_CONFIRMATION
    assert roster_import.mode == ImportMode.ALL_OR_NOTHING
    assert Household.objects.count() == 0


def test_switching_the_mode_without_the_confirm_step_is_sent_to_it(client, admin_user, builder):
    roster_import = make_import(admin_user, csv_bytes(_three_families_one_rejected(builder)))
    client.force_login(admin_user)
    url = reverse("imports:confirm", args=[roster_import.pk])
    response = client.post(url, {"mode": "skip_invalid"})
    assert response.status_code == 302
    assert response.url == f"{url}?mode=skip_invalid"
    roster_import.refresh_from_db()
    assert roster_import.status == ImportStatus.AWAITING_CONFIRMATION
    assert roster_import.mode == ImportMode.ALL_OR_NOTHING
    assert Household.objects.count() == 0


def test_confirm_step_imports_the_valid_families_in_the_new_mode(
    client, admin_user, builder, django_capture_on_commit_callbacks
):
    families = _three_families_one_rejected(builder)
    roster_import = make_import(admin_user, csv_bytes(families))
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("imports:confirm", args=[roster_import.pk]),
            {"mode": "skip_invalid", "mode_change": "1"},
        )
    assert response.url == reverse("imports:detail", args=[roster_import.pk])
    roster_import.refresh_from_db()
    assert roster_import.mode == ImportMode.SKIP_INVALID
    assert roster_import.status == ImportStatus.DONE and roster_import.committed
    assert Household.objects.count() == 2
    assert not Household.objects.filter(id_keluarga=families[1][0]["IDSEMESTA"]).exists()


def test_upload_in_skip_mode_imports_without_a_mode_change(client, admin_user, builder):
    roster_import = make_import(
        admin_user, csv_bytes(_three_families_one_rejected(builder)), mode=ImportMode.SKIP_INVALID
    )
    client.force_login(admin_user)
    page = client.get(reverse("imports:detail", args=[roster_import.pk])).content.decode()
    assert "Impor tanpa 1 keluarga yang ditolak" in page
    assert "Ganti mode" not in page
    step = client.get(reverse("imports:confirm", args=[roster_import.pk]), {"mode": "skip_invalid"})
    assert step.status_code == 302  # no mode change: no step to show


def test_confirm_all_or_nothing_with_rejections_is_refused_with_a_message(
    client, admin_user, builder
):
    families = list(builder.families(2))
    families[1][0]["JK"] = "X"
    roster_import = make_import(admin_user, csv_bytes(families))
    client.force_login(admin_user)
    response = client.post(
        reverse("imports:confirm", args=[roster_import.pk]),
        {"mode": "all_or_nothing"},
        follow=True,
    )
    assert response.status_code == 200
    assert "ditolak" in response.content.decode()
    roster_import.refresh_from_db()
    assert roster_import.status == ImportStatus.AWAITING_CONFIRMATION
    assert Household.objects.count() == 0


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


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_rejection_report_with_original_rows_and_neutralised_cells(
    client, admin_user, builder, fmt
):
    families = list(builder.families(2))
    families[0][1]["NAMA ART"] = '=HYPERLINK("http://x")'
    families[0][1]["JK"] = "X"
    families[1][2]["TGL LAHIR"] = "@SUM(A1)"
    roster_import = make_import(admin_user, csv_bytes(families))
    client.force_login(admin_user)
    response = client.get(reverse("imports:report", args=[roster_import.pk, "ditolak", fmt]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    body = b"".join(response.streaming_content)
    if fmt == "csv":
        text = body.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(body)).active
        rows = [
            ["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)
        ]
    header = rows[0]
    assert header[:4] == ["BARIS", "KOLOM", "ALASAN", "NILAI"]
    assert "NIK KTP" in header
    body_rows = rows[1:]
    second_line = 1 + len(families[0]) + 3  # header = line 1
    assert [r[0] for r in body_rows] == ["3", str(second_line)]
    assert body_rows[0][1] == "JENIS_KELAMIN"
    nik_col = header.index("NIK KTP")
    assert body_rows[0][nik_col] == families[0][1]["NIK KTP"]  # the original row
    name_col = header.index("NAMA ART")
    assert body_rows[0][name_col].startswith("'=")  # never a live formula
    assert body_rows[1][header.index("NILAI")].startswith("'@")


def _attachment_filename(header: str) -> str:
    """The file name a browser reads from a Content-Disposition header (RFC 6266/5987)."""
    message = email.message.Message()
    message["Content-Disposition"] = header
    return message.get_filename()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_report_file_name_with_a_quote_and_non_ascii_survives_the_header(
    client, admin_user, builder, fmt
):
    families = list(builder.families(1))
    families[0][0]["JK"] = "X"
    roster_import = roster_import_create(
        by=admin_user,
        file=ContentFile(csv_bytes(families), name="r.csv"),
        file_name='Data "final" Jetis – Sénin.csv',
        mode=ImportMode.ALL_OR_NOTHING,
        enqueue=False,
    )
    roster_import_validate(roster_import_id=roster_import.pk)
    client.force_login(admin_user)
    response = client.get(reverse("imports:report", args=[roster_import.pk, "ditolak", fmt]))
    header = response["Content-Disposition"]
    expected = f'Data "final" Jetis – Sénin-ditolak-{roster_import.pk}.{fmt}'
    assert header == content_disposition_header(True, expected)
    assert _attachment_filename(header) == expected


def test_warning_report(client, admin_user, builder):
    family = builder.family(1)
    family[1]["JK"] = "L"  # disagrees with the NIK: a warning
    roster_import = make_import(admin_user, csv_bytes([family]))
    client.force_login(admin_user)
    response = client.get(reverse("imports:report", args=[roster_import.pk, "peringatan", "csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Jenis kelamin di NIK" in text
    assert client.get(f"/impor/{roster_import.pk}/laporan/lainnya.csv").status_code == 404


# -- permissions ---------------------------------------------------------------------
@pytest.mark.parametrize("role", ["facilitator", "supervisor"])
def test_other_roles_are_refused(client, request, role, admin_user, builder):
    roster_import = make_import(admin_user, csv_bytes([builder.family(1)]))
    client.force_login(request.getfixturevalue(role))
    pk = roster_import.pk
    for url in (
        reverse("imports:list"),
        reverse("imports:create"),
        reverse("imports:detail", args=[pk]),
        reverse("imports:status", args=[pk]),
        reverse("imports:report", args=[pk, "ditolak", "csv"]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("imports:confirm", args=[pk])).status_code == 403
    assert upload(client, csv_bytes([builder.family(2)])).status_code == 403
    assert RosterImport.objects.count() == 1


def test_another_admins_import_is_not_found(client, admin_user, other_region_admin, builder):
    roster_import = make_import(admin_user, csv_bytes([builder.family(1)]))
    client.force_login(other_region_admin)
    pk = roster_import.pk
    for url in (
        reverse("imports:detail", args=[pk]),
        reverse("imports:status", args=[pk]),
        reverse("imports:report", args=[pk, "ditolak", "csv"]),
        reverse("imports:report", args=[pk, "peringatan", "xlsx"]),
    ):
        assert client.get(url).status_code == 404, url
    for name in ("imports:confirm", "imports:cancel", "imports:retry"):
        assert client.post(reverse(name, args=[pk])).status_code == 404
    assert "r.csv" not in client.get(reverse("imports:list")).content.decode()
    roster_import.refresh_from_db()
    assert roster_import.status == ImportStatus.AWAITING_CONFIRMATION


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("imports:list"))
    assert response.status_code == 302 and "masuk" in response.url


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


def test_menu_entry_for_admins_only(client, admin_user, facilitator):
    client.force_login(admin_user)
    assert reverse("imports:list") in client.get(reverse("home")).content.decode()
    client.force_login(facilitator)
    assert reverse("imports:list") not in client.get(reverse("home")).content.decode()


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


# -- issue 19 ------------------------------------------------------------------------
def _mode_help(page: str) -> dict[str, str]:
    """Each mode's label on the upload page with the description that follows it."""
    import html
    import re

    items = re.findall(r"<li><strong>(.*?)</strong>:\s*(.*?)</li>", page, flags=re.S)
    return {html.unescape(label).strip(): html.unescape(text).strip() for label, text in items}


def test_upload_page_describes_each_mode_truthfully(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("imports:create")).content.decode()
    described = _mode_help(page)
    assert set(described) == {str(label) for label in ImportMode.labels}
    dry_run = described[str(ImportMode.DRY_RUN.label)]
    assert "hanya memeriksa" in dry_run and "tidak ada yang disimpan" in dry_run
    assert "bila ada satu baris ditolak" not in dry_run
    all_or_nothing = described[str(ImportMode.ALL_OR_NOTHING.label)]
    assert "bila ada satu baris ditolak, tidak ada yang disimpan" in all_or_nothing
    assert "hanya memeriksa" not in all_or_nothing
    skip = described[str(ImportMode.SKIP_INVALID.label)]
    assert "dilewati seluruhnya" in skip and "sisanya disimpan" in skip


def test_mode_change_texts_in_english(client, admin_user, builder):
    roster_import = make_import(admin_user, csv_bytes(_three_families_one_rejected(builder)))
    client.force_login(admin_user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("imports:detail", args=[roster_import.pk])).content.decode()
    assert (
        "Switch the mode to “skip invalid families” and import without the 1 rejected family"
    ) in page
    step = client.get(
        reverse("imports:confirm", args=[roster_import.pk]), {"mode": "skip_invalid"}
    ).content.decode()
    assert "The import mode will change" in step
    assert "1 family with a rejected row will not be imported." in step
    assert "2 families will be imported" in step
    assert "2 new, 0 changed, 0 unchanged" in step
    assert "Yes, switch the mode and import without the 1 rejected family" in step
    assert "“All or nothing”" in step and "“Skip invalid families”" in step
