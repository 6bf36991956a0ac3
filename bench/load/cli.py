"""The command line: ``python -m bench.load``."""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import sys
import uuid

import bench.load
from bench.load.report import markdown
from bench.load.run import load
from bench.load.virtual_user import OUT
from bench.serve import Serve, free_port, serve_env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=bench.load.__doc__.split("\n")[0]
    )
    parser.add_argument("--url", help="a running server; default: start `make serve`")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pkh_bench"),
    )
    parser.add_argument(
        "--broker", default=os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
    )
    parser.add_argument("--workers", type=int, default=3, help="WEB_CONCURRENCY (gunicorn)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--supervisors", type=int, default=10)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--think-min", type=float, default=2.0)
    parser.add_argument("--think-max", type=float, default=8.0)
    parser.add_argument("--timeout", type=float, default=30.0, help="per request, seconds")
    parser.add_argument("--baseline-n", type=int, default=40)
    parser.add_argument("--random-seed", type=int, default=8)
    args = parser.parse_args(argv)
    args.tag = f"[uji-beban {uuid.uuid4().hex[:8]}]"

    if "pkh_bench" not in args.database_url and not args.url:
        print(f"note: database {args.database_url} (not pkh_bench)", file=sys.stderr)
    serve = None
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    try:
        if args.url:
            url = args.url.rstrip("/")
        else:
            port = free_port()
            env = serve_env(
                database_url=args.database_url,
                broker_url=args.broker,
                port=port,
                workers=args.workers,
            )
            serve = Serve(env=env, port=port, log_path=OUT / f"load-{stamp}-serve.log").start()
            print(f"starting make serve on 127.0.0.1:{port} (log {serve.log_path})", flush=True)
            print(f"ready after {serve.wait_ready():.1f} s", flush=True)
            url = serve.url
        # Bounded: the window, the in-flight requests' timeout, logins and baselines.
        report = asyncio.run(
            asyncio.wait_for(load(args, url, serve), timeout=args.duration + args.timeout + 600)
        )
    finally:
        if serve:
            serve.stop()
    OUT.mkdir(parents=True, exist_ok=True)
    text = markdown(report)
    (OUT / f"load-{stamp}.json").write_text(json.dumps(report, indent=2))
    (OUT / f"load-{stamp}.md").write_text(text + "\n")
    print(text)
    print(f"\n(bench/out/load-{stamp}.json)")
    ok = report["overall"]["errors"] == 0 and report["database_check"]["ok"]
    return 0 if ok else 1
