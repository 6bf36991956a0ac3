"""Verification sheet import benchmark (issue #16): a facilitator with a 400-family
caseload uploads a school attendance sheet of 1, 3 and 12 months (400, 1,200 and 4,800
rows, the last near the PKH_COMMITMENT_IMPORT_MAX_ROWS cap of 5,000) and confirms it,
through the real HTTP stack (Django test client, DEBUG off).

    createdb -h 127.0.0.1 -U postgres pkh_sheet_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/pkh_sheet_bench
    .venv/bin/python -m bench.bench_sheet_import                 # 400 families
    .venv/bin/python -m bench.bench_sheet_import --families 100  # a quick run

The database is migrated if needed; everything the run creates (users, families,
schools, imports, entries) is rolled back at the end, and the uploaded files go to a
temporary folder, so the run can be repeated on the same database. Per sheet it prints
the rows, the time and the queries of the upload (read + check + preview stored), of the
preview page, and of the confirm (check again + write), then the entries written. The
queries must not grow with the rows: 12 months cost more only by the per-month reads.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time

from bench.common import setup_django


def _sheet(pupils, months) -> bytes:
    lines = ["NO;NIK SISWA;NAMA SISWA;BULAN;HARI EFEKTIF;S;I;A"]
    n = 0
    for month in months:
        for i, member in enumerate(pupils):
            n += 1
            lines.append(f"{n};{member.nik};{member.name};{month:%m/%Y};20;{i % 2};0;{(i * 7) % 5}")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _timed(fn):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
    return result, elapsed * 1000, len(ctx.captured_queries)


def run(families: int) -> list[dict]:
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import transaction
    from django.urls import reverse
    from django.utils import timezone

    from accounts.tests.factories import FacilitatorFactory, SupervisorFactory
    from bench.common import client_for
    from commitments import rules
    from commitments.models import SheetImport, VerificationEntry
    from commitments.selectors.due import current_month
    from commitments.tests.conftest import enrol_all
    from commitments.tests.factories import FacilityFactory, SchoolFactory
    from households.models import Member
    from households.tests.factories import ensure_components, ensure_regions, households_bulk
    from regions.models import Region

    call_command("migrate", verbosity=0)
    settings.PKH_PRIVATE_MEDIA_ROOT = tempfile.mkdtemp(prefix="pkh-sheet-bench-")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    results = []
    with transaction.atomic():
        ensure_regions()
        ensure_components()
        supervisor = SupervisorFactory(
            username="bench-sheet-spv", areas=[Region.objects.get(code="34.02.09")]
        )
        facilitator = FacilitatorFactory(
            username="bench-sheet-fac",
            supervisor=supervisor,
            areas=[Region.objects.get(code="34.02.09.2001")],
        )
        school = SchoolFactory(name="SD Negeri Bench Patalan", npsn="")
        posyandu = FacilityFactory(name="Posyandu Bench")
        households = households_bulk(families, facilitator=facilitator)
        enrol_all(households, school=school, posyandu=posyandu, by=facilitator)
        pupils = list(
            Member.objects.filter(household__in=households, components__code="SD").order_by("pk")
        )
        client = client_for(facilitator)
        latest = current_month(timezone.localdate())
        for count in (1, 3, 12):
            months = [rules.month_add(latest, -k) for k in range(count)]
            body = _sheet(pupils, months)
            upload = SimpleUploadedFile("absensi.csv", body, "text/csv")
            response, up_ms, up_q = _timed(
                lambda upload=upload: client.post(
                    reverse("commitments:sheet_import_create"), {"file": upload}
                )
            )
            assert response.status_code == 302, response.status_code
            imp = SheetImport.objects.filter(created_by=facilitator).latest("pk")
            assert imp.rows_valid == len(pupils) * count, imp.issues[:3]
            detail = reverse("commitments:sheet_import_detail", args=[imp.pk])
            _page, page_ms, page_q = _timed(lambda detail=detail: client.get(detail))
            confirm = reverse("commitments:sheet_import_confirm", args=[imp.pk])
            before = VerificationEntry.objects.count()
            _c, confirm_ms, confirm_q = _timed(lambda confirm=confirm: client.post(confirm))
            imp.refresh_from_db()
            assert imp.status == "tersimpan", imp.status
            results.append(
                {
                    "months": count,
                    "rows": imp.rows_read,
                    "upload_ms": round(up_ms),
                    "upload_queries": up_q,
                    "preview_ms": round(page_ms),
                    "preview_queries": page_q,
                    "confirm_ms": round(confirm_ms),
                    "confirm_queries": confirm_q,
                    "entries_written": imp.entries_written,
                    "entries_new": VerificationEntry.objects.count() - before,
                }
            )
        transaction.set_rollback(True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=400)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    setup_django()
    results = run(args.families)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    head = f"{'months':>6} {'rows':>6} {'upload ms':>10} {'q':>4} {'preview ms':>11} {'q':>4}"
    print(head + f" {'confirm ms':>11} {'q':>4} {'written':>8}")
    for r in results:
        print(
            f"{r['months']:>6} {r['rows']:>6} {r['upload_ms']:>10} {r['upload_queries']:>4} "
            f"{r['preview_ms']:>11} {r['preview_queries']:>4} {r['confirm_ms']:>11} "
            f"{r['confirm_queries']:>4} {r['entries_written']:>8}"
        )


if __name__ == "__main__":
    main()
