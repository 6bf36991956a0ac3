"""Graduation benchmarks on PostgreSQL at national scale.

1. The supervisor's three-monthly review page for a team of 10 facilitators with about
   4,000 families (target: p95 under 200 ms, constant query count), with the team
   overview page of the household registry as a baseline measured in the same run.
2. Natural-graduation detection over 200,000 families (target: under 5 s): the set-based
   anti-join for the admin of the whole region, plus the paginated list page.

Usage (a database of its own; the shared seeder fills it, idempotently)::

    createdb -h 127.0.0.1 -U postgres pkh_grad
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/pkh_grad
    .venv/bin/python -m bench.seed --families 200000 --facilitators 500
    .venv/bin/python -m bench.bench_graduation            # --n 200 --explain

500 facilitators for 200,000 families give about 400 families each, so the first team of
10 holds about 4,000 families. This script then adds graduation data with set-based SQL
(idempotent): one latest assessment per family and an older one for half of them, a
pipeline entry for about one family in eight (spread over the stages), pending,
returned and approved proposals, graduations with monitoring visits, quarterly targets,
and natural-graduation cases (the component holders of one family in 97 left the
family). Answers to individual indicators are not seeded (no page measured here reads
them).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from bench.common import setup_django

OUT = Path(__file__).resolve().parent / "out"


def seed_graduation(info: dict, say) -> None:
    from django.db import connection, transaction

    from graduation.models import GraduationAssessment
    from graduation.selectors.assessment_forms import form_current

    if GraduationAssessment.objects.exists():
        say("graduation data already present")
        return
    form_id = form_current().pk
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cur:
        # Latest assessment for every family with a facilitator; an older one for half.
        cur.execute(
            """
            INSERT INTO graduation_graduationassessment
                (household_id, form_id, assessed_on, assessed_by_id, score, max_score,
                 score_pct, readiness, notes, is_latest, created_at)
            SELECT h.id, %(form)s, current_date - (h.id %% 150)::int, h.facilitator_id,
                   (h.id * 37) %% 101 * 40 / 100, 40, (h.id * 37) %% 101,
                   CASE WHEN (h.id * 37) %% 101 >= 70 THEN 'ready'
                        WHEN (h.id * 37) %% 101 >= 50 THEN 'approaching'
                        ELSE 'not_ready' END,
                   '', true, now()
            FROM households_household h WHERE h.facilitator_id IS NOT NULL
            """,
            {"form": form_id},
        )
        cur.execute(
            """
            INSERT INTO graduation_graduationassessment
                (household_id, form_id, assessed_on, assessed_by_id, score, max_score,
                 score_pct, readiness, notes, is_latest, created_at)
            SELECT h.id, %(form)s, current_date - 200 - (h.id %% 150)::int, h.facilitator_id,
                   10, 40, 25, 'not_ready', '', false, now()
            FROM households_household h WHERE h.facilitator_id IS NOT NULL AND h.id %% 2 = 0
            """,
            {"form": form_id},
        )
        # Pipeline: one family in eight among the approaching/ready, stage by id.
        cur.execute(
            """
            INSERT INTO graduation_pipelineentry
                (household_id, stage, stage_since, created_by_id, created_at, updated_at)
            SELECT h.id,
                   (ARRAY['assessed','targeted','approached','supported','proposed',
                          'graduated'])[(h.id / 8) %% 6 + 1],
                   current_date - (h.id %% 90)::int, h.facilitator_id, now(), now()
            FROM households_household h
            WHERE h.facilitator_id IS NOT NULL AND h.status = 'active' AND h.id %% 8 = 0
              AND (h.id * 37) %% 101 >= 50
            """,
            {},
        )
        cur.execute(
            """
            INSERT INTO graduation_pipelineevent
                (entry_id, stage, stage_changed, date, note, by_id, created_at)
            SELECT e.id, e.stage, true, e.stage_since, 'bench', e.created_by_id, now()
            FROM graduation_pipelineentry e
            """,
            {},
        )
        # Proposals: pending for "proposed", approved for "graduated", returned for some
        # "supported" families (a returned proposal stays in history).
        cur.execute(
            """
            INSERT INTO graduation_graduationproposal
                (household_id, assessment_id, exit_type, reason, statement,
                 statement_content_type, status, submitted_by_id, submitted_at,
                 decided_by_id, decided_at, decision_comment, graduation_date)
            SELECT e.household_id, a.id, 'mandiri', 'bench', 'statements/bench.pdf',
                   'application/pdf',
                   CASE e.stage WHEN 'proposed' THEN 'pending' WHEN 'graduated' THEN 'approved'
                        ELSE 'returned' END,
                   e.created_by_id, now() - ((e.household_id %% 80) || ' days')::interval,
                   CASE WHEN e.stage = 'proposed' THEN NULL ELSE u.supervisor_id END,
                   CASE WHEN e.stage = 'proposed' THEN NULL
                        ELSE now() - ((e.household_id %% 40) || ' days')::interval END,
                   CASE WHEN e.stage = 'supported' THEN 'Lengkapi bukti usaha' ELSE '' END,
                   CASE WHEN e.stage = 'graduated'
                        THEN current_date - (e.household_id %% 40)::int END
            FROM graduation_pipelineentry e
            JOIN graduation_graduationassessment a
              ON a.household_id = e.household_id AND a.is_latest
            JOIN accounts_user u ON u.id = e.created_by_id
            WHERE e.stage IN ('proposed', 'graduated')
               OR (e.stage = 'supported' AND e.household_id %% 3 = 0)
            """,
            {},
        )
        cur.execute(
            """
            INSERT INTO graduation_graduation
                (household_id, exit_type, date, reason, source, proposal_id, facilitator_id,
                 recorded_by_id, created_at)
            SELECT p.household_id, 'mandiri', p.graduation_date, 'bench', 'proposal', p.id,
                   p.submitted_by_id, p.decided_by_id, now()
            FROM graduation_graduationproposal p WHERE p.status = 'approved'
            """,
            {},
        )
        cur.execute(
            """
            UPDATE households_household h SET status = 'graduated', exit_type = 'mandiri',
                   status_date = g.date, status_reason = 'bench'
            FROM graduation_graduation g WHERE g.household_id = h.id
            """,
            {},
        )
        cur.execute(
            """
            INSERT INTO graduation_monitoringvisit
                (graduation_id, months_after, due_on, done_on, outcome, note, recorded_by_id)
            SELECT g.id, m, g.date + (m || ' months')::interval, NULL, '', '', NULL
            FROM graduation_graduation g CROSS JOIN unnest(ARRAY[3, 6, 12]) AS m
            """,
            {},
        )
        # Quarterly targets of this year for every facilitator (3, 3, 2, 2).
        cur.execute(
            """
            INSERT INTO graduation_quarterlytarget
                (facilitator_id, year, quarter, target, set_by_id, updated_at)
            SELECT u.id, extract(year FROM current_date)::int, q,
                   CASE WHEN q <= 2 THEN 3 ELSE 2 END, u.supervisor_id, now()
            FROM accounts_user u CROSS JOIN generate_series(1, 4) AS q
            WHERE u.role = 'facilitator' AND u.supervisor_id IS NOT NULL
            """,
            {},
        )
        # Natural graduation cases: in one family in 97, every component holder except
        # the pengurus left (died) a month ago.
        cur.execute(
            """
            UPDATE households_member m SET left_on = current_date - 30, left_reason = 'meninggal'
            WHERE m.household_id %% 97 = 0 AND NOT m.is_pengurus AND m.left_on IS NULL
              AND EXISTS (SELECT 1 FROM households_member_components c WHERE c.member_id = m.id)
            """,
            {},
        )
        cur.execute("ANALYZE")
    say(f"graduation data seeded in {time.monotonic() - started:.1f} s")


def time_call(fn, n: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(n):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_graduation")
    parser.add_argument("--n", type=int, default=200, help="requests per page")
    parser.add_argument("--detect-runs", type=int, default=7, help="runs of the detection")
    parser.add_argument("--families", type=int, default=200_000)
    parser.add_argument("--facilitators", type=int, default=500)
    parser.add_argument("--explain", action="store_true", help="print query plans")
    args = parser.parse_args(argv)

    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User
    from bench.common import client_for, database_name, explain, time_view
    from bench.seed import seed
    from graduation.selectors.natural import natural_graduation_scope
    from graduation.selectors.review import review_rows
    from households.models import Household
    from households.selectors import household_scope

    if connection.vendor != "postgresql":
        print("needs PostgreSQL (DATABASE_URL)", file=sys.stderr)
        return 2

    def say(message):
        print(message, flush=True)

    say(f"database: {database_name()}")
    call_command("migrate", verbosity=0)
    info = seed(families=args.families, facilitators=args.facilitators, log=say)
    seed_graduation(info, say)

    supervisor = User.objects.get(pk=info["supervisor"])
    admin = User.objects.get(pk=info["admin"])
    facilitator = User.objects.get(pk=info["facilitator"])
    team_families = Household.objects.filter(facilitator__supervisor=supervisor).count()
    team_size = supervisor.team.count()
    total_families = Household.objects.count()
    say(f"review team: {team_size} facilitators, {team_families} families")
    results: dict = {
        "families": total_families,
        "team_facilitators": team_size,
        "team_families": team_families,
    }

    # 1. Review page vs the household team overview (baseline, same run).
    client = client_for(supervisor)
    timings = [
        time_view(client, "/graduasi/review/", n=args.n, label="graduation review (supervisor)"),
        time_view(client, "/keluarga/tim/", n=args.n, label="baseline: team overview"),
        time_view(client, "/graduasi/", n=args.n, label="pipeline board (supervisor)"),
        time_view(client, "/graduasi/siap/", n=args.n, label="ready, not targeted (supervisor)"),
        time_view(
            client_for(facilitator), "/graduasi/alamiah/", n=args.n, label="natural list (400 fam)"
        ),
    ]
    for t in timings:
        say(t.line())
    review, baseline = timings[0], timings[1]
    say(f"review p95 / team overview p95 = {review.p95 / baseline.p95:.2f}")
    results["pages"] = [t.as_dict() for t in timings]
    results["review_vs_team_overview_p95"] = round(review.p95 / baseline.p95, 2)
    rows = review_rows(user=supervisor, year=2026, quarter=4)
    results["review_rows"] = len(rows)

    # 2. Natural-graduation detection over every family of the region (admin scope).
    def detect():
        return list(
            natural_graduation_scope(household_scope(user=admin)).values_list("pk", flat=True)
        )

    detect()  # warm-up
    times, found = time_call(detect, args.detect_runs)
    results["detection"] = {
        "scope_families": household_scope(user=admin).count(),
        "found": len(found),
        "runs": args.detect_runs,
        "median_ms": round(statistics.median(times), 1),
        "max_ms": round(max(times), 1),
    }
    say(
        f"natural detection over {results['detection']['scope_families']} families: "
        f"{len(found)} found, median {statistics.median(times):.0f} ms, max {max(times):.0f} ms"
    )
    admin_client = client_for(admin)
    admin_page = time_view(
        admin_client, "/graduasi/alamiah/", n=max(10, args.n // 10), label="natural list (admin)"
    )
    say(admin_page.line())
    results["pages"].append(admin_page.as_dict())
    if args.explain:
        qs = natural_graduation_scope(household_scope(user=admin)).values_list("pk", flat=True)
        sql, params = qs.query.sql_with_params()
        with connection.cursor() as cursor:
            say(explain(cursor.mogrify(sql, params).decode()))
        for sql in review.sql[-8:]:
            say(explain(sql))

    OUT.mkdir(exist_ok=True)
    (OUT / "graduation.json").write_text(json.dumps(results, indent=2))
    say(f"written {OUT / 'graduation.json'}")
    ok = review.p95 < 200 and results["detection"]["max_ms"] < 5000
    say("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
