"""Where a page's server time goes: cProfile over repeated requests, in process.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/pkh_bench   # seeded by bench.seed
    .venv/bin/python -m bench.profile_page --user supervisor /keluarga/
    .venv/bin/python -m bench.profile_page --user facilitator /keluarga/ -n 50 --sort tottime
    .venv/bin/python -m bench.profile_page --user anonymous /masuk/

``--user`` is one of the seeded users (facilitator, small_facilitator, supervisor, admin)
or ``anonymous``. The requests go through the test client, the whole Django stack
(middleware, session, auth, view, template), as ``bench.bench_pages`` measures them.
Prints the top functions and the share of the time spent in template rendering, in
middleware other than the view, and in database calls.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time

from bench.common import setup_django


def _share(stats: pstats.Stats, needle: str) -> float:
    """The cumulative time of the outermost function whose name matches ``needle``."""
    best = 0.0
    for (filename, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():
        if needle in f"{filename}:{name}":
            best = max(best, ct)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_page", description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--user", default="facilitator")
    parser.add_argument("-n", type=int, default=100, help="profiled requests (default 100)")
    parser.add_argument("--post", help="q=... to POST to the caseload first (a search)")
    parser.add_argument("--sort", default="cumulative", choices=["cumulative", "tottime"])
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--callers", help="also print who calls functions matching this")
    args = parser.parse_args(argv)

    setup_django()
    from django.test import Client

    from accounts.models import User
    from bench.common import client_for
    from bench.seed import _marker

    if args.user == "anonymous":
        client = Client()
    else:
        marker = _marker()
        if marker is None:
            sys.exit("this database was not seeded by bench.seed")
        client = client_for(User.objects.get(pk=marker["result"][args.user]))
    if args.post:
        key, _, value = args.post.partition("=")
        client.post("/keluarga/", {key: value})
    for _ in range(5):  # warm up: imports, template loading, connection
        assert client.get(args.url).status_code == 200
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(args.n):
        client.get(args.url)
    profiler.disable()
    per_request = (time.perf_counter() - started) * 1000 / args.n
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    total = sum(tt for (_cc, _nc, tt, _ct, _callers) in stats.stats.values())
    print(f"{args.url} as {args.user}: {per_request:.1f} ms per request under the profiler")
    for label, needle in [
        ("template rendering", "django/template/base.py:render"),
        ("view + middleware below it", "django/core/handlers/base.py:_get_response"),
        ("database (cursor.execute)", "django/db/backends/utils.py:execute"),
    ]:
        print(f"  {label:<28} {100 * _share(stats, needle) / total:5.1f} % of the time")
    stats.sort_stats(args.sort).print_stats(args.top)
    if args.callers:
        stats.print_callers(args.callers)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
