"""Importing a school's or the national system's verification sheet: upload (read and
checked into a preview), confirm (checked again, then written), cancel.

The file is read by the roster import's reader with this sheet's columns
(``commitments.sheet_format``); each row is matched against what the month asks of the
uploader's caseload (``commitments.selectors.due.month_due``, scoped), and the confirm
writes through ``month_sheet_save``, one list per month and school, all inside one
transaction. The number of queries depends on the months and schools in the file, never
on its rows.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from commitments.models import (
    Enrolment,
    School,
    Sector,
    SheetImport,
    SheetImportMode,
    SheetImportStatus,
)
from commitments.selectors.due import NOT_ENROLLED, SCHOOL, UNKNOWN, DueItem, month_due
from commitments.services.verification import Finding, month_sheet_save
from commitments.sheet_format import SHEET_COLUMNS, SheetRow, SheetRowParser
from households.models import Member
from households.selectors import household_scope
from imports.reader import RosterFileError, open_roster
from pkh.permissions import is_facilitator

# The namespace of the client tokens of the lists an import saves (one per month and
# school): a confirm that ran twice would save each list once.
_TOKEN_NAMESPACE = uuid.UUID("6f1c1c59-5f0e-4d8e-9a55-0c1f3b1a7e21")


def max_rows() -> int:
    return settings.PKH_COMMITMENT_IMPORT_MAX_ROWS


@dataclass
class Plan:
    """What a sheet would write, as checked now."""

    file_format: str = ""
    headers: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    rows_read: int = 0
    issues: list[list] = field(default_factory=list)  # [line, column, reason]
    # (month, school id) -> [(row, the member's education items that month)]
    groups: dict[tuple[datetime.date, int], list[tuple[SheetRow, list[DueItem]]]] = field(
        default_factory=dict
    )
    schools: dict[int, School] = field(default_factory=dict)

    @property
    def rows_invalid(self) -> int:
        return len({line for line, _column, _reason in self.issues})

    @property
    def rows_valid(self) -> int:
        return sum(len(rows) for rows in self.groups.values())

    def group_summary(self) -> list[dict]:
        """Per month and school: rows, entries to create and to replace (for the page)."""
        summary = []
        for (month, school_id), rows in sorted(
            self.groups.items(), key=lambda kv: (kv[0][0], self.schools[kv[0][1]].name)
        ):
            items = [i for _row, its in rows for i in its]
            school = self.schools[school_id]
            summary.append(
                {
                    "month": month.isoformat(),
                    "school_id": school_id,
                    "school": school.name,
                    "npsn": school.npsn,
                    "rows": len(rows),
                    "create": sum(1 for i in items if i.entry is None),
                    "replace": sum(1 for i in items if i.entry is not None),
                }
            )
        return summary


def _read(path: str, *, today: datetime.date) -> tuple[Plan, list[SheetRow], list[list]]:
    """The file's rows that read, and the issues of those that do not."""
    try:
        source = open_roster(path, columns=SHEET_COLUMNS)
    except RosterFileError as exc:
        raise ValidationError(str(exc)) from None
    except OSError:
        raise ValidationError(_("File impor ini tidak ada lagi. Unggah ulang.")) from None
    try:
        if "NIK" not in source.column_index and "NISN" not in source.column_index:
            raise ValidationError(_("Kolom wajib tidak ada: NIK (atau NISN)."))
        plan = Plan(
            file_format=source.file_format,
            headers=source.headers,
            unknown_columns=[*source.unknown_columns, *source.duplicate_columns],
        )
        parser = SheetRowParser(column_index=source.column_index, today=today)
        rows, issues, limit = [], [], max_rows()
        try:
            for line, cells in source.rows:
                plan.rows_read += 1
                if plan.rows_read > limit:
                    raise ValidationError(
                        _(
                            "File ini berisi lebih dari %(n)s baris data, batas satu impor. "
                            "Tidak ada yang disimpan. Bagi menjadi beberapa file (misalnya "
                            "per sekolah atau per bulan)."
                        )
                        % {"n": number_format(limit, force_grouping=True)}
                    )
                row, row_issues = parser.parse(line, cells)
                if row is None:
                    issues += [[line, column, reason] for column, reason in row_issues]
                else:
                    rows.append(row)
        except RosterFileError as exc:
            raise ValidationError(str(exc)) from None
    finally:
        source.close()
    if plan.rows_read == 0:
        raise ValidationError(_("File tidak berisi baris data."))
    return plan, rows, issues


