"""Commitment verification benchmark (issue #16): a facilitator enters a month for a
400-family caseload through the real HTTP stack, and a 200,000-family region's
compliance is computed by the selectors the supervisor's month and the quarterly report
use, each read against a baseline measured in the same run.

    createdb -h 127.0.0.1 -U postgres pkh_commitments
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/pkh_commitments
    .venv/bin/python -m bench.bench_commitments                    # 200,000 families
    .venv/bin/python -m bench.bench_commitments --families 5000    # a quick run

It seeds what is missing (``bench.seed``, then ``bench.commitments.seed``: schools,
facilities, enrolments and ``--months`` months of entries before the month being
verified now), clears what an earlier run entered for the 400-family facilitator in the
month being verified, and measures:

* the month entered (``bench.commitments.walk``): the month screen, each school's and
  facility's list GET + POST, the month screen again; requests, total time, queries per
  request; the same-run baseline is the anonymous login page (median of
  ``--requests``), and the month screen of the 10-family facilitator checks that the
  screen's query count does not grow with the caseload;
* the region (``bench.commitments.region``): compliance by component for the month and
  the quarter judged now, by facilitator, completeness, the quarter's consequences, each
  ``--repeat`` times against ``COUNT(*)`` of the same entries, then again with
  PostgreSQL's JIT off for the transaction (``--no-jit-off`` skips it); the supervisor's
  and the admin's month page (``commitments:team``) through HTTP, each against the same
  user's family list (``households:caseload``); and the quarterly report's
  commitment section for the 400-family facilitator against the reads every section
  shares.

Prints a table; ``--json`` prints the results as JSON, ``--out FILE`` writes them.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
from pathlib import Path

from bench.common import setup_django


def _line(label: str, value: str, ratio: float | None = None) -> str:
    tail = f"  {ratio:8.1f}x" if ratio is not None else ""
    return f"{label:<58} {value:>34}{tail}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=200_000)
    parser.add_argument("--months", type=int, default=7, help="months of entries seeded")
    parser.add_argument("--requests", type=int, default=100, help="baseline requests")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each region selector")
    parser.add_argument("--fail-percent", type=int, default=8, help="rows typed as failing")
    parser.add_argument(
        "--no-jit-off",
        action="store_true",
        help="skip the second run of the region selectors with SET LOCAL jit = off",
    )
    parser.add_argument("--explain", action="store_true", help="print the selectors' plans")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--out", type=Path, help="write the results as JSON to this file")
    args = parser.parse_args()

    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import User
    from bench.bench_fds import _seed
    from bench.commitments.region import region_measures, report_measures
    from bench.commitments.seed import backdate_caseload, seed_commitments
    from bench.commitments.walk import clear_month, month_walk
    from bench.common import client_for, database_name, explain, time_view
    from commitments import rules as r
    from commitments.forms import month_key
    from commitments.selectors import due
    from commitments.selectors.consequences import judged_quarter
    from commitments.selectors.due import current_month
    from reports.quarters import Quarter

    if connection.vendor != "postgresql":
        raise SystemExit("bench_commitments needs PostgreSQL (set DATABASE_URL)")
    say = print if not args.json else (lambda *a: None)
    say(f"database {database_name()}, load average {os.getloadavg()}")
    call_command("migrate", verbosity=0)
    info = _seed(args.families)
    today = timezone.localdate()
    entered = current_month(today)
    months = [r.month_add(entered, -k) for k in range(args.months, 0, -1)]
    data = seed_commitments(months=months, log=say)
    quarter = judged_quarter(today)
    facilitator = User.objects.get(pk=info["facilitator"])
    small = User.objects.get(pk=info["small_facilitator"])
    out = {"load_average_start": os.getloadavg(), "data": data, "families": args.families}

    # Same-run baseline: the anonymous login page through the same stack.
    login = time_view(
        client_for_anonymous(),
        reverse("login"),
        n=args.requests,
        label="baseline: login page (anonymous)",
    )
    base = login.median
    say(_line(login.label, f"median {base:.1f} ms, {login.queries} queries"))

    removed = clear_month(facilitator_id=facilitator.pk, month=entered)
    client = client_for(facilitator)
    walk = month_walk(client, month_key=month_key(entered), fail_percent=args.fail_percent)
    items = due.month_due(user=facilitator, month=entered)
    walk_due, walk_entered = len(items), sum(1 for i in items if i.entry is not None)
    say(
        f"\nMonth {entered:%Y-%m} entered by the 400-family facilitator "
        f"({removed} rows of an earlier run cleared first):"
    )
    say(_line("requests", f"{len(walk.requests)} ({walk.places} lists)"))
    say(_line("commitments due / entered after", f"{walk_due} / {walk_entered}"))
    say(_line("rows saved", f"{walk.rows_saved}"))
    say(
        _line(
            "total server time",
            f"{walk.total_ms / 1000:.2f} s (cpu {walk.total_cpu_ms / 1000:.2f} s)",
            walk.total_ms / base,
        )
    )
    kinds = {}
    for label in ("month", "sheet GET", "sheet POST"):
        s = kinds[label] = walk.summary(label)
        say(
            _line(
                f"{label} (x{s['requests']})",
                f"median {s['median_ms']:.1f} ms, max {s['max_ms']:.1f}, q {s['min_queries']}-{s['max_queries']}",
                s["median_ms"] / base,
            )
        )
    month_url = f"{reverse('commitments:month')}?bulan={month_key(entered)}"
    screens = [
        time_view(
            client,
            month_url,
            n=max(5, args.requests // 10),
            label=f"month screen, {walk_due} commitments (400 families)",
        ),
        time_view(
            client_for(small),
            month_url,
            n=max(5, args.requests // 10),
            label="month screen, 10 families",
        ),
    ]
    for t in screens:
        say(_line(t.label, f"median {t.median:.1f} ms, {t.queries} queries", t.median / base))
    out["walk"] = {
        "month": str(entered),
        "requests": len(walk.requests),
        "lists": walk.places,
        "due": walk_due,
        "entered_after": walk_entered,
        "rows_saved": walk.rows_saved,
        "total_ms": round(walk.total_ms, 1),
        "total_cpu_ms": round(walk.total_cpu_ms, 1),
        "max_queries": max(q.queries for q in walk.requests),
        "by_kind": kinds,
        "total_x_baseline": round(walk.total_ms / base, 1),
    }

    say(
        f"\nRegion ({args.families:,} families), month {months[-1]:%Y-%m}, quarter {quarter:%Y-%m}:"
    )
    admin = User.objects.get(pk=info["admin"])
    measures = region_measures(user=admin, month=months[-1], quarter=quarter, repeat=args.repeat)
    if not args.no_jit_off:
        measures += region_measures(
            user=admin, month=months[-1], quarter=quarter, repeat=args.repeat, jit=False
        )
    report_q = Quarter.containing(quarter)
    dated = backdate_caseload(
        facilitator_id=facilitator.pk,
        before=report_q.previous.start - datetime.timedelta(days=30),
    )
    say(f"  (the 400-family caseload dated back before {report_q.previous}: {dated} families)")
    measures += report_measures(facilitator=facilitator, quarter=quarter, repeat=args.repeat)
    by_label = {m.label: m for m in measures}
    for m in measures:
        ratio = m.median / by_label[m.baseline].median if m.baseline else None
        say(_line(m.label, f"median {m.median:.0f} ms, {m.queries} queries", ratio))
        say(f"    {m.result}")
        with_jit = by_label.get(m.label.removesuffix(" (jit off)"))
        if m.label.endswith(" (jit off)") and with_jit:
            say(f"    {m.median / with_jit.median:.2f}x the same with PostgreSQL's default JIT")
        if args.explain:
            for sql in m.sql:
                say(explain(sql))
    # The team month page of the supervisor and of the admin, each against the same
    # user's family list (first page of households:caseload) in the same run: a page
    # over the same families that every user opens.
    pages, page_ratios = [], {}
    team_url = f"{reverse('commitments:team')}?bulan={month_key(months[-1])}"
    for who, label in (
        ("supervisor", "supervisor (10 facilitators)"),
        ("admin", "admin (whole region)"),
    ):
        lead = client_for(User.objects.get(pk=info[who]))
        families_page = time_view(
            lead,
            reverse("households:caseload"),
            n=max(3, args.repeat),
            label=f"baseline: family list, {label}",
        )
        team_page = time_view(
            lead, team_url, n=max(3, args.repeat), label=f"team month page, {label}"
        )
        pages += [families_page, team_page]
        page_ratios[team_page.label] = round(team_page.median / families_page.median, 2)
        for t in (families_page, team_page):
            say(_line(t.label, f"median {t.median:.0f} ms, {t.queries} queries", t.median / base))
        say(f"    {page_ratios[team_page.label]}x the same user's family list")
    out.update(
        baseline=login.as_dict(),
        screens=[t.as_dict() for t in screens + pages],
        region=[m.as_dict() for m in measures],
        team_page_x_family_list=page_ratios,
        load_average_end=os.getloadavg(),
    )
    say(
        f"\nload average at the end {os.getloadavg()}; ratios: x the login page's median "
        "(HTTP) or x COUNT(*) of the same entries (region selectors)"
    )
    text = json.dumps(out, indent=2, default=str)
    if args.json:
        print(text)
    if args.out:
        args.out.write_text(text)


def client_for_anonymous():
    from django.test import Client

    return Client()


if __name__ == "__main__":
    main()
