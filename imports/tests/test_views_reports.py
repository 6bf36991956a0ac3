"""The import pages through the real HTTP stack: the rejection and warning reports as CSV and
XLSX, and their file names."""

import csv
import email.message
import io

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.http import content_disposition_header

from imports.models import ImportMode
from imports.services import roster_import_create, roster_import_validate
from imports.tests.helpers import make_import
from imports.tests.roster import csv_bytes

pytestmark = pytest.mark.django_db


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
