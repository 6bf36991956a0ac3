"""Benchmark: one quarter's progress reports for 800 facilitators over 200,000 families.

    createdb -h 127.0.0.1 -U postgres pkh_reports_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/pkh_reports_bench
    export CELERY_BROKER_URL=redis://127.0.0.1:6379/7
    .venv/bin/python manage.py migrate
    .venv/bin/python -m bench.seed --families 200000 --visits-months 12   # optional: step 1
    .venv/bin/python -m bench.bench_reports --workers 1 2   # seeds what is missing, measures
    uptime                                                  # the load it ran under

Never point it at a shared database (it writes: seeding, dating history back).

What it does:

1. ``bench.seed.seed(families=200_000, facilitators=800, visits_months=12)`` (idempotent):
   families, members, a year of visits and one "created" history row each.
2. A year of FDS/P2K2: ``bench.bench_fds.seed_fds(months=12)`` (groups' memberships, one
   held session a month per group, attendance of every member family: ~87 % present).
3. Complementary aid: ``bench.bench_assistance.seed_aid_rows`` (Sembako and KKS per active
   family, KIS per member, KIP per school-age member), then their audit trail, which the
   report reads "as it was": a "created" record (eligible, not receiving) when the family
   was recorded, and a change to the row's status at its ``since`` date (so coverage moves
   inside the quarter), plus advocacy cases opened and closed across both quarters.
4. Its own preparation, once (marker table ``bench_reports_prep``): the seeded rows are
   dated back (created over the two years before the last quarter, 3 % of them during
   the previous two quarters), the members' components are written into the component
   history (the seeder skips it), and inside the reported quarter 3 % of the families
   exit and 1 % move to a colleague (history rows and ``HouseholdTransfer`` rows),
   so "as it was" has real work to do. The graduations are written as an admin typing the
   exit on the family page (a status change in the history, no ``Graduation`` row), which
   the report counts as exits.
5. Queries and time per report, in-process, for the 400-family facilitator, the
   10-family one and a typical one (the query count must be the same for all three).
6. A baseline: 40 reports computed one after another in this process.
7. The real thing: a Celery worker (``--concurrency`` 1, then 2) on Redis produces the
   whole quarter's run (one task per active facilitator); wall time from the request to
   the run's status "done", as the status page would show it.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time

from bench.common import ROOT, setup_django

PREP_TABLE = "bench_reports_prep"


def _prepare(quarter, say) -> None:
    from django.db import connection, transaction

    from households.models import Household

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {PREP_TABLE} (quarter text PRIMARY KEY)")
        cursor.execute(f"SELECT quarter FROM {PREP_TABLE}")
        done = [row[0] for row in cursor.fetchall()]
    if done:
        if done != [str(quarter)]:
            say(f"prepared for {done}, not {quarter}: reseed with bench.seed --reset")
        return
    prev = quarter.previous
    t0 = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        # 1. Date the registry back: 97 % created in the two years before the previous
        #    quarter, 3 % during the previous quarter and this one.
        cursor.execute(
            """
            UPDATE households_household SET created_at = CASE
                WHEN id %% 100 < 3 THEN %s + (random() * (%s - %s))
                ELSE %s - interval '730 days' + random() * interval '720 days' END
            """,
            [prev.start, quarter.end, prev.start, prev.start],
        )
        cursor.execute(
            "UPDATE households_member m SET created_at = h.created_at "
            "FROM households_household h WHERE m.household_id = h.id"
        )
        for table, key in [
            ("households_historicalhousehold", "id"),
            ("households_historicalmember", "household_id"),
        ]:
            cursor.execute(
                f"UPDATE {table} t SET history_date = h.created_at, created_at = h.created_at "
                f"FROM households_household h WHERE t.{key} = h.id "
                "AND t.history_change_reason = 'bench seed'"
            )
        # 2. Components as they were: one history row per member component.
        cursor.execute(
            "INSERT INTO households_historicalmember_components "
            "(id, member_id, component_id, history_id) "
            "SELECT mc.id, mc.member_id, mc.component_id, hm.history_id "
            "FROM households_member_components mc JOIN households_historicalmember hm "
            "ON hm.id = mc.member_id AND hm.history_type = '+'"
        )
        # 3. Inside the quarter: 1 % of the families exit as an admin types it on the
        #    family page (status change in the history, no Graduation row: self-graduation),
        #    1 % graduate naturally through the graduation app (a Graduation row too), and
        #    1 % move to the next facilitator.
        columns = [
            f.column
            for f in Household.history.model._meta.concrete_fields
            if not f.column.startswith("history_")
        ]
        cols = ", ".join(columns)
        mid = quarter.start + (quarter.end - quarter.start) / 2
        admin_id = "(SELECT id FROM accounts_user WHERE role = 'admin' ORDER BY id LIMIT 1)"
        for remainder, exit_type, reason in ((50, "mandiri", "admin"), (52, "alamiah", "app")):
            cursor.execute(
                "UPDATE households_household SET status = 'graduated', exit_type = %s, "
                "status_date = %s, status_reason = 'bench' "
                "WHERE id %% 100 = %s AND created_at < %s",
                [exit_type, mid.date(), remainder, quarter.start],
            )
            cursor.execute(
                f"INSERT INTO households_historicalhousehold ({cols}, "
                "history_date, history_type, history_change_reason, history_user_id) "
                f"SELECT {cols}, %s, '~', %s, {admin_id} "
                "FROM households_household WHERE id %% 100 = %s AND created_at < %s",
                [mid, f"bench graduation ({reason})", remainder, quarter.start],
            )
            if reason == "app":
                cursor.execute(
                    "INSERT INTO graduation_graduation (exit_type, date, reason, source, "
                    "created_at, facilitator_id, household_id, recorded_by_id) "
                    f"SELECT exit_type, status_date, 'bench', 'natural', %s, facilitator_id, id, "
                    f"{admin_id} FROM households_household "
                    "WHERE id %% 100 = %s AND created_at < %s",
                    [mid, remainder, quarter.start],
                )
        columns = [c for c in columns if c != "facilitator_id"]
        cols = ", ".join(columns)
        cursor.execute(
            "CREATE TEMP TABLE bench_moves ON COMMIT DROP AS "
            "SELECT h.id, h.facilitator_id AS old, nxt.id AS new FROM households_household h "
            "JOIN accounts_user f ON f.id = h.facilitator_id "
            "JOIN accounts_user nxt ON nxt.id = h.facilitator_id + 1 AND nxt.role = 'facilitator' "
            "AND nxt.supervisor_id = f.supervisor_id "
            "WHERE h.id %% 100 = 51 AND h.created_at < %s",
            [quarter.start],
        )
        moved_at = quarter.start + (quarter.end - quarter.start) / 3
        cursor.execute(
            "INSERT INTO households_householdtransfer "
            "(household_id, from_facilitator_id, to_facilitator_id, moved_by_id, moved_at, batch, reason) "
            "SELECT m.id, m.old, m.new, (SELECT id FROM accounts_user WHERE role = 'admin' LIMIT 1), "
            "%s, md5(m.old::text)::uuid, 'bench' FROM bench_moves m",
            [moved_at],
        )
        cursor.execute(
            f"INSERT INTO households_historicalhousehold ({cols}, facilitator_id, "
            "history_date, history_type, history_change_reason) "
            f"SELECT {', '.join('h.' + c for c in columns)}, m.new, %s, '~', 'transfer' "
            "FROM households_household h JOIN bench_moves m ON m.id = h.id",
            [moved_at],
        )
        cursor.execute(
            "UPDATE households_household h SET facilitator_id = m.new FROM bench_moves m "
            "WHERE m.id = h.id"
        )
        _aid_history(cursor, quarter)
        cursor.execute(f"INSERT INTO {PREP_TABLE} VALUES (%s)", [str(quarter)])
    with connection.cursor() as cursor:  # as autovacuum leaves it: index-only scans work
        cursor.execute("VACUUM ANALYZE")
    say(f"prepared the registry's history for {quarter} ({time.monotonic() - t0:.0f} s)")


def _aid_history(cursor, quarter) -> None:
    """The aid rows' audit trail, which the report reads "as it was", and advocacy cases.

    ``seed_aid_rows`` writes the current statuses only. Every row gets a "created" record
    when its family was recorded (eligible by the rules, not receiving), and rows that are
    receiving or proposed now get a change to that status at their ``since`` date (spread
    over four years back, so some change inside the reported quarters). Cases: 3 % of the
    families have one opened in the previous or the reported quarter; a third resolved and
    a third closed as unresolvable 20 days later.
    """
    prev = quarter.previous
    common = (
        "INSERT INTO assistance_historicalaidenrolment (id, status, since, card_number, note, "
        "source, history_date, history_change_reason, history_type, aid_id, household_id, "
        "member_id) "
    )
    cursor.execute(
        common + "SELECT e.id, 'belum_menerima', h.created_at::date, '', '', 'aturan', "
        "h.created_at, 'bench aid', '+', e.aid_id, e.household_id, e.member_id "
        "FROM assistance_aidenrolment e JOIN households_household h ON h.id = e.household_id"
    )
    cursor.execute(
        common + "SELECT e.id, e.status, e.since, e.card_number, e.note, e.source, "
        "GREATEST(h.created_at + interval '1 day', e.since::timestamptz), 'bench aid', '~', "
        "e.aid_id, e.household_id, e.member_id "
        "FROM assistance_aidenrolment e JOIN households_household h ON h.id = e.household_id "
        "WHERE e.status <> 'belum_menerima'"
    )
    cursor.execute(
        """
        INSERT INTO assistance_advocacycase (kind, description, opened_on, next_step, status,
            closed_on, outcome, created_at, updated_at, household_id, opened_by_id, aid_id)
        SELECT 'kks_blokir', 'KKS terblokir (bench)', o.opened_on, '',
            CASE h.id %% 3 WHEN 0 THEN 'selesai' WHEN 1 THEN 'terbuka' ELSE 'tidak_selesai' END,
            CASE WHEN h.id %% 3 <> 1 THEN o.opened_on + 20 END,
            CASE WHEN h.id %% 3 <> 1 THEN 'bench' ELSE '' END,
            now(), now(), h.id, h.facilitator_id, 'KKS'
        FROM households_household h
        CROSS JOIN LATERAL (SELECT %s::date + (h.id / 100 %% 180)::int AS opened_on) o
        WHERE h.id %% 100 IN (60, 61, 62) AND h.facilitator_id IS NOT NULL
        """,
        [prev.first_day],
    )


def _seed(**params) -> dict:
    """``bench.seed.seed`` (idempotent). Older copies of the seeder compared its stored
    parameters as text and refused a rerun with the same ones; accept the stored result
    when the parameters really are the same."""
    import json

    from bench import seed as seeder

    try:
        return seeder.seed(**params)
    except seeder.SeedRefused:
        marker = seeder._marker()
        stored = marker["params"]
        stored = json.loads(stored) if isinstance(stored, str) else stored
        if all(stored.get(k) == v for k, v in params.items()):
            result = marker["result"]
            return json.loads(result) if isinstance(result, str) else result
        raise


def _seed_commitments(quarter, say) -> None:
    """Education verification entries (SD/SMP/SMA members, each month of the reported
    quarter and the one before, 80 % entered, 0-6 sick days of 20: about 1 in 7 fails),
    and a suspension proposal made in the quarter for 1 % of the families (a third of them
    confirmed). Once (skipped when entries exist); no complaints are seeded."""
    import datetime

    from django.db import connection

    months = []
    for q in (quarter.previous, quarter):
        first = q.first_day
        months += [
            datetime.date(
                first.year + (first.month + k - 1) // 12, (first.month + k - 1) % 12 + 1, 1
            )
            for k in range(3)
        ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM commitments_verificationentry)")
        if cursor.fetchone()[0]:
            return
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(
            """
            INSERT INTO commitments_verificationentry
              (household_id, member_id, component_id, month, sector, age_months, enrolled,
               school_days, days_sick, days_excused, days_unexcused, recorded_by_id,
               recorded_at, updated_at)
            SELECT m.household_id, m.id, mc.component_id, mo.month, 'pendidikan', 120, true,
                   20, floor(random() * 7)::int, 0, 0, h.facilitator_id, now(), now()
            FROM households_member m
            JOIN households_member_components mc ON mc.member_id = m.id
            JOIN households_household h ON h.id = m.household_id
            CROSS JOIN unnest(%s::date[]) AS mo(month)
            WHERE mc.component_id IN ('SD', 'SMP', 'SMA') AND h.facilitator_id IS NOT NULL
              AND random() < 0.8
            ON CONFLICT DO NOTHING
            """,
            [months],
        )
        entries = cursor.rowcount
        cursor.execute(
            """
            INSERT INTO commitments_sanctionproposal
              (household_id, kind, quarter, months_failed, status, reason, proposed_by_id,
               proposed_at, decided_by_id, decided_at, decision_comment)
            SELECT h.id, 'penangguhan', %s, 3,
                   CASE WHEN h.id %% 3 = 0 THEN 'dikonfirmasi' ELSE 'menunggu' END,
                   'bench', h.facilitator_id, %s + interval '10 days',
                   CASE WHEN h.id %% 3 = 0 THEN h.facilitator_id END,
                   CASE WHEN h.id %% 3 = 0 THEN %s + interval '20 days' END, ''
            FROM households_household h
            WHERE h.facilitator_id IS NOT NULL AND h.id %% 100 = 7
            """,
            [quarter.previous.first_day, quarter.start, quarter.start],
        )
        say(f"commitments: {entries:,} verification entries, {cursor.rowcount:,} proposals")


def _data_counts(say) -> None:
    from django.db import connection

    tables = {
        "families": "households_household",
        "members": "households_member",
        "visits": "households_visit",
        "FDS sessions": "fds_sessions_fdssession",
        "attendance rows": "fds_sessions_attendance",
        "aid rows": "assistance_aidenrolment",
        "aid history rows": "assistance_historicalaidenrolment",
        "advocacy cases": "assistance_advocacycase",
        "graduations (app)": "graduation_graduation",
        "verification entries": "commitments_verificationentry",
        "sanction proposals": "commitments_sanctionproposal",
        "complaints": "complaints_complaint",
    }
    with connection.cursor() as cursor:
        counts = []
        for label, table in tables.items():
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
            counts.append(f"{cursor.fetchone()[0]:,} {label}")
    say("data: " + ", ".join(counts))


def _per_report(facilitators, quarter) -> list[tuple[str, int, float, int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from households.models import Household
    from reports.snapshot import snapshot_build

    rows = []
    for label, pk in facilitators:
        user = User.objects.get(pk=pk)
        snapshot_build(facilitator=user, quarter=quarter)  # warm
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            _, summary = snapshot_build(facilitator=user, quarter=quarter)
            ms = (time.perf_counter() - t0) * 1000
        families = Household.objects.filter(facilitator_id=pk).count()
        rows.append((label, families, ms, len(ctx.captured_queries)))
    return rows


def _per_section(pk: int, quarter, say) -> None:
    """Where one report's time goes: each section's wall time, queries and its slowest
    query (the shared caseload reads are timed first, as ``caseload (shared reads)``)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from reports.sections import ReportContext, sections
    from reports.snapshot import _small_query_plans

    user = User.objects.select_related("supervisor").get(pk=pk)
    say(f"  {'section':<26}{'ms':>8}{'queries':>9}  slowest query")
    with transaction.atomic():
        _small_query_plans()
        ctx = ReportContext(facilitator=user, quarter=quarter)
        steps = [("caseload (shared reads)", lambda: ctx.caseload_end)]
        steps += [(section.key, lambda s=section: s.compute(ctx)) for section in sections()]
        for label, step in steps:
            with CaptureQueriesContext(connection) as captured:
                t0 = time.perf_counter()
                step()
                ms = (time.perf_counter() - t0) * 1000
            slowest = max(captured.captured_queries, key=lambda q: float(q["time"]), default=None)
            detail = (
                f"{float(slowest['time']) * 1000:.1f} ms: {slowest['sql'][:70]}" if slowest else ""
            )
            say(f"  {label:<26}{ms:>8.1f}{len(captured.captured_queries):>9}  {detail}")


