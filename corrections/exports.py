"""The approved corrections of a batch as files for the national system (CSV and XLSX),
one line per changed field with its old and new value. Built from rows a selector read:
no query, no request. Every text cell goes through ``pkh.spreadsheet_safety.neutralise``
(a name typed as ``=HYPERLINK(...)`` stays text)."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable
from typing import BinaryIO

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from corrections.models import Correction, CorrectionExport, CorrectionKind
from households.models import Disability, MemberExit, Relationship, SchoolLevel, Sex
from pkh.spreadsheet_safety import neutralise

FIELD_LABELS = {
    "nik": gettext_lazy("NIK"),
    "name": gettext_lazy("Nama"),
    "sex": gettext_lazy("Jenis kelamin"),
    "birth_date": gettext_lazy("Tanggal lahir"),
    "relationship": gettext_lazy("Hubungan dengan kepala keluarga"),
    "is_pengurus": gettext_lazy("Pengurus"),
    "components": gettext_lazy("Komponen PKH"),
    "disability": gettext_lazy("Disabilitas"),
    "school_level": gettext_lazy("Jenjang sekolah"),
    "left_on": gettext_lazy("Tanggal keluar"),
    "left_reason": gettext_lazy("Alasan keluar"),
    "no_kk": gettext_lazy("No. KK"),
    "village": gettext_lazy("Kode desa/kelurahan"),
    "address": gettext_lazy("Alamat"),
    "rt": gettext_lazy("RT"),
    "rw": gettext_lazy("RW"),
}
CHOICES = {
    "sex": Sex,
    "relationship": Relationship,
    "disability": Disability,
    "school_level": SchoolLevel,
    "left_reason": MemberExit,
}


def display(field: str, value) -> str:
    """A stored value as the page and the file show it (choices by label)."""
    if value is None or value == "" or value == []:
        return ""
    if field in CHOICES:
        try:
            return str(CHOICES[field](value).label)
        except ValueError:
            return str(value)
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def field_changes(correction: Correction) -> list[tuple[str, str, str, str]]:
    """``(field, label, old, new)`` for each field the correction changes."""
    old, new = correction.old_values or {}, correction.new_values or {}
    changes = []
    for field, value in new.items():
        before = old.get(field)
        if correction.kind != CorrectionKind.MEMBER_ADD and before == value:
            continue
        if correction.kind == CorrectionKind.MEMBER_ADD and value in (None, "", [], False):
            continue
        label = str(FIELD_LABELS.get(field, field))
        changes.append((field, label, display(field, before), display(field, value)))
    return changes


def _header() -> list[str]:
    return [
        _("No. ekspor"),
        _("No. koreksi"),
        _("Disetujui"),
        _("Jenis"),
        _("Peristiwa"),
        _("Kode desa"),
        _("ID keluarga"),
        _("No. KK"),
        _("NIK anggota"),
        _("Nama anggota"),
        _("Data"),
        _("Lama"),
        _("Baru"),
        _("Dokumen"),
        _("Diajukan oleh"),
        _("Disetujui oleh"),
    ]


def export_rows(batch: CorrectionExport, corrections: Iterable[Correction]) -> Iterable[list]:
    """One list per changed field, neutralised. The member and the family are named as
    the national system knows them: by the values before the correction."""
    for c in corrections:
        old, new = c.old_values or {}, c.new_values or {}
        member = c.member
        nik = old.get("nik") or (member.nik if member else new.get("nik", ""))
        name = old.get("name") or (member.name if member else new.get("name", ""))
        no_kk = old.get("no_kk") or c.household.no_kk
        village = old.get("village") or c.household.village_id
        decided = formats.date_format(c.decided_at, "Y-m-d") if c.decided_at else ""
        for _field, label, before, after in field_changes(c):
            yield [
                neutralise(value)
                for value in (
                    batch.pk,
                    c.pk,
                    decided,
                    str(c.get_kind_display()),
                    str(c.get_event_display()) if c.event else "",
                    village,
                    c.household.id_keluarga,
                    no_kk,
                    nik,
                    name,
                    label,
                    before,
                    after,
                    str(c.get_document_display()),
                    str(c.proposed_by),
                    str(c.decided_by or ""),
                )
            ]


def export_csv(batch: CorrectionExport, corrections: Iterable[Correction]) -> bytes:
    """UTF-8 with a byte-order mark (Excel then reads the names right), comma-separated."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_header())
    writer.writerows(export_rows(batch, corrections))
    return ("\ufeff" + out.getvalue()).encode()


def export_xlsx(batch: CorrectionExport, corrections: Iterable[Correction]) -> BinaryIO:
    """The same lines as an XLSX workbook, every cell text (NIKs and No. KKs keep their
    leading zeros and all 16 digits). Returned open at its start, for ``FileResponse``."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Koreksi data"))
    sheet.append(_header())
    for row in export_rows(batch, corrections):
        sheet.append([str(value) for value in row])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (the caller's FileResponse closes it)
    workbook.save(handle)
    handle.seek(0)
    return handle
