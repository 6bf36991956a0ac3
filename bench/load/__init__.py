"""Load test: 50 simulated users against `make serve` (gunicorn + Celery) for 60 s.

    # starts `make serve` on a free loopback port against pkh_bench (200,000 families):
    .venv/bin/python -m bench.load --broker redis://127.0.0.1:6379/5
    # or against a server that is already running:
    .venv/bin/python -m bench.load --url http://127.0.0.1:8000

Users (bench.seed's, password ``bench-pass-2025``): 40 facilitators (``bench_pdp0001``,
the 400-family one, then every 20th) and 10 supervisors (every 8th). Each logs in through
the real login form before the measured window, then, for ``--duration`` seconds, repeats
actions with a think time drawn uniformly from [``--think-min``, ``--think-max``] seconds
between them (default 2-8 s: reading a page on a phone, choosing the next tap):

* facilitators: caseload pages (random page), filtered/sorted caseloads (status, komponen,
  village, not visited 30 days, sort), a name search (POSTed, then the redirected page),
  a family page, and logging a visit (the form, a think time to fill it, the POST with its
  CSRF token and the form's ``client_token``, the redirected family page), the home page;
* supervisors: home page, team overview, the team's quarterly report dashboard, the
  report list, the graduation review, aid coverage, the team caseload and a family page.

A redirect a browser would follow at once is followed at once (no think time).

Measured: requests per second, p50/p95/p99 latency (client-side, loopback) per page kind
and overall, errors (an exception, a timeout, an unexpected status, a page with a
traceback, a visit form re-rendered instead of saved), and a same-run baseline (the login
page, the caseload and a family page requested one at a time before the load, and the
login page again after it). Then it checks in the database that every visit a client saved
exists exactly once with its audit-trail row, and that no other visit carries the run's tag.
Output: a Markdown summary on stdout and JSON + Markdown in bench/out/load-<time>.*.
Exit status 1 if any error or failed database check.

The package: ``virtual_user`` (one simulated user and the recorder), ``stats``
(percentiles, baseline, machine load), ``database_check``, ``run`` (the measured window),
``report`` (the Markdown summary), ``cli`` (the command line).
"""

from bench.load.cli import main
from bench.load.virtual_user import (
    CSRF_RE,
    INPUT_RE,
    PASSWORD,
    TRACEBACK_MARKERS,
    Recorder,
    Sample,
    VirtualUser,
    WindowClosed,
)

__all__ = [
    "CSRF_RE",
    "INPUT_RE",
    "PASSWORD",
    "TRACEBACK_MARKERS",
    "Recorder",
    "Sample",
    "VirtualUser",
    "WindowClosed",
    "main",
]