def _baseline(quarter, n: int) -> float:
    from reports.services import active_facilitators
    from reports.snapshot import snapshot_build

    users = list(active_facilitators().select_related("supervisor").order_by("pk")[:n])
    t0 = time.perf_counter()
    for user in users:
        snapshot_build(facilitator=user, quarter=quarter)
    return (time.perf_counter() - t0) / len(users)


def _compare_without(quarter, n: int, left_out: set[str], say, rounds: int = 3) -> None:
    """The baseline's ``n`` reports with every section and without ``left_out``, in
    alternating rounds in this process (same data, same load), best round of each."""
    from unittest import mock

    import reports.snapshot as snapshot
    from reports.sections import sections

    unknown = left_out - {s.key for s in sections()}
    if unknown:
        raise SystemExit(f"no such section: {', '.join(sorted(unknown))}")
    kept = [s for s in sections() if s.key not in left_out]
    full, without = [], []
    for _ in range(rounds):
        full.append(_baseline(quarter, n))
        with mock.patch.object(snapshot, "sections", lambda: kept):
            without.append(_baseline(quarter, n))
    a, b = min(without), min(full)
    say(
        f"without {' '.join(sorted(left_out))}: {a * 1000:.1f} ms per report; with every "
        f"section: {b * 1000:.1f} ms (best of {rounds} alternating rounds of {n} reports); "
        f"ratio with/without x{b / a:.2f}"
    )


