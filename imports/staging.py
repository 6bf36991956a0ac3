"""The streaming pass: file -> normalised rows -> staging table, in batches.

PostgreSQL loads each batch with ``COPY ... FROM STDIN`` (psycopg2 ``copy_expert``),
SQLite with ``executemany``. Memory holds one batch of rows and of issues, whatever
the size of the file.
"""

from __future__ import annotations

import io

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from households.selectors import facilitator_list
from imports.models import (
    ImportIssue,
    IssueKind,
    IssuePhase,
    RosterImport,
    StagingFamily,
    StagingHousehold,
    StagingMember,
    StagingRow,
)
from imports.progress import Progress
from imports.reader import RosterFileError, RosterSource, open_roster
from imports.rows import STAGING_COLUMNS, RowParser
from pkh.scoping import area_q
from regions.models import Region, RegionLevel

BATCH_ROWS = 10_000
ISSUE_BATCH = 5_000
ROW_TABLE = StagingRow._meta.db_table


class StagingWriter:
    def __init__(self, import_id: int, batch_size: int = BATCH_ROWS):
        self.import_id = import_id
        self.batch_size = batch_size
        self.postgres = connection.vendor == "postgresql"
        self.prefix = f"{import_id}\t"
        self.buffer: list = []
        self.count = 0
        columns = ", ".join(("import_id", *STAGING_COLUMNS))
        self.copy_sql = f"COPY {ROW_TABLE} ({columns}) FROM STDIN"
        placeholders = ", ".join(["%s"] * (len(STAGING_COLUMNS) + 1))
        self.insert_sql = f"INSERT INTO {ROW_TABLE} ({columns}) VALUES ({placeholders})"  # noqa: S608

    def add(self, values: tuple) -> None:
        if self.postgres:
            self.buffer.append(
                self.prefix
                + "\t".join(
                    [
                        "\\N" if v is None else (v.replace("\\", "\\\\") if "\\" in v else v)
                        for v in values
                    ]
                )
                + "\n"
            )
        else:
            self.buffer.append((self.import_id, *values))
        if len(self.buffer) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.copy_expert(self.copy_sql, io.StringIO("".join(self.buffer)))
            else:
                cursor.executemany(self.insert_sql, self.buffer)
        self.count += len(self.buffer)
        self.buffer = []


def staging_clear(*, import_id: int) -> None:
    for model in (StagingRow, StagingFamily, StagingHousehold, StagingMember):
        model.objects.filter(import_id=import_id).delete()
    ImportIssue.objects.filter(roster_import_id=import_id).delete()


def _region_lookups(user: User):
    villages = {
        code.replace(".", ""): code
        for code in Region.objects.filter(
            area_q(user.area_codes, village="code"), level=RegionLevel.VILLAGE
        ).values_list("code", flat=True)
    }
    cache: dict[str, bool] = {}

    def village_exists(plain: str) -> bool:
        if plain not in cache:
            dotted = f"{plain[:2]}.{plain[2:4]}.{plain[4:6]}.{plain[6:]}"
            cache[plain] = Region.objects.filter(code=dotted).exists()
        return cache[plain]

    facilitators: dict[str, int] = {}
    for pk, username in facilitator_list(user=user).values_list("pk", "username"):
        facilitators[username] = pk
        facilitators.setdefault(username.lower(), pk)
    return villages, village_exists, facilitators


def open_source(roster_import: RosterImport) -> RosterSource:
    return open_roster(roster_import.file.path, sheet=roster_import.sheet)


def stage_roster(*, roster_import: RosterImport, progress: Progress) -> int:
    """Read the file into the staging table; record per-row issues. Returns the row count.

    Raises ``RosterFileError`` when the file cannot be read as a roster at all.
    """
    import_id = roster_import.pk
    staging_clear(import_id=import_id)
    progress.report(_("Membaca file"), 0, 0)
    source = open_source(roster_import)
    try:
        RosterImport.objects.filter(pk=import_id).update(
            file_format=source.file_format,
            encoding=source.encoding,
            delimiter=source.delimiter,
            header_line=source.header_line,
            headers=source.headers,
            columns=sorted(source.column_index),
        )
        issues: list[ImportIssue] = []

        def issue(kind, line, column, value, reason):
            issues.append(
                ImportIssue(
                    roster_import_id=import_id,
                    kind=kind,
                    phase=IssuePhase.FILE,
                    line=line,
                    column=column,
                    value=(value or "")[:200],
                    reason=reason,
                )
            )

        for name in source.unknown_columns:
            issue(
                IssueKind.WARNING,
                source.header_line,
                name[:40],
                name,
                _("Kolom tidak dikenal; diabaikan."),
            )
        for name in source.duplicate_columns:
            issue(
                IssueKind.WARNING,
                source.header_line,
                name[:40],
                name,
                _("Kolom ganda; hanya kolom pertama yang dibaca."),
            )
        if "PENGURUS" not in source.column_index:
            issue(
                IssueKind.WARNING,
                source.header_line,
                "PENGURUS",
                "",
                _(
                    "Kolom PENGURUS tidak ada: pengurus keluarga baru diambil dari ISTRI "
                    "pertama, atau KEPALA KELUARGA; pengurus keluarga lama tidak diubah."
                ),
            )
        villages, village_exists, facilitators = _region_lookups(roster_import.created_by)
        parser = RowParser(
            column_index=source.column_index,
            villages=villages,
            village_exists=village_exists,
            facilitators=facilitators,
            today=timezone.localdate(),
        )
        writer = StagingWriter(import_id)
        parse = parser.parse
        add = writer.add
        rows = 0
        progress.report(_("Memeriksa baris"), 0, source.size)
        for line, cells in source.rows:
            values, row_issues = parse(line, cells)
            add(values)
            rows += 1
            if row_issues:
                for kind, column, value, reason in row_issues:
                    issue(kind, line, column, value, reason)
                if len(issues) >= ISSUE_BATCH:
                    ImportIssue.objects.bulk_create(issues, batch_size=ISSUE_BATCH)
                    issues = []
            if rows % BATCH_ROWS == 0:
                progress.report(done=source.position())
        writer.flush()
        if rows == 0:
            raise RosterFileError(_("File tidak berisi baris data (hanya judul kolom)."))
        ImportIssue.objects.bulk_create(issues, batch_size=ISSUE_BATCH)
        progress.report(done=source.size)
    finally:
        source.close()
    return rows