def _nisn_to_nik(*, by, rows: list[SheetRow], issues: list[list]):
    """Match the rows' NISNs against the NISNs recorded on education enrolments among
    ``by``'s families (one query). A row with a NISN alone gets the NIK of the member
    whose enrolment holds it; an unknown NISN and another caseload's read the same. A
    row with both is an error when they disagree: the NISN is recorded for another
    member, or this member has a NISN recorded and it is another one."""
    wanted = {row.nisn for row in rows if row.nisn}
    if not wanted:
        return rows, issues
    niks_given = {row.nik for row in rows if row.nisn and row.nik}
    owner: dict[str, str] = {}  # NISN -> NIK of the member whose enrolment holds it
    recorded: set[str] = set()  # NIKs (of niks_given) with some NISN recorded
    for nisn, nik in (
        Enrolment.objects.filter(
            Q(nisn__in=wanted) | Q(member__nik__in=niks_given),
            sector=Sector.EDUCATION,
            member__household__in=household_scope(user=by),
        )
        .exclude(nisn="")
        .values_list("nisn", "member__nik")
    ):
        owner[nisn] = nik
        recorded.add(nik)
    found = []
    for row in rows:
        if not row.nisn:
            found.append(row)
        elif not row.nik:
            if row.nisn in owner:
                found.append(dataclasses.replace(row, nik=owner[row.nisn]))
            else:
                issues.append([row.line, "NISN", _("NISN tidak ditemukan di dampingan Anda.")])
        elif owner.get(row.nisn, row.nik) != row.nik or (
            row.nisn not in owner and row.nik in recorded
        ):
            issues.append(
                [
                    row.line,
                    "NISN",
                    _(
                        "NISN dan NIK pada baris ini tidak cocok: NISN itu tidak tercatat "
                        "untuk anggota dengan NIK ini. Periksa kedua nomor (NISN anggota "
                        "dicatat di Ubah pendaftaran)."
                    ),
                ]
            )
        else:
            found.append(row)
    return found, issues


def sheet_plan(*, by, path: str, today: datetime.date | None = None) -> Plan:
    """Read and check the sheet at ``path`` for ``by``: every row error with its line,
    and what the valid rows would write. Raises ValidationError when the file as a
    whole cannot be read."""
    today = today or timezone.localdate()
    plan, rows, issues = _read(path, today=today)
    rows, issues = _nisn_to_nik(by=by, rows=rows, issues=issues)

    lines_of: dict[tuple[str, datetime.date], list[int]] = {}
    for row in rows:
        lines_of.setdefault((row.nik, row.month), []).append(row.line)
    in_scope = set(
        Member.objects.filter(
            household__in=household_scope(user=by), nik__in={row.nik for row in rows}
        ).values_list("nik", flat=True)
    )
    education: dict[datetime.date, dict[str, list[DueItem]]] = {}
    for month in sorted({row.month for row in rows if row.nik in in_scope}):
        by_nik: dict[str, list[DueItem]] = {}
        for item in month_due(user=by, month=month):
            if item.sector == Sector.EDUCATION:
                by_nik.setdefault(item.member.nik, []).append(item)
        education[month] = by_nik

    school_ids = set()
    for row in rows:
        lines = lines_of[(row.nik, row.month)]
        if len(lines) > 1:
            issues.append(
                [
                    row.line,
                    "NIK",
                    _(
                        "Anggota dan bulan yang sama tercatat lebih dari sekali (baris "
                        "%(lines)s): file tidak menunjukkan mana yang benar."
                    )
                    % {"lines": ", ".join(str(n) for n in lines)},
                ]
            )
            continue
        if row.nik not in in_scope:
            # Unknown and another facilitator's member read the same: nothing leaks.
            issues.append([row.line, "NIK", _("NIK tidak ditemukan di dampingan Anda.")])
            continue
        items = education[row.month].get(row.nik, [])
        if not items:
            issues.append(
                [
                    row.line,
                    "NIK",
                    _("Anggota ini tidak punya komitmen pendidikan (SD, SMP, SMA) pada bulan itu."),
                ]
            )
            continue
        kind, school_id = items[0].key
        if kind == UNKNOWN:
            issues.append(
                [
                    row.line,
                    "NIK",
                    _(
                        "Sekolah anggota ini belum dicatat. Catat sekolahnya dulu (Ubah "
                        "pendaftaran, dari halaman Komitmen), lalu unggah lagi."
                    ),
                ]
            )
            continue
        if kind == NOT_ENROLLED:
            issues.append(
                [
                    row.line,
                    "NIK",
                    _(
                        "Anggota ini tercatat tidak terdaftar di sekolah pada bulan itu. "
                        "Ubah pendaftarannya dulu bila ia bersekolah."
                    ),
                ]
            )
            continue
        assert kind == SCHOOL
        for item in items:
            if item.enrolment is not None and item.enrolment.school is not None:
                plan.schools[school_id] = item.enrolment.school
        school_ids.add(school_id)
        plan.groups.setdefault((row.month, school_id), []).append((row, items))
    missing = school_ids - plan.schools.keys()
    if missing:
        plan.schools.update(School.objects.in_bulk(missing))
    plan.issues = sorted(issues, key=lambda issue: issue[0])
    return plan


def _store(sheet_import: SheetImport, plan: Plan) -> None:
    groups = plan.group_summary()
    sheet_import.file_format = plan.file_format
    sheet_import.headers = plan.headers
    sheet_import.unknown_columns = plan.unknown_columns
    sheet_import.rows_read = plan.rows_read
    sheet_import.rows_valid = plan.rows_valid
    sheet_import.rows_invalid = plan.rows_invalid
    sheet_import.entries_create = sum(g["create"] for g in groups)
    sheet_import.entries_replace = sum(g["replace"] for g in groups)
    sheet_import.groups = groups
    sheet_import.issues = plan.issues
    sheet_import.validated_at = timezone.now()


