"""Importing a school's verification sheet: upload, preview, confirm, through the
Django test client, on a caseload enrolled at its school."""

import pytest
from django.urls import reverse

from commitments import rules
from commitments.models import (
    SheetImportMode,
    SheetImportStatus,
    VerificationEntry,
    VerificationSheet,
)
from commitments.rules import Rules, Verdict
from commitments.tests.factories import SchoolFactory, enrol
from commitments.tests.sheet_files import (
    confirm,
    csv_upload,
    detail_url,
    pupil,
    row,
    upload,
    xlsx_upload,
)
from conftest import login
from households.models import HouseholdStatus
from households.tests.factories import household_with_members

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_csv_sheet_previews_then_writes_the_entries(
    client, many, facilitator, month, school, delimiter
):
    families = many(3)
    children = [pupil(h) for h in families]
    c = login(client, facilitator)
    rows = [
        row(children[0], month, 20),
        row(children[1], month, 20, sick=1, unexcused=4),
        row(children[2], month, 19, excused=2),
    ]
    response, imp = upload(c, csv_upload(rows, delimiter=delimiter))
    assert response.status_code == 302 and response["Location"] == detail_url(imp)
    assert VerificationEntry.objects.count() == 0  # a preview writes nothing
    page = c.get(detail_url(imp))
    assert page.status_code == 200
    assert (imp.rows_read, imp.rows_valid, imp.rows_invalid) == (3, 3, 0)
    assert (imp.entries_create, imp.entries_replace) == (3, 0)
    html = page.content.decode()
    assert school.name in html and f'data-group="{month:%Y-%m}-{school.pk}"' in html

    done = confirm(c, imp)
    assert done.status_code == 302
    imp.refresh_from_db()
    assert imp.status == SheetImportStatus.COMMITTED and imp.entries_written == 3
    assert imp.mode == SheetImportMode.ALL_OR_NOTHING
    entries = {e.member_id: e for e in VerificationEntry.objects.all()}
    assert len(entries) == 3
    second = entries[children[1].pk]
    assert (second.school_days, second.days_sick, second.days_excused, second.days_unexcused) == (
        20, 1, 0, 4,
    )  # fmt: skip
    assert second.school_id == school.pk and second.recorded_by == facilitator
    # Compliance follows the imported days: 15 of 20 days is under 85 %, 17 of 19 is not.
    verdicts = {m: rules.verdict(e, Rules.from_settings()) for m, e in entries.items()}
    assert verdicts == {
        children[0].pk: Verdict.COMPLIES,
        children[1].pk: Verdict.FAILS,
        children[2].pk: Verdict.COMPLIES,
    }
    # One list saved for the month and school, through the sheet service.
    assert VerificationSheet.objects.get().entry_count == 3
    month_page = c.get(f"{reverse('commitments:month')}?bulan={month:%Y-%m}")
    assert month_page.context["entered_count"] == 3


def test_xlsx_sheet_with_number_and_date_cells(client, family, facilitator, month, school):
    """Excel keeps days as numbers and the month as a date cell; the NIK is text."""
    child = pupil(family)
    cells = [1, child.nik, child.name, month, 21, 0, 1, 2]
    c = login(client, facilitator)
    response, imp = upload(c, xlsx_upload([cells]))
    assert response.status_code == 302, response.context["form"].errors
    assert imp.file_format == "xlsx" and imp.rows_valid == 1
    confirm(c, imp)
    entry = VerificationEntry.objects.get()
    assert (entry.month, entry.school_days, entry.days_excused, entry.days_unexcused) == (
        month, 21, 1, 2,
    )  # fmt: skip


def test_total_absent_without_breakdown_counts_as_unexcused(
    client, family, facilitator, month, school
):
    child = pupil(family)
    header = ["NIK", "BULAN", "HARI_SEKOLAH", "TIDAK_HADIR", "KETERANGAN"]
    c = login(client, facilitator)
    _response, imp = upload(
        c, csv_upload([[child.nik, f"{month:%m/%Y}", "20", "3", "sakit gigi"]], header=header)
    )
    assert imp.rows_valid == 1
    assert imp.unknown_columns == ["KETERANGAN"]  # a warning, not an error
    assert "KETERANGAN" in c.get(detail_url(imp)).content.decode()
    confirm(c, imp)
    entry = VerificationEntry.objects.get()
    assert (entry.days_sick, entry.days_excused, entry.days_unexcused) == (0, 0, 3)


@pytest.mark.parametrize("text", ["{m:%Y-%m}", "{m:%m/%Y}", "{m:%Y-%m-%d}", "{m:%d/%m/%Y}"])
def test_month_spellings(client, family, facilitator, month, school, text):
    child = pupil(family)
    c = login(client, facilitator)
    _response, imp = upload(c, csv_upload([row(child, month, month_text=text.format(m=month))]))
    assert (imp.rows_valid, imp.issues) == (1, [])


