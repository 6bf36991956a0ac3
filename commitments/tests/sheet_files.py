"""Verification sheets as schools and the national system export them, for the import
tests: CSV (comma or semicolon, Indonesian headers) and XLSX."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commitments.forms import month_key
from commitments.models import SheetImport

HEADER = ["NO", "NIK SISWA", "NAMA SISWA", "BULAN", "HARI EFEKTIF", "S", "I", "A"]


def pupil(household):
    return household.members.get(components__code="SD")


def row(member, month, days=20, sick=0, excused=0, unexcused=0, *, number=1, month_text=None):
    return [
        str(number),
        member.nik,
        member.name,
        month_text if month_text is not None else month_key(month),
        str(days),
        str(sick),
        str(excused),
        str(unexcused),
    ]


def csv_upload(rows, *, header=HEADER, delimiter=",", name="absensi.csv") -> SimpleUploadedFile:
    lines = [delimiter.join(header)] + [delimiter.join(r) for r in rows]
    return SimpleUploadedFile(name, ("\r\n".join(lines) + "\r\n").encode("utf-8"), "text/csv")


def xlsx_upload(rows, *, header=HEADER, name="absensi.xlsx") -> SimpleUploadedFile:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile(
        name,
        buffer.getvalue(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def upload(client, file) -> tuple[object, SheetImport | None]:
    """POST the file to the upload page; the response and the import it made, if any."""
    before = set(SheetImport.objects.values_list("pk", flat=True))
    response = client.post(reverse("commitments:sheet_import_create"), {"file": file})
    made = SheetImport.objects.exclude(pk__in=before).first()
    return response, made


def confirm(client, sheet_import, *, skip_invalid=False):
    data = {"skip_invalid": "on"} if skip_invalid else {}
    return client.post(reverse("commitments:sheet_import_confirm", args=[sheet_import.pk]), data)


def detail_url(sheet_import) -> str:
    return reverse("commitments:sheet_import_detail", args=[sheet_import.pk])