PLAN_FIELDS = [
    "file_format",
    "headers",
    "unknown_columns",
    "rows_read",
    "rows_valid",
    "rows_invalid",
    "entries_create",
    "entries_replace",
    "groups",
    "issues",
    "validated_at",
]


def _refuse_unless_facilitator(by) -> None:
    if not is_facilitator(by):
        raise ValidationError(_("Hanya pendamping yang dapat mengimpor lembar verifikasi."))


@transaction.atomic
def sheet_import_create(*, by, file, file_name: str) -> SheetImport:
    """Store the upload privately and check it into a preview (nothing else written).
    A file that cannot be read as a sheet raises ValidationError and is not kept."""
    _refuse_unless_facilitator(by)
    extension = os.path.splitext(file_name)[1].lower()
    extension = extension if extension in (".csv", ".xlsx") else ""
    sheet_import = SheetImport(
        created_by=by, file_name=os.path.basename(file_name)[:255], file_size=file.size
    )
    # A name of our own: the upload's may carry a school's or a child's name.
    sheet_import.file.save(f"{uuid.uuid4().hex}{extension}", file, save=False)
    try:
        plan = sheet_plan(by=by, path=sheet_import.file.path)
    except BaseException:
        sheet_import.file.delete(save=False)
        raise
    _store(sheet_import, plan)
    sheet_import.save()
    return sheet_import


def sheet_import_confirm(*, sheet_import: SheetImport, by, skip_invalid: bool) -> SheetImport:
    """Check the file again (the caseload may have changed since the preview) and write
    every valid row, one list per month and school through ``month_sheet_save``, in one
    transaction. All or nothing refuses while any row has an error, unless
    ``skip_invalid``; the refreshed preview is kept either way. A second confirm of a
    saved import changes nothing and returns it."""
    _refuse_unless_facilitator(by)
    refusal = None
    with transaction.atomic():
        locked = SheetImport.objects.select_for_update().get(pk=sheet_import.pk)
        if locked.status == SheetImportStatus.COMMITTED:
            return locked
        if locked.status != SheetImportStatus.PREVIEW:
            raise ValidationError(_("Impor ini sudah dibatalkan."))
        if locked.created_by_id != by.pk:
            raise ValidationError(_("Hanya pengunggah yang dapat menyimpan impor ini."))
        plan = sheet_plan(by=by, path=locked.file.path)
        _store(locked, plan)
        if plan.issues and not skip_invalid:
            refusal = _(
                "Ada %(n)s baris yang salah, jadi tidak ada yang disimpan. Perbaiki file "
                "lalu unggah lagi, atau centang “Lewati baris yang salah”."
            ) % {"n": number_format(plan.rows_invalid, force_grouping=True)}
        elif not plan.groups:
            refusal = _("Tidak ada baris yang dapat disimpan.")
        if refusal:
            locked.save(update_fields=PLAN_FIELDS)
        else:
            written = 0
            for (month, school_id), rows in sorted(plan.groups.items()):
                findings = [
                    Finding(
                        item=item,
                        school_days=row.school_days,
                        days_sick=row.days_sick,
                        days_excused=row.days_excused,
                        days_unexcused=row.days_unexcused,
                    )
                    for row, items in rows
                    for item in items
                ]
                token = uuid.uuid5(_TOKEN_NAMESPACE, f"{locked.pk}:{month:%Y-%m}:{school_id}")
                month_sheet_save(
                    by=by,
                    month=month,
                    sector=Sector.EDUCATION,
                    place=plan.schools[school_id],
                    findings=findings,
                    client_token=token,
                )
                written += len(findings)
            locked.status = SheetImportStatus.COMMITTED
            locked.mode = (
                SheetImportMode.SKIP_INVALID if skip_invalid else SheetImportMode.ALL_OR_NOTHING
            )
            locked.entries_written = written
            locked.committed_at = timezone.now()
            locked.save(
                update_fields=[*PLAN_FIELDS, "status", "mode", "entries_written", "committed_at"]
            )
    if refusal:
        raise ValidationError(refusal)
    return locked


@transaction.atomic
def sheet_import_cancel(*, sheet_import: SheetImport, by) -> SheetImport:
    """Drop a preview: nothing was written; the stored file is deleted."""
    locked = SheetImport.objects.select_for_update().get(pk=sheet_import.pk)
    if locked.created_by_id != by.pk:
        raise ValidationError(_("Hanya pengunggah yang dapat membatalkan impor ini."))
    if locked.status == SheetImportStatus.CANCELLED:
        return locked
    if locked.status != SheetImportStatus.PREVIEW:
        raise ValidationError(_("Impor yang sudah disimpan tidak dapat dibatalkan."))
    locked.status = SheetImportStatus.CANCELLED
    locked.save(update_fields=["status"])
    name = locked.file.name
    transaction.on_commit(lambda: locked.file.storage.delete(name))
    return locked
