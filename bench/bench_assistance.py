"""Benchmark of complementary aid at national scale: the coverage-gap page and the
coverage figures (per facilitator, per village) with 200,000 families in PostgreSQL.

    createdb -h 127.0.0.1 -U postgres pkh_aid
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/pkh_aid
    .venv/bin/python -m bench.bench_assistance            # seeds if needed, n=200 per page

It reuses ``bench.seed`` (families, members, users), then adds the aid rows the
services would have made, set-based in SQL (idempotent: skipped when the seeded
families already have rows): for every active family a Sembako and a KKS row, for
every active member of an active family a KIS row, for every active member with an
SD/SMP/SMA component aged 6-21 a KIP row (the seeded catalogue's rules), with
statuses spread realistically (receiving ~55-90 %, proposed a few %, the rest
eligible but not receiving). ``aid_eligibility_refresh`` is then run on the big
facilitator's families and must write nothing: the SQL matches the services' rules.

Timed through the whole Django stack (``bench.common.time_view``), 200 requests each,
for a facilitator with 400 families, a supervisor (team of 10) and the admin of the
whole seeded region, with the caseload page of the same facilitator as a baseline.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from bench.common import setup_django


def _aid_rows_present(cursor) -> bool:
    cursor.execute("SELECT EXISTS (SELECT 1 FROM assistance_aidenrolment)")
    return cursor.fetchone()[0]


# Status from a hash of the row's subject: deterministic, same data on every run.
STATUS_SQL = """
    CASE
        WHEN (hashtext({key}::text || '{aid}') & 1023) < {receiving} THEN 'menerima'
        WHEN (hashtext({key}::text || '{aid}') & 1023) < {proposed} THEN 'diusulkan'
        ELSE 'belum_menerima'
    END
"""

# (aid, receiving per 1024, receiving + proposed per 1024)
SHARES = {"KKS": (920, 950), "SEMBAKO": (840, 890), "KIS": (790, 840), "KIP": (560, 680)}


def _status(key: str, aid: str) -> str:
    receiving, proposed = SHARES[aid]
    return STATUS_SQL.format(key=key, aid=aid, receiving=receiving, proposed=proposed)


def seed_aid_rows(say) -> None:
    """Insert the aid rows for every seeded family, set-based (a handful of statements)."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        if _aid_rows_present(cursor):
            say("aid rows already present: nothing to add")
            return
        started = time.monotonic()
        with transaction.atomic():
            for aid in ("SEMBAKO", "KKS"):
                status = _status("h.id", aid)
                cursor.execute(
                    f"""
                    INSERT INTO assistance_aidenrolment
                        (aid_id, household_id, member_id, status, since, card_number, note,
                         source, in_programme, facilitator_id, village_id, updated_at)
                    SELECT '{aid}', h.id, NULL, {status},
                           CASE WHEN {status} = 'belum_menerima' THEN current_date
                                ELSE current_date - (h.id % 1500)::int END,
                           CASE WHEN '{aid}' = 'KKS' AND {status} = 'menerima'
                                THEN lpad((6013010000000000 + h.id)::text, 16, '0') ELSE '' END,
                           '', CASE WHEN {status} = 'belum_menerima' THEN 'aturan' ELSE 'impor' END,
                           TRUE, h.facilitator_id, h.village_id, now()
                    FROM households_household h WHERE h.status = 'active'
                    """
                )
                say(f"{aid}: {cursor.rowcount} family rows")
            status = _status("m.id", "KIS")
            cursor.execute(
                f"""
                INSERT INTO assistance_aidenrolment
                    (aid_id, household_id, member_id, status, since, card_number, note,
                     source, in_programme, facilitator_id, village_id, updated_at)
                SELECT 'KIS', m.household_id, m.id, {status},
                       CASE WHEN {status} = 'belum_menerima' THEN current_date
                            ELSE current_date - (m.id % 1500)::int END,
                       CASE WHEN {status} = 'menerima'
                            THEN lpad((1000000000000 + m.id)::text, 13, '0') ELSE '' END,
                       '', CASE WHEN {status} = 'belum_menerima' THEN 'aturan' ELSE 'impor' END,
                       TRUE, h.facilitator_id, h.village_id, now()
                FROM households_member m
                JOIN households_household h ON h.id = m.household_id
                WHERE h.status = 'active' AND m.left_on IS NULL
                """
            )
            say(f"KIS: {cursor.rowcount} member rows")
            status = _status("m.id", "KIP")
            cursor.execute(
                f"""
                INSERT INTO assistance_aidenrolment
                    (aid_id, household_id, member_id, status, since, card_number, note,
                     source, in_programme, facilitator_id, village_id, updated_at)
                SELECT 'KIP', m.household_id, m.id, {status},
                       CASE WHEN {status} = 'belum_menerima' THEN current_date
                            ELSE current_date - (m.id % 1500)::int END,
                       CASE WHEN {status} = 'menerima'
                            THEN lpad((m.id % 10000000000)::text, 10, '0') ELSE '' END,
                       '', CASE WHEN {status} = 'belum_menerima' THEN 'aturan' ELSE 'impor' END,
                       TRUE, h.facilitator_id, h.village_id, now()
                FROM households_member m
                JOIN households_household h ON h.id = m.household_id
                WHERE h.status = 'active' AND m.left_on IS NULL
                  AND date_part('year', age(current_date, m.birth_date)) BETWEEN 6 AND 21
                  AND EXISTS (
                      SELECT 1 FROM households_member_components mc
                      WHERE mc.member_id = m.id AND mc.component_id IN ('SD', 'SMP', 'SMA'))
                """
            )
            say(f"KIP: {cursor.rowcount} member rows")
    # Steady state as autovacuum leaves it (visibility map set: index-only scans work).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE assistance_aidenrolment")
        cursor.execute("VACUUM ANALYZE households_household")
        say(f"aid rows seeded in {time.monotonic() - started:.0f} s")


