"""``import_roster PATH [--dry-run] [--skip-invalid] [--sheet NAME] [--report OUT.csv]
[--by USERNAME] [--json]``: the browser's roster import, from the command line.

Runs the same services synchronously (no worker needed). Exit status: 0 when the
import was committed or a dry run was clean, 1 when rows were rejected (also with
``--skip-invalid``, which still writes the valid families: see ``committed``), 2 when
the file could not be read as a roster at all.
"""

from __future__ import annotations

import json
import os
import sys

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role, User
from imports.issue_report import write_report
from imports.models import ImportMode, ImportStatus
from imports.services import roster_import_create, roster_import_run

JSON_KEYS = (
    "rows",
    "households_created",
    "households_updated",
    "households_unchanged",
    "members_created",
    "members_updated",
    "members_unchanged",
    "rows_rejected",
    "warnings",
    "committed",
)


class Command(BaseCommand):
    help = "Import a household roster (CSV or XLSX) as an admin."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="write the valid families, leave out every family with a rejected row",
        )
        parser.add_argument("--sheet", default="", help="XLSX sheet name (default: the first)")
        parser.add_argument("--report", help="write rejections and warnings to this CSV/XLSX")
        parser.add_argument("--by", help="username of the importing admin")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, **options):
        path = options["path"]
        if not os.path.isfile(path):
            self._fail(options, f"File not found: {path}")
        by = self._admin(options["by"])
        mode = (
            ImportMode.DRY_RUN
            if options["dry_run"]
            else ImportMode.SKIP_INVALID
            if options["skip_invalid"]
            else ImportMode.ALL_OR_NOTHING
        )
        with open(path, "rb") as handle:
            roster_import = roster_import_create(
                by=by,
                file=File(handle, name=os.path.basename(path)),
                file_name=os.path.basename(path),
                mode=mode,
                sheet=options["sheet"],
                enqueue=False,
            )
        roster_import = roster_import_run(roster_import=roster_import)
        unreadable = roster_import.status == ImportStatus.FAILED and not roster_import.validated_at
        if options["report"] and not unreadable:
            write_report(roster_import=roster_import, path=options["report"])
        result = {key: getattr(roster_import, key) for key in JSON_KEYS}
        result.update(
            {
                "import_id": roster_import.pk,
                "status": roster_import.status,
                "households_skipped": roster_import.households_skipped,
                "error": roster_import.error,
                "duration_seconds": round(roster_import.duration.total_seconds(), 3)
                if roster_import.duration
                else None,
            }
        )
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            self._summary(roster_import, result)
        if unreadable:
            if not options["json"]:
                self.stderr.write(roster_import.error)
            sys.exit(2)
        if roster_import.rows_rejected:
            sys.exit(1)
        if not roster_import.committed and mode != ImportMode.DRY_RUN:
            sys.exit(1)

    def _admin(self, username: str | None) -> User:
        admins = User.objects.filter(role=Role.ADMIN, is_active=True)
        if username:
            user = admins.filter(username=username).first()
            if user is None:
                raise CommandError(f"No active admin with username {username!r}.")
            return user
        if admins.count() == 1:
            return admins.get()
        raise CommandError("Several admins exist: say who imports with --by USERNAME.")

    def _fail(self, options, message: str) -> None:
        if options["json"]:
            self.stdout.write(json.dumps({"error": message, "committed": False}))
        else:
            self.stderr.write(message)
        sys.exit(2)

    def _summary(self, roster_import, result) -> None:
        w = self.stdout.write
        w(f"Import #{roster_import.pk} {roster_import.file_name}: {roster_import.status}")
        if roster_import.error:
            w(roster_import.error)
        for key in JSON_KEYS:
            w(f"  {key}: {result[key]}")
