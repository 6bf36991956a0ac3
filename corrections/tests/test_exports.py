"""The admin's export for the national system: one line per changed field, CSV and
XLSX, formula injection neutralised, and a correction never exported twice."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from corrections import services
from corrections.models import Correction, CorrectionExport
from corrections.tests.factories import child_of, family

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def approved_corrections(facilitator, supervisor, admin_user):
    household, _ = family(facilitator)
    child = child_of(household)
    rename, _ = services.correction_propose_identity(
        household=household,
        by=facilitator,
        member=child,
        document="ktp",
        name='=HYPERLINK("http://x")',
        birth_date=datetime.date(2016, 7, 19),
    )
    services.correction_approve(correction=rename, by=admin_user)
    leave, _ = services.correction_propose_member_leave(
        household=household,
        by=facilitator,
        member=household.members.filter(relationship="ANAK").order_by("-birth_date").first(),
        event="kematian",
        left_on=TODAY(),
        document="akta_kematian",
    )
    services.correction_approve(correction=leave, by=supervisor)
    pending, _ = services.correction_propose_identity(
        household=household, by=facilitator, document="kk", no_kk="3402091203150007"
    )
    return household, child, rename, leave, pending


def period():
    return {"period_start": TODAY().replace(day=1).isoformat(), "period_end": TODAY().isoformat()}


def test_export_lines_and_not_sent_twice(client, facilitator, supervisor, admin_user):
    household, child, rename, leave, pending = approved_corrections(
        facilitator, supervisor, admin_user
    )
    client.force_login(admin_user)
    assert client.get(reverse("corrections:export")).status_code == 200
    response = client.post(reverse("corrections:export"), period(), follow=True)
    assert "Ekspor #" in response.content.decode()
    batch = CorrectionExport.objects.get()
    assert (batch.correction_count, batch.row_count) == (2, 4)
    assert set(batch.corrections.all()) == {rename, leave}  # not the pending one

    response = client.get(reverse("corrections:export_download", args=[batch.pk, "csv"]))
    assert response["Content-Disposition"].startswith("attachment;")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, lines = rows[0], rows[1:]
    assert header[10:13] == ["Data", "Lama", "Baru"]
    assert len(lines) == 4
    by_field = {(int(r[1]), r[10]): r for r in lines}
    name_row = by_field[(rename.pk, "Nama")]
    assert name_row[11] == rename.old_values["name"]
    assert name_row[12] == '\'=HYPERLINK("http://x")'  # neutralised, stays text
    assert name_row[8] == child.nik and name_row[7] == household.no_kk
    assert by_field[(rename.pk, "Tanggal lahir")][11:13] == ["2016-07-09", "2016-07-19"]
    assert by_field[(leave.pk, "Alasan keluar")][12] == "Meninggal dunia"
    assert by_field[(leave.pk, "Tanggal keluar")][12] == TODAY().isoformat()

    response = client.get(reverse("corrections:export_download", args=[batch.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    xrows = list(sheet.iter_rows(values_only=True))
    assert len(xrows) == 5
    # The same lines, every cell text (an empty cell reads back as None).
    assert [[v or "" for v in r] for r in xrows[1:]] == lines
    assert all(isinstance(v, str) for r in xrows[1:] for v in r if v is not None)

    # A second export of the same period finds nothing new: nothing is sent twice.
    response = client.post(reverse("corrections:export"), period())
    assert "Tidak ada koreksi disetujui yang belum diekspor" in response.content.decode()
    assert CorrectionExport.objects.count() == 1

    # A correction approved later goes into the next batch, alone.
    client.force_login(admin_user)
    services.correction_approve(correction=pending, by=admin_user)
    client.post(reverse("corrections:export"), period())
    second = CorrectionExport.objects.latest("pk")
    assert list(second.corrections.all()) == [pending] and second.row_count == 1
    # The first batch can still be downloaded, unchanged.
    response = client.get(reverse("corrections:export_download", args=[batch.pk, "csv"]))
    assert len(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))) == 5
    page = client.get(reverse("corrections:export")).content.decode()
    assert f"#{batch.pk}" in page and f"#{second.pk}" in page


def test_export_is_for_admins_of_the_region(
    client, facilitator, supervisor, admin_user, other_region_admin
):
    approved_corrections(facilitator, supervisor, admin_user)
    client.force_login(supervisor)
    assert client.post(reverse("corrections:export"), period()).status_code == 403
    client.force_login(other_region_admin)
    response = client.post(reverse("corrections:export"), period())
    assert "Tidak ada koreksi" in response.content.decode()
    client.force_login(admin_user)
    client.post(reverse("corrections:export"), period())
    batch = CorrectionExport.objects.get()
    client.force_login(other_region_admin)
    url = reverse("corrections:export_download", args=[batch.pk, "csv"])
    assert client.get(url).status_code == 404
    client.force_login(supervisor)
    assert client.get(url).status_code == 403


def test_bad_period_is_a_field_error(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("corrections:export"),
        {"period_start": TODAY().isoformat(), "period_end": "2020-01-01"},
    )
    assert response.context["form"].errors["period_end"]
    future = (TODAY() + datetime.timedelta(days=2)).isoformat()
    response = client.post(
        reverse("corrections:export"), {"period_start": "2026-01-01", "period_end": future}
    )
    assert response.context["form"].errors["period_end"]
    assert not CorrectionExport.objects.exists()
    assert not Correction.objects.filter(export__isnull=False).exists()


def test_export_page_keeps_its_query_count_with_more_past_batches(
    client, facilitator, admin_user, django_assert_max_num_queries
):
    household, _ = family(facilitator)
    child = child_of(household)

    def export_one(name: str) -> None:
        correction, _ = services.correction_propose_identity(
            household=household, by=facilitator, member=child, document="ktp", name=name
        )
        services.correction_approve(correction=correction, by=admin_user)
        services.correction_export_create(
            by=admin_user, period_start=TODAY().replace(day=1), period_end=TODAY()
        )

    export_one("Bagus Saputra")
    client.force_login(admin_user)
    url = reverse("corrections:export")
    with django_assert_max_num_queries(15) as few:
        client.get(url)
    for name in ("Bagus Saputro", "Bagas Saputra", "Bagas Saputro"):
        export_one(name)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert CorrectionExport.objects.count() == 4
    assert all(f"#{b.pk}" in page for b in CorrectionExport.objects.all())