def _seeded(families: int) -> dict | None:
    """The stored result of an earlier ``bench.seed`` run with the default parameters.

    ``bench.seed._marker`` gets the jsonb columns back as text from Django's cursor, so
    its own "already seeded" check never matches on a rerun: read the marker here.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_seed')")
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute("SELECT params::text, result::text FROM bench_seed ORDER BY seeded_at DESC")
        row = cursor.fetchone()
    if row is None:
        return None
    params, result = (json.loads(v) for v in row)
    if params.get("families") != families or params.get("facilitators") != 800:
        return None
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=200_000)
    parser.add_argument("-n", type=int, default=200, help="requests per page")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)

    setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from assistance.models import AidEnrolment
    from assistance.selectors import coverage as coverage_selectors
    from assistance.services.eligibility import aid_eligibility_refresh
    from bench.common import client_for, percentile, time_view
    from bench.seed import seed

    def say(message: str) -> None:
        print(message, flush=True)

    if connection.vendor != "postgresql":
        print("bench_assistance needs PostgreSQL (set DATABASE_URL)", file=sys.stderr)
        return 2
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    info = _seeded(args.families) or seed(families=args.families, log=say)
    seed_aid_rows(say)
    from assistance.models import CoverageCount
    from assistance.services.coverage import coverage_counts_rebuild

    if not CoverageCount.objects.exists():
        say(f"coverage rollup: {coverage_counts_rebuild():,} rows")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE assistance_coveragecount")
    facilitator = User.objects.get(pk=info["facilitator"])
    supervisor = User.objects.get(pk=info["supervisor"])
    admin = User.objects.get(pk=info["admin"])
    say(f"aid rows: {AidEnrolment.objects.count():,}")

    # The SQL above must agree with the services' rules: a refresh writes nothing.
    ids = list(facilitator.households.values_list("pk", flat=True))
    written = aid_eligibility_refresh(household_ids=ids)
    say(f"consistency: aid_eligibility_refresh on {len(ids)} families wrote {written} rows")

    results = []
    users = [
        ("facilitator (400 families)", facilitator),
        ("supervisor (team of 10)", supervisor),
        ("admin (whole region)", admin),
    ]
    baseline = time_view(
        client_for(facilitator), "/keluarga/", n=args.n, label="baseline: caseload, facilitator"
    )
    say(baseline.line())
    results.append(baseline)
    for label, user in users:
        client = client_for(user)
        for url, page in (
            ("/bansos/", "gap page"),
            ("/bansos/?bantuan=KIS&page=3", "gap page, KIS, page 3"),
            ("/bansos/cakupan/", "coverage page"),
        ):
            timing = time_view(client, url, n=args.n, label=f"{page}, {label}")
            say(timing.line())
            results.append(timing)

    # The selectors the quarterly reports reuse, without the page around them.
    selector_rows = []
    for label, user in users:
        for name in ("aid_coverage_by_facilitator", "aid_coverage_by_village"):
            fn = getattr(coverage_selectors, name)
            user = User.objects.get(pk=user.pk)  # fresh: area codes are cached per object
            fn(user=user)
            with CaptureQueriesContext(connection) as ctx:
                rows = fn(user=user)
            times = []
            for _ in range(args.n):
                started = time.perf_counter()
                fn(user=user)
                times.append((time.perf_counter() - started) * 1000)
            line = {
                "label": f"{name}, {label}",
                "n": args.n,
                "median_ms": round(sorted(times)[len(times) // 2], 2),
                "p95_ms": round(percentile(times, 95), 2),
                "queries": len(ctx.captured_queries),
                "rows": len(rows),
            }
            say(
                f"{line['label']:<60} median {line['median_ms']:7.1f} ms  "
                f"p95 {line['p95_ms']:7.1f} ms  queries {line['queries']}  rows {line['rows']}"
            )
            selector_rows.append(line)

    if args.json:
        with open(args.json, "w") as handle:
            json.dump(
                {
                    "families": info["families"],
                    "members": info["members"],
                    "aid_rows": AidEnrolment.objects.count(),
                    "pages": [t.as_dict() for t in results],
                    "selectors": selector_rows,
                },
                handle,
                indent=2,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
