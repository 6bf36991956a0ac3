"""Fault tests: PostgreSQL restarted, Redis stopped, the Celery worker killed, under `make serve`.

    sudo-less root shell on the project machine:
    .venv/bin/python -m bench.faults                  # all three, about 10-15 minutes
    .venv/bin/python -m bench.faults --only redis     # one of: postgres, redis, worker

It never touches the shared PostgreSQL (5432) or Redis (6379). Everything runs on
loopback, on servers it starts itself in a temporary folder:

* its own PostgreSQL 15 cluster (``initdb`` as the ``postgres`` OS user when run as root)
  on a free port, seeded with ``python -m bench.seed --families 20000 --region 34.02``;
* its own ``redis-server`` on a free port, append-only file on (a broker must keep its
  queue across a restart);
* `make serve PROCESSES="web beat"` (gunicorn, WEB_CONCURRENCY=2, and beat) and the
  Procfile's worker command run on its own, so the script can SIGKILL and restart the
  worker like a process supervisor would (honcho stops everything when one process dies).

Checks (each prints PASS/FAIL with the measured numbers; exit status 1 on any FAIL):

a. ``postgres``: 6 facilitators browse and save visits (0.2-1 s think time) while
   PostgreSQL is restarted (``pg_ctl restart -m fast``). Every request gets an answer
   within the timeout: 2xx/3xx, or the clean 503 page (no traceback); gunicorn and beat
   survive; the first good page after PostgreSQL is back comes within 5 s; every visit is
   all-or-nothing (a visit row exists if and only if its audit row does), and every POST
   that failed, sent again with the same form (same ``client_token``), gives exactly one
   visit.
b. ``redis``: Redis stopped (SIGTERM). Pages still answer 200 (latency measured against
   the same pages just before); a supervisor's "regenerate team reports" and an admin's
   roster upload answer with the clear "Antrian tugas (Redis) ..." message (no 500); once
   Redis is back, "Lanjutkan" and "Ulangi impor" complete both (every report made once,
   the families imported once).
c. ``worker``: the worker SIGKILLed (its whole process group) during the write of a roster
   import and during a report run for every facilitator, then started again. The import
   page turns from "importing" to failed ("nothing was written") once the heartbeat is
   stale, the registry is unchanged, "Ulangi impor" imports it once; the report items the
   dead worker held show "Terhenti" once past the time limit, the watchdog task (run as
   beat would) requeues them, the run completes with one report per facilitator.

The parts: ``servers`` (our own PostgreSQL, Redis and worker, the database read directly,
a browser-like session), ``stack`` (setting it all up and tearing it down),
``postgres_restart``, ``redis_stopped``, ``worker_killed`` (checks a, b, c) and
``__main__`` (the command line).

Every process and the temporary folder are removed at the end, also on Ctrl-C or an
error (try/finally and a SIGTERM handler).
"""
