"""Row errors of a verification sheet, each with its line number (header = line 1), and
what all-or-nothing and skip-invalid then write."""

import csv
import io

import pytest
from django.urls import reverse

from commitments import rules
from commitments.models import SheetImportStatus, VerificationEntry
from commitments.services.verification import month_sheet_save
from commitments.tests.factories import enrol
from commitments.tests.sheet_files import HEADER, confirm, csv_upload, pupil, row, upload
from conftest import login
from households.tests.factories import household_with_members

pytestmark = pytest.mark.django_db

UNKNOWN_NIK = "NIK tidak ditemukan di dampingan Anda."


def issues_by_line(imp) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for line, column, reason in imp.issues:
        found.setdefault(line, []).append(f"{column}: {reason}")
    return found


@pytest.fixture
def bad_sheet(facilitator, other_team_facilitator, many, month, school):
    """Two good rows, then one row of every error kind, on lines 2 to 15."""
    families = many(4)
    good_a, good_b, dup, no_school_family = (pupil(h) for h in families)
    no_school_family.enrolments.all().delete()
    parent = families[0].members.filter(components__isnull=True).first()
    not_enrolled = pupil(household_with_members(facilitator=facilitator))
    from commitments.services.enrolment import enrolment_record

    enrolment_record(
        by=facilitator,
        member=not_enrolled,
        sector="pendidikan",
        change="tidak_terdaftar",
        start_on=rules.month_add(month, -2),
        note="",
    )
    elsewhere = household_with_members(facilitator=other_team_facilitator)
    enrol(pupil(elsewhere), school, by=other_team_facilitator)
    future = rules.month_add(month, 2)
    rows = [
        row(good_a, month, 20),  # 2
        row(good_b, month, 20, sick=2),  # 3
        row(dup, month, 20),  # 4
        ["4", "3402094507160009", "Tidak Ada", f"{month:%Y-%m}", "20", "0", "0", "0"],  # 5
        row(pupil(elsewhere), month, 20),  # 6: another team's pupil
        row(parent, month, 20),  # 7: no education component
        row(no_school_family, month, 20),  # 8: school not recorded
        row(not_enrolled, month, 20),  # 9: recorded as not enrolled
        row(good_a, future, 20),  # 10: future month
        row(good_a, month, 20, month_text="Maret"),  # 11: unreadable month
        row(good_a, month, 40),  # 12: more days than the month has
        row(good_b, rules.month_add(month, -1), 20, sick=15, unexcused=10),  # 13: too absent
        row(dup, month, 18),  # 14: duplicate of line 4
        ["9", "3.40209E+15", "Excel", f"{month:%Y-%m}", "20", "0", "0", "0"],  # 15
    ]
    return {"rows": rows, "good": (good_a, good_b)}


def test_every_bad_row_is_named_with_its_line(client, facilitator, bad_sheet):
    _response, imp = upload(login(client, facilitator), csv_upload(bad_sheet["rows"]))
    found = issues_by_line(imp)
    assert sorted(found) == list(range(4, 16))
    assert (imp.rows_read, imp.rows_valid, imp.rows_invalid) == (14, 2, 12)
    assert found[5] == [f"NIK: {UNKNOWN_NIK}"]
    # Another team's member reads exactly as an unknown NIK: nothing leaks.
    assert found[6] == found[5]
    assert "tidak punya komitmen pendidikan" in found[7][0]
    assert "Sekolah anggota ini belum dicatat" in found[8][0]
    assert "tidak terdaftar di sekolah" in found[9][0]
    assert found[10] == ["BULAN: Bulan yang belum berjalan belum dapat diverifikasi."]
    assert found[11][0].startswith("BULAN: Bulan tidak terbaca")
    assert found[12][0].startswith("HARI_SEKOLAH: Hari sekolah harus antara 0 dan")
    assert "melebihi hari sekolah" in found[13][0]
    for line in (4, 14):  # both lines of the duplicate, each naming both
        assert "baris 4, 14" in found[line][0]
    assert "notasi ilmiah" in found[15][0]


