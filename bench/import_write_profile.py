"""One import of a roster (validate + write, no follow-up stage) into DATABASE_URL, with
auto_explain plans of statements over MS milliseconds sent to stdout; used by
``bench/import_ab.sh``. Run from the checkout whose code is measured:

    python PATH/bench/import_write_profile.py ROSTER.csv [MS]
"""

import os
import sys
import time

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pkh.settings.base")


class Sink(list):
    """psycopg2's notices list, printed as they come (auto_explain at NOTICE level)."""

    def append(self, item):
        sys.stdout.write(item)
        sys.stdout.flush()


def main() -> None:
    import django

    django.setup()
    from django.core.files import File
    from django.db import connection

    from accounts.models import User
    from imports.models import ImportStatus, RosterImport
    from imports.services import (
        roster_import_create,
        roster_import_validate,
        roster_import_write,
    )

    path = sys.argv[1]
    ms = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    by = User.objects.get(username="bench_admin")
    with open(path, "rb") as f:
        ri = roster_import_create(
            by=by, file=File(f), file_name="x.csv", mode="skip_invalid", enqueue=False
        )
    connection.ensure_connection()
    connection.connection.notices = Sink()
    with connection.cursor() as c:
        c.execute("LOAD 'auto_explain'")
        c.execute(f"SET auto_explain.log_min_duration = {ms}")
        for setting in ("log_analyze", "log_buffers", "log_nested_statements"):
            c.execute(f"SET auto_explain.{setting} = on")
        c.execute("SET auto_explain.log_level = notice")
    started = time.perf_counter()
    ri = roster_import_validate(roster_import_id=ri.pk)
    print("validate", time.perf_counter() - started, ri.status)
    RosterImport.objects.filter(pk=ri.pk).update(status=ImportStatus.IMPORTING)
    started = time.perf_counter()
    ri = roster_import_write(roster_import_id=ri.pk, enqueue_derived=False)
    print("write", time.perf_counter() - started, ri.status, ri.error)


if __name__ == "__main__":
    main()
