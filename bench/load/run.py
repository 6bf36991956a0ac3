"""The run: which seeded users, logging them in, the measured window."""

from __future__ import annotations

import asyncio
import datetime
import os
import random
import time

from bench.load.database_check import check_database
from bench.load.stats import cpu_seconds, loadavg, sequential, summarise, uptime, web_pids
from bench.load.virtual_user import Recorder, VirtualUser
from bench.serve import Serve


def users(args) -> list[tuple[str, str]]:
    n_sup = args.supervisors
    n_fac = args.users - n_sup
    facilitators = [f"bench_pdp{1 + i * 20:04d}" for i in range(n_fac)]
    supervisors = [f"bench_spv{1 + i * 8:03d}" for i in range(n_sup)]
    return [(u, "facilitator") for u in facilitators] + [(u, "supervisor") for u in supervisors]


async def load(args, url: str, serve: Serve | None) -> dict:
    rng = random.Random(args.random_seed)
    report: dict = {"tag": args.tag, "url": url, "started": datetime.datetime.now().isoformat()}
    report["uptime_before"] = uptime()

    # 1. Baseline, one request at a time before any load.
    baseline = {"login_page": await sequential(url, "/masuk/", args.baseline_n)}

    # 2. Log every user in through the form (PBKDF2: costly, so before the window, two at
    # a time, and reported on its own).
    rec = Recorder()
    vusers = [
        VirtualUser(
            username=u, role=r, url=url, rec=rec, args=args, rng=random.Random(rng.random())
        )
        for u, r in users(args)
    ]
    gate = asyncio.Semaphore(2)

    async def login(vu: VirtualUser) -> bool:
        async with gate:
            return await vu.login()

    logged = await asyncio.gather(*(login(vu) for vu in vusers))
    login_samples = list(rec.samples)
    if not all(logged):
        failed = [vu.username for vu, ok in zip(vusers, logged, strict=True) if not ok]
        raise SystemExit(f"login failed for {failed[:5]}... ({len(failed)}): is pkh_bench seeded?")
    # The caseload and a family page of the 400-family facilitator, one at a time.
    first = vusers[0]
    cookies = first.client.cookies
    baseline["caseload"] = await sequential(
        url, "/keluarga/", args.baseline_n // 2, cookies=cookies
    )
    page = await first.client.get("/keluarga/")
    first._learn(page.text)
    family_pk = first.families[0][0]
    baseline["family"] = await sequential(
        url, f"/keluarga/{family_pk}/", args.baseline_n // 2, cookies=cookies
    )

    # 3. The measured window.
    rec.samples = []
    pids = web_pids(serve)
    cpu_before = cpu_seconds(pids)
    report["loadavg_window_start"] = loadavg()
    rec.window_start = time.monotonic()
    deadline = rec.window_start + args.duration
    await asyncio.gather(*(vu.run(deadline) for vu in vusers))
    elapsed = time.monotonic() - rec.window_start
    pids = sorted(set(pids) | set(web_pids(serve)))
    web_cpu = cpu_seconds(pids) - cpu_before
    report["loadavg_window_end"] = loadavg()
    for vu in vusers:
        await vu.close()

    # 4. Baseline again, after the load.
    baseline["login_page_after"] = await sequential(url, "/masuk/", args.baseline_n)
    report["uptime_after"] = uptime()

    samples = rec.samples
    kinds = sorted({s.kind for s in samples})
    per_kind = {k: summarise([s for s in samples if s.kind == k]) for k in kinds}
    overall = summarise(samples)
    # Requests started inside the window; the last ones may end a little after it.
    overall["requests_per_second"] = round(len(samples) / args.duration, 1)
    overall["elapsed_s"] = round(elapsed, 1)
    if pids:
        overall["web_cpu_ms_per_request"] = round(web_cpu * 1000 / max(len(samples), 1), 1)
    error_kinds: dict[str, int] = {}
    for s in samples:
        if s.error:
            error_kinds[f"{s.kind}: {s.error}"] = error_kinds.get(f"{s.kind}: {s.error}", 0) + 1
    report.update(
        {
            "settings": {
                "users": args.users,
                "facilitators": args.users - args.supervisors,
                "supervisors": args.supervisors,
                "duration_s": args.duration,
                "think_time_s": [args.think_min, args.think_max],
                "web_concurrency": args.workers if serve else None,
                "cpus": os.cpu_count(),
                "timeout_s": args.timeout,
            },
            "baseline": baseline,
            "logins_before_window": summarise(login_samples),
            "overall": overall,
            "per_kind": per_kind,
            "errors": error_kinds,
            "database_check": check_database(args.database_url, rec, args.tag),
        }
    )
    return report
