"""``python -m bench.faults``: run the fault tests (see ``bench/faults/__init__.py``)."""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import subprocess
import sys
import time

import bench.faults
from bench.faults.postgres_restart import fault_postgres
from bench.faults.redis_stopped import fault_redis
from bench.faults.servers import OUT, Results, log
from bench.faults.stack import Stack
from bench.faults.worker_killed import fault_worker
from bench.serve import ROOT


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.faults", description=bench.faults.__doc__.split("\n")[0]
    )
    parser.add_argument("--only", nargs="*", choices=["postgres", "redis", "worker"])
    parser.add_argument("--families", type=int, default=20_000)
    parser.add_argument("--facilitators", type=int, default=80)
    parser.add_argument("--import-families", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=2, help="WEB_CONCURRENCY")
    parser.add_argument("--pg-down", type=float, default=3.0, help="seconds PostgreSQL stays down")
    parser.add_argument(
        "--kill-after",
        type=float,
        default=2.0,
        help="seconds into the import's write before the worker is killed",
    )
    parser.add_argument("--timeout", type=float, default=15.0, help="per request, seconds")
    parser.add_argument(
        "--conn-max-age", type=int, default=0, help="DATABASE_CONN_MAX_AGE (persistent connections)"
    )
    args = parser.parse_args(argv)
    faults = args.only or ["postgres", "redis", "worker"]

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    res = Results()
    stack = Stack(args)
    uptime = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    log(f"uptime: {uptime}")
    started = time.monotonic()
    try:
        stack.up()
        if "postgres" in faults:
            asyncio.run(fault_postgres(stack, res))
        if "redis" in faults:
            fault_redis(stack, res)
        if "worker" in faults:
            fault_worker(stack, res)
    except KeyboardInterrupt:
        res.check("interrupted", False)
    except Exception as exc:
        res.check("the script itself", False, error=f"{type(exc).__name__}: {exc}")
        raise
    finally:
        stack.down()
        uptime_after = subprocess.run(
            ["uptime"], capture_output=True, text=True, check=False
        ).stdout.strip()
        log(f"uptime: {uptime_after}")
        OUT.mkdir(parents=True, exist_ok=True)
        out = OUT / f"faults-{stack.stamp}.json"
        out.write_text(
            json.dumps(
                {
                    "uptime_before": uptime,
                    "uptime_after": uptime_after,
                    "seconds": round(time.monotonic() - started),
                    "checks": res.checks,
                },
                indent=2,
                default=str,
            )
        )
        passed = sum(c["ok"] for c in res.checks)
        print(f"\n{passed} passed, {len(res.checks) - passed} failed  ({out.relative_to(ROOT)})")
    return 0 if res.ok else 1


if __name__ == "__main__":
    sys.exit(main())