def test_a_second_confirm_changes_nothing(client, family, facilitator, month, school):
    child = pupil(family)
    c = login(client, facilitator)
    _response, imp = upload(c, csv_upload([row(child, month, 20, unexcused=1)]))
    confirm(c, imp)
    entry = VerificationEntry.objects.get()
    stamp = (entry.updated_at, entry.history.count(), VerificationSheet.objects.count())
    again = confirm(c, imp)
    assert again.status_code == 302
    entry.refresh_from_db()
    assert (entry.updated_at, entry.history.count(), VerificationSheet.objects.count()) == stamp
    follow = c.get(detail_url(imp))
    assert "sudah disimpan sebelumnya" in follow.content.decode()


def test_an_entered_month_is_replaced_and_counted_as_such(
    client, family, facilitator, month, school
):
    child = pupil(family)
    c = login(client, facilitator)
    _r, first = upload(c, csv_upload([row(child, month, 20, unexcused=5)]))
    confirm(c, first)
    _r, second = upload(c, csv_upload([row(child, month, 20, unexcused=1)]))
    assert (second.entries_create, second.entries_replace) == (0, 1)
    confirm(c, second)
    entry = VerificationEntry.objects.get()
    assert entry.days_unexcused == 1
    assert entry.history.count() == 2  # the previous values stay in the history


def test_confirm_checks_again_what_changed_since_the_preview(
    client, family, facilitator, month, school
):
    """A member whose family left the caseload after the preview is refused at confirm."""
    child = pupil(family)
    c = login(client, facilitator)
    _r, imp = upload(c, csv_upload([row(child, month)]))
    assert imp.rows_valid == 1
    family.status = HouseholdStatus.EXITED
    family.save(update_fields=["status"])
    response = confirm(c, imp)
    assert response.status_code == 302
    imp.refresh_from_db()
    assert imp.status == SheetImportStatus.PREVIEW and imp.rows_invalid == 1
    assert VerificationEntry.objects.count() == 0


def test_cancel_writes_nothing_and_confirm_after_it_is_refused(
    client, family, facilitator, month, school
):
    c = login(client, facilitator)
    _r, imp = upload(c, csv_upload([row(pupil(family), month)]))
    c.post(reverse("commitments:sheet_import_cancel", args=[imp.pk]))
    imp.refresh_from_db()
    assert imp.status == SheetImportStatus.CANCELLED
    confirm(c, imp)
    imp.refresh_from_db()
    assert imp.status == SheetImportStatus.CANCELLED
    assert VerificationEntry.objects.count() == 0


def test_two_schools_and_two_months_are_saved_as_separate_lists(client, facilitator, month, school):
    other_school = SchoolFactory(name="SD Negeri 2 Patalan")
    first, second = (
        household_with_members(facilitator=facilitator),
        household_with_members(facilitator=facilitator),
    )
    enrol(pupil(first), school, by=facilitator)
    enrol(pupil(second), other_school, by=facilitator)
    earlier = rules.month_add(month, -1)
    rows = [row(pupil(first), month), row(pupil(first), earlier), row(pupil(second), month)]
    c = login(client, facilitator)
    _r, imp = upload(c, csv_upload(rows))
    assert [(g["month"], g["school_id"], g["rows"]) for g in imp.groups] == [
        (earlier.isoformat(), school.pk, 1),
        (month.isoformat(), school.pk, 1),
        (month.isoformat(), other_school.pk, 1),
    ]
    confirm(c, imp)
    assert VerificationSheet.objects.count() == 3
    assert VerificationEntry.objects.count() == 3


def test_the_nik_never_appears_in_a_url(client, family, facilitator, month, school):
    child = pupil(family)
    c = login(client, facilitator)
    response, imp = upload(c, csv_upload([row(child, month)]))
    urls = [response["Location"], detail_url(imp)]
    page = c.get(detail_url(imp))
    urls += [
        reverse("commitments:sheet_import_confirm", args=[imp.pk]),
        reverse("commitments:sheet_import_report", args=[imp.pk]),
    ]
    assert all(child.nik not in u for u in urls)
    assert child.nik not in imp.file.name
    assert 'href="' in page.content.decode()
    assert child.nik not in " ".join(
        part.split('"')[0] for part in page.content.decode().split('href="')[1:]
    )


def test_the_month_page_links_to_the_import(client, family, facilitator, month):
    page = login(client, facilitator).get(reverse("commitments:month"))
    assert reverse("commitments:sheet_import_create") in page.content.decode()


def test_the_roster_imports_xlsx_guards_apply(client, family, facilitator, month, settings):
    """A cell longer than IMPORTS_XLSX_MAX_CELL_CHARS stops the read (the zip guard)."""
    settings.IMPORTS_XLSX_MAX_CELL_CHARS = 50
    child = pupil(family)
    cells = [1, child.nik, "x" * 200, month, 20, 0, 0, 0]
    response, imp = upload(login(client, facilitator), xlsx_upload([cells]))
    assert response.status_code == 200 and imp is None
    assert "terlalu panjang" in response.content.decode()


def test_the_upload_size_limit_applies(client, facilitator, settings):
    settings.IMPORTS_MAX_UPLOAD_MB = 0
    response, imp = upload(login(client, facilitator), csv_upload([["1"]]))
    assert imp is None and "File terlalu besar" in response.content.decode()