def _worker(concurrency: int) -> subprocess.Popen:
    from pkh.celery import app

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "pkh.settings.base", "DJANGO_DEBUG": "False"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "pkh",
            "worker",
            "--loglevel=WARNING",
            f"--concurrency={concurrency}",
            "--pool=prefork",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=0.5):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the Celery worker did not start")
    return proc


def _timed_run(quarter, concurrency: int) -> tuple[float, object]:
    from pkh.celery import app
    from reports.models import ProgressReport, ReportRun, Trigger
    from reports.services import active_facilitators, report_run_create

    app.control.purge()
    ProgressReport.objects.filter(quarter=str(quarter)).delete()
    proc = _worker(concurrency)
    try:
        t0 = time.monotonic()
        run = report_run_create(
            quarter=quarter, facilitators=active_facilitators(), by=None, trigger=Trigger.COMMAND
        )
        while True:
            run = ReportRun.objects.get(pk=run.pk)
            if run.status in ("done", "failed"):
                break
            time.sleep(0.25)
        elapsed = time.monotonic() - t0
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    return elapsed, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--families", type=int, default=200_000)
    parser.add_argument("--facilitators", type=int, default=800)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2], help="concurrencies")
    parser.add_argument("--baseline", type=int, default=40, help="reports in the baseline")
    parser.add_argument(
        "--compare-without",
        nargs="*",
        default=[],
        metavar="SECTION",
        help="also time the baseline's reports without these sections (e.g. commitments "
        "complaints), alternating with the full report, and print the ratio",
    )
    args = parser.parse_args(argv)
    if not os.environ.get("CELERY_BROKER_URL"):
        parser.error("set CELERY_BROKER_URL (Redis) for the worker runs")
    setup_django()

    def say(msg):
        print(msg, flush=True)

    from bench.bench_assistance import seed_aid_rows
    from bench.bench_fds import seed_fds
    from reports.quarters import Quarter

    info = _seed(families=args.families, facilitators=args.facilitators, visits_months=12)
    seed_fds(info=info, months=12, log=say)
    seed_aid_rows(say)
    quarter = Quarter.last_ended()
    _prepare(quarter, say)
    _seed_commitments(quarter, say)
    _data_counts(say)
    say(f"quarter {quarter}: {info['families']:,} families, {args.facilitators} facilitators")

    from accounts.models import User

    typical = (
        User.objects.filter(role="facilitator", is_active=True)
        .exclude(pk__in=[info["facilitator"], info["small_facilitator"]])
        .order_by("pk")
        .values_list("pk", flat=True)[args.facilitators // 2]
    )
    say("\nper report (in-process, warm):")
    say(f"  {'facilitator':<22}{'families':>9}{'ms':>9}{'queries':>9}")
    for label, families, ms, queries in _per_report(
        [
            ("largest (400)", info["facilitator"]),
            ("typical", typical),
            ("smallest (10)", info["small_facilitator"]),
        ],
        quarter,
    ):
        say(f"  {label:<22}{families:>9}{ms:>9.1f}{queries:>9}")
    say("\nper section, largest facilitator (in-process, warm):")
    _per_section(info["facilitator"], quarter, say)
    per = _baseline(quarter, args.baseline)
    say(
        f"\nbaseline: {args.baseline} reports in one process, {per * 1000:.1f} ms each "
        f"(x{args.facilitators} = {per * args.facilitators:.1f} s of pure computation)"
    )
    if args.compare_without:
        _compare_without(quarter, args.baseline, set(args.compare_without), say)
    results = []
    for n in args.workers:
        elapsed, run = _timed_run(quarter, n)
        results.append((n, elapsed, run))
        say(
            f"worker concurrency {n}: {run.done_count}/{run.total} done, {run.failed_count} "
            f"failed, status {run.status}, {elapsed:.1f} s "
            f"({elapsed / max(run.total, 1) * 1000:.0f} ms per report, "
            f"x{elapsed / (per * args.facilitators):.2f} the in-process baseline)"
        )
    ok = all(r.status == "done" for _, _, r in results)
    if results:
        one = next((e for n, e, _ in results if n == 1), None)
        if one is not None:
            say(f"\ntarget under 120 s with one worker: {'met' if one < 120 else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
