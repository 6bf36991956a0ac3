"""The pupil's NISN: recorded on the education enrolment, and a sheet row that names
the pupil by NISN alone is matched on it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from commitments.models import Enrolment, VerificationEntry
from commitments.services.enrolment import enrolment_record
from commitments.tests.factories import SchoolFactory, enrol
from commitments.tests.sheet_files import confirm, csv_upload, pupil, upload, xlsx_upload
from conftest import login
from households.tests.factories import household_with_members

pytestmark = pytest.mark.django_db

HEADER = ["NISN", "NIK", "BULAN", "HARI_SEKOLAH", "ALPA"]


@pytest.fixture
def with_nisn(family):
    child = pupil(family)
    Enrolment.objects.filter(member=child, sector="pendidikan").update(nisn="0161234567")
    return child


def test_the_enrolment_form_records_the_nisn(client, family, facilitator, school):
    """A move to another school, with the NISN; the next event starts from it."""
    child = pupil(family)
    other = SchoolFactory(name="SD Negeri 3 Patalan")
    url = reverse("commitments:enrolment", args=[child.pk, "pendidikan"])
    c = login(client, facilitator)
    data = {
        "change": "pindah_sekolah",
        "start_on": "2025-07-14",
        "school": other.pk,
        "grade": "4",
        "nisn": "0161234567",
        "note": "",
    }
    response = c.post(url, data)
    assert response.status_code == 302
    latest = Enrolment.objects.get(member=child, end_on__isnull=True, sector="pendidikan")
    assert (latest.school_id, latest.nisn) == (other.pk, "0161234567")
    page = c.get(url)
    assert page.context["form"].initial["nisn"] == "0161234567"
    assert "NISN 0161234567" in page.content.decode()


def test_a_nisn_of_nine_digits_is_a_field_error(client, family, facilitator, school):
    child = pupil(family)
    url = reverse("commitments:enrolment", args=[child.pk, "pendidikan"])
    data = {
        "change": "terdaftar",
        "start_on": "2025-07-14",
        "school": school.pk,
        "nisn": "16123456",
    }
    response = login(client, facilitator).post(url, data)
    assert response.status_code == 200 and "nisn" in response.context["form"].errors


def test_one_nisn_belongs_to_one_member(facilitator, family, with_nisn, school):
    sibling = household_with_members(facilitator=facilitator)
    with pytest.raises(ValidationError) as exc:
        enrolment_record(
            by=facilitator,
            member=pupil(sibling),
            sector="pendidikan",
            change="terdaftar",
            start_on=pupil(sibling).birth_date.replace(year=2023),
            school=school,
            nisn="0161234567",
        )
    assert "nisn" in exc.value.error_dict


def test_a_row_with_nisn_and_no_nik_is_matched(client, facilitator, with_nisn, month, school):
    c = login(client, facilitator)
    _r, imp = upload(
        c, csv_upload([["0161234567", "", f"{month:%Y-%m}", "20", "2"]], header=HEADER)
    )
    assert (imp.rows_valid, imp.issues) == (1, [])
    confirm(c, imp)
    entry = VerificationEntry.objects.get()
    assert (entry.member_id, entry.days_unexcused) == (with_nisn.pk, 2)


def test_nisn_and_nik_of_the_same_pupil_and_month_are_a_duplicate(
    client, facilitator, with_nisn, month, school
):
    rows = [
        ["0161234567", "", f"{month:%Y-%m}", "20", "0"],
        ["", with_nisn.nik, f"{month:%Y-%m}", "20", "1"],
    ]
    _r, imp = upload(login(client, facilitator), csv_upload(rows, header=HEADER))
    assert sorted(line for line, _c, reason in imp.issues if "baris 2, 3" in reason) == [2, 3]


def test_another_teams_nisn_reads_like_an_unknown_one(
    client, facilitator, other_team_facilitator, month, school
):
    theirs = household_with_members(facilitator=other_team_facilitator)
    enrol(pupil(theirs), school, by=other_team_facilitator)
    Enrolment.objects.filter(member=pupil(theirs)).update(nisn="0169999999")
    rows = [
        ["0169999999", "", f"{month:%Y-%m}", "20", "0"],
        ["0160000001", "", f"{month:%Y-%m}", "20", "0"],
    ]
    _r, imp = upload(login(client, facilitator), csv_upload(rows, header=HEADER))
    assert [issue[1:] for issue in imp.issues] == [
        ["NISN", "NISN tidak ditemukan di dampingan Anda."],
        ["NISN", "NISN tidak ditemukan di dampingan Anda."],
    ]


def test_a_nisn_stored_as_an_excel_number_is_refused(client, facilitator, with_nisn, month):
    _r, imp = upload(
        login(client, facilitator), xlsx_upload([[161234567, None, month, 20, 0]], header=HEADER)
    )
    assert len(imp.issues) == 1 and "angka 0 di depan mungkin hilang" in imp.issues[0][2]


def test_a_row_whose_nisn_and_nik_disagree_is_a_row_error(
    client, facilitator, family, with_nisn, month, school
):
    """Both given: the NISN is another member's (a sibling in the caseload), or the
    member has another NISN recorded; either way nothing of the row is written. The
    same pair as recorded, and a NISN not recorded anywhere for a member without one,
    pass."""
    sibling_family = household_with_members(facilitator=facilitator)
    enrol(pupil(sibling_family), school, by=facilitator)
    sibling = pupil(sibling_family)
    rows = [
        ["0161234567", sibling.nik, f"{month:%Y-%m}", "20", "0"],  # with_nisn's NISN
        ["0160000001", with_nisn.nik, f"{month:%Y-%m}", "20", "0"],  # not with_nisn's
    ]
    c = login(client, facilitator)
    _r, imp = upload(c, csv_upload(rows, header=HEADER))
    assert [(line, column) for line, column, _reason in imp.issues] == [
        (2, "NISN"),
        (3, "NISN"),
    ]
    assert all("tidak cocok" in reason for _l, _c, reason in imp.issues)
    assert imp.rows_valid == 0
    response = confirm(c, imp)
    assert response.status_code == 302 and not VerificationEntry.objects.exists()

    rows = [
        ["0161234567", with_nisn.nik, f"{month:%Y-%m}", "20", "1"],
        ["0160000002", sibling.nik, f"{month:%Y-%m}", "20", "2"],
    ]
    _r, imp = upload(c, csv_upload(rows, header=HEADER))
    assert (imp.rows_valid, imp.issues) == (2, [])
    confirm(c, imp)
    assert dict(VerificationEntry.objects.values_list("member_id", "days_unexcused")) == {
        with_nisn.pk: 1,
        sibling.pk: 2,
    }


def test_a_malformed_nisn_beside_a_nik_is_a_row_error(client, facilitator, with_nisn, month):
    rows = [["16123456", with_nisn.nik, f"{month:%Y-%m}", "20", "0"]]
    _r, imp = upload(login(client, facilitator), csv_upload(rows, header=HEADER))
    assert imp.issues == [[2, "NISN", "NISN harus tepat 10 angka."]]


def test_a_nisn_of_another_caseload_beside_a_nik_is_checked_only_in_scope(
    client, facilitator, other_team_facilitator, with_nisn, month, school
):
    """Another team's pupil holds the NISN: it is not seen, so it reads like any NISN
    that is not this member's recorded one (a mismatch), with the same words."""
    theirs = household_with_members(facilitator=other_team_facilitator)
    enrol(pupil(theirs), school, by=other_team_facilitator)
    Enrolment.objects.filter(member=pupil(theirs)).update(nisn="0169999999")
    rows = [["0169999999", with_nisn.nik, f"{month:%Y-%m}", "20", "0"]]
    _r, imp = upload(login(client, facilitator), csv_upload(rows, header=HEADER))
    assert [issue[1] for issue in imp.issues] == ["NISN"]
    assert "tidak cocok" in imp.issues[0][2]