def test_the_preview_lists_the_errors_and_offers_the_report(client, facilitator, bad_sheet):
    c = login(client, facilitator)
    response, imp = upload(c, csv_upload(bad_sheet["rows"]))
    page = c.get(response["Location"]).content.decode()
    assert 'data-line="5"' in page and UNKNOWN_NIK in page
    assert reverse("commitments:sheet_import_report", args=[imp.pk]) in page
    report = c.get(reverse("commitments:sheet_import_report", args=[imp.pk]))
    assert report.status_code == 200 and report["Content-Type"].startswith("text/csv")
    text = b"".join(report.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert lines[0][:3] == ["BARIS", "KOLOM", "ALASAN"] and lines[0][3:] == HEADER
    assert [int(r[0]) for r in lines[1:]] == list(range(4, 16))
    unknown = next(r for r in lines[1:] if r[0] == "5")
    assert unknown[1:3] == ["NIK", UNKNOWN_NIK] and unknown[4] == "3402094507160009"


def test_the_report_is_offered_as_xlsx_with_the_same_rows(client, facilitator, bad_sheet):
    """The same report as the CSV, as a workbook (the roster import's writer)."""
    import openpyxl

    c = login(client, facilitator)
    response, imp = upload(c, csv_upload(bad_sheet["rows"]))
    url = reverse("commitments:sheet_import_report_xlsx", args=[imp.pk])
    assert url in c.get(response["Location"]).content.decode()
    report = c.get(url)
    assert report.status_code == 200
    assert report["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"baris-salah-{imp.pk}.xlsx" in report["Content-Disposition"]
    assert report["Cache-Control"] == "no-store"
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    lines = [[cell if cell is not None else "" for cell in r] for r in sheet.values]
    assert lines[0][:3] == ["BARIS", "KOLOM", "ALASAN"] and lines[0][3:] == HEADER
    assert [int(r[0]) for r in lines[1:]] == list(range(4, 16))
    unknown = next(r for r in lines[1:] if r[0] == "5")
    assert unknown[1:3] == ["NIK", UNKNOWN_NIK] and unknown[4] == "3402094507160009"


def test_all_or_nothing_writes_nothing_while_a_row_is_wrong(client, facilitator, bad_sheet):
    c = login(client, facilitator)
    _response, imp = upload(c, csv_upload(bad_sheet["rows"]))
    response = c.post(reverse("commitments:sheet_import_confirm", args=[imp.pk]), follow=True)
    assert "tidak ada yang disimpan" in response.content.decode()
    imp.refresh_from_db()
    assert imp.status == SheetImportStatus.PREVIEW
    assert VerificationEntry.objects.count() == 0


def test_skip_invalid_writes_only_the_good_rows(client, facilitator, bad_sheet):
    c = login(client, facilitator)
    _response, imp = upload(c, csv_upload(bad_sheet["rows"]))
    confirm(c, imp, skip_invalid=True)
    imp.refresh_from_db()
    assert imp.status == SheetImportStatus.COMMITTED and imp.entries_written == 2
    good_a, good_b = bad_sheet["good"]
    assert set(VerificationEntry.objects.values_list("member_id", "days_sick")) == {
        (good_a.pk, 0),
        (good_b.pk, 2),
    }


def test_a_write_that_fails_midway_leaves_nothing(
    client, facilitator, many, month, school, monkeypatch
):
    """Two lists (two months): the second refused by the sheet service, the first is
    rolled back with it."""
    child = pupil(many(1)[0])
    rows = [row(child, rules.month_add(month, -1)), row(child, month)]
    c = login(client, facilitator)
    _response, imp = upload(c, csv_upload(rows))
    calls = []

    def failing_second(**kwargs):
        calls.append(kwargs["month"])
        if len(calls) == 2:
            from django.core.exceptions import ValidationError

            raise ValidationError("gagal")
        return month_sheet_save(**kwargs)

    monkeypatch.setattr("commitments.services.sheet_import.month_sheet_save", failing_second)
    confirm(c, imp)
    assert len(calls) == 2
    imp.refresh_from_db()
    assert imp.status == SheetImportStatus.PREVIEW
    assert VerificationEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("header", "cells", "expected"),
    [
        (["NIK", "BULAN", "HARI_SEKOLAH"], ["", "{m}", "20"], "NIK: NIK wajib diisi (atau NISN)."),
        (["NIK", "BULAN", "HARI_SEKOLAH"], ["{nik}", "", "20"], "BULAN: Bulan wajib diisi."),
        (
            ["NIK", "BULAN", "HARI_SEKOLAH"],
            ["{nik}", "{m}", ""],
            "HARI_SEKOLAH: Hari sekolah wajib diisi.",
        ),
        (
            ["NIK", "BULAN", "HARI_SEKOLAH", "ALPA"],
            ["{nik}", "{m}", "20", "-1"],
            "ALPA: Harus bilangan bulat 0 atau lebih.",
        ),
        (
            ["NIK", "BULAN", "HARI_SEKOLAH", "SAKIT", "TIDAK_HADIR"],
            ["{nik}", "{m}", "20", "2", "3"],
            "TIDAK_HADIR: TIDAK_HADIR (3) tidak sama dengan SAKIT + IZIN + ALPA (2).",
        ),
        (
            ["NIK", "BULAN", "HARI_SEKOLAH"],
            ["{nik}", "2006-12", "20"],
            "BULAN: Bulan verifikasi tidak boleh sebelum awal PKH.",
        ),
        (
            ["NIK", "NISN", "BULAN", "HARI_SEKOLAH"],
            ["", "0123456789", "{m}", "20"],
            "NISN: NISN tidak ditemukan di dampingan Anda.",
        ),
        (
            ["NIK", "BULAN", "HARI_SEKOLAH"],
            ["340209450716000", "{m}", "20"],
            "NIK: Harus tepat 16 angka (terbaca 15 angka).",
        ),
    ],
)
def test_single_bad_cells(client, facilitator, family, month, school, header, cells, expected):
    nik = pupil(family).nik
    filled = [c.format(m=f"{month:%Y-%m}", nik=nik) for c in cells]
    _response, imp = upload(login(client, facilitator), csv_upload([filled], header=header))
    assert len(imp.issues) == 1
    line, column, reason = imp.issues[0]
    assert line == 2 and f"{column}: {reason}".startswith(expected)


def test_a_file_without_the_required_columns_is_refused_whole(client, facilitator, family):
    response, imp = upload(
        login(client, facilitator), csv_upload([["1", "x"]], header=["NIK", "NAMA"])
    )
    assert response.status_code == 200 and imp is None
    assert "Kolom wajib tidak ada: BULAN, HARI_SEKOLAH" in response.content.decode()


def test_more_rows_than_the_cap_is_refused_whole(client, facilitator, family, month, settings):
    settings.PKH_COMMITMENT_IMPORT_MAX_ROWS = 3
    rows = [row(pupil(family), month)] * 4
    response, imp = upload(login(client, facilitator), csv_upload(rows))
    assert response.status_code == 200 and imp is None
    assert "lebih dari 3 baris data" in response.content.decode()


def test_a_pdf_named_csv_is_refused(client, facilitator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("absensi.csv", b"%PDF-1.4 ...", "text/csv")
    response, imp = upload(login(client, facilitator), fake)
    assert imp is None and "PDF" in response.content.decode()


def test_the_report_neutralises_formulas(client, facilitator, family, month):
    rows = [
        ["1", "3402094507160009", '=HYPERLINK("http://x")', f"{month:%Y-%m}", "20", "0", "0", "0"]
    ]
    c = login(client, facilitator)
    _response, imp = upload(c, csv_upload(rows))
    report = c.get(reverse("commitments:sheet_import_report", args=[imp.pk]))
    text = b"".join(report.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert lines[1][5] == '\'=HYPERLINK("http://x")'
    report = c.get(reverse("commitments:sheet_import_report_xlsx", args=[imp.pk]))
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    assert list(sheet.values)[1][5] == '\'=HYPERLINK("http://x")'


def test_a_preview_whose_file_is_gone_is_refused_with_a_message(
    client, facilitator, family, month, school
):
    c = login(client, facilitator)
    _response, imp = upload(c, csv_upload([row(pupil(family), month)]))
    imp.file.storage.delete(imp.file.name)
    response = confirm(c, imp)
    assert response.status_code == 302
    page = c.get(response["Location"]).content.decode()
    assert "Unggah ulang" in page
    assert VerificationEntry.objects.count() == 0
