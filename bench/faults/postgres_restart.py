"""Fault test a: PostgreSQL restarted under load."""

from __future__ import annotations

import asyncio
import random
import re
import time
import uuid
from types import SimpleNamespace

import httpx

from bench.common import percentile
from bench.faults.servers import Results, log
from bench.faults.stack import Stack
from bench.load import CSRF_RE, INPUT_RE, Recorder, VirtualUser


async def fault_postgres(stack: Stack, res: Results) -> None:
    log("a. PostgreSQL restart under a light load")
    args = SimpleNamespace(
        think_min=0.2,
        think_max=1.0,
        timeout=stack.args.timeout,
        tag=f"[uji-gangguan {uuid.uuid4().hex[:8]}]",
    )
    rec = Recorder()
    names = [
        u
        for (u,) in stack.db.rows(
            "SELECT username FROM accounts_user WHERE role = 'facilitator' ORDER BY username LIMIT 6"
        )
    ]
    users = [
        VirtualUser(
            username=u,
            role="facilitator",
            url=stack.serve.url,
            rec=rec,
            args=args,
            rng=random.Random(i),
        )
        for i, u in enumerate(names)
    ]
    for vu in users:
        assert await vu.login()
    # A probe that asks for the caseload every 0.25 s, to time the outage and recovery.
    probe = users[0]
    probe_log: list[tuple[float, int]] = []
    window = 40.0
    rec.samples, rec.window_start = [], time.monotonic()
    deadline = rec.window_start + window
    pg_times: dict[str, float] = {}

    async def probing():
        async with httpx.AsyncClient(
            base_url=stack.serve.url, cookies=probe.client.cookies, timeout=args.timeout
        ) as client:
            while time.monotonic() < deadline:
                started = time.monotonic()
                try:
                    status = (await client.get("/keluarga/")).status_code
                except httpx.HTTPError:
                    status = 0
                probe_log.append((started - rec.window_start, status))
                await asyncio.sleep(0.25)

    family = stack.db.one(
        "SELECT h.id FROM households_household h JOIN accounts_user u ON u.id = h.facilitator_id "
        "WHERE u.username = %s ORDER BY h.id LIMIT 1",
        [probe.username],
    )
    visit_path = f"/keluarga/{family}/kunjungan/baru/"
    outage_post: list[int] = []

    async def restart():
        await asyncio.sleep(12)
        # A facilitator has the visit form open when the database goes away, and submits it.
        form = (await probe.client.get(visit_path)).text
        data = {
            "csrfmiddlewaretoken": CSRF_RE.search(form).group(1),
            "date": re.search(INPUT_RE.format("date"), form).group(1),
            "purpose": "verifikasi",
            "notes": f"Dikirim saat basis data mati. {args.tag}",
            "follow_up_date": "",
            "client_token": re.search(INPUT_RE.format("client_token"), form).group(1),
        }
        pg_times["stop"] = time.monotonic() - rec.window_start
        await asyncio.to_thread(stack.pg.stop, "fast")
        pg_times["stopped"] = time.monotonic() - rec.window_start
        response = await probe.client.post(visit_path, data=data)
        outage_post.append(response.status_code)
        record = {
            "token": data["client_token"],
            "household": family,
            "user": probe.username,
            "data": data,
        }
        if response.status_code == 302:
            rec.saved_visits.append(record)
        else:
            rec.failed_visit_posts.append(record)
        await asyncio.sleep(stack.args.pg_down)  # the database stays down this long
        await asyncio.to_thread(stack.pg.start)
        pg_times["ready"] = time.monotonic() - rec.window_start

    await asyncio.gather(restart(), probing(), *(vu.run(deadline) for vu in users[1:]))
    samples = rec.samples
    bad = [s for s in samples if s.status == 0 or "traceback" in s.error]
    unclean = [s for s in samples if s.status >= 400 and s.status not in (500, 503)]
    failed = [s for s in samples if s.status in (500, 503)]
    res.check(
        "a1 every request answered within the timeout, errors are the clean 503/500 page",
        not bad and not unclean and max(s.ms for s in samples) < stack.args.timeout * 1000,
        requests=len(samples),
        answered_503_or_500=len(failed),
        no_answer_or_traceback=len(bad),
        other_4xx_5xx=len(unclean),
        max_ms=round(max(s.ms for s in samples)),
        p95_ms=round(percentile([s.ms for s in samples], 95)),
        db_down_s=round(pg_times["ready"] - pg_times["stop"], 1),
    )
    ready = pg_times["ready"]
    first_ok = next((t for t, status in probe_log if t >= ready and status == 200), None)
    errors_after = [t for t, status in probe_log if t > (first_ok or 1e9) and status != 200]
    res.check(
        "a2 the app recovers within 5 s after PostgreSQL is back",
        first_ok is not None and first_ok - ready <= 5 and not errors_after,
        recovery_s=round(first_ok - ready, 2) if first_ok is not None else None,
        probe_errors_after_recovery=len(errors_after),
        probe_503s=sum(1 for _, status in probe_log if status == 503),
    )
    web_alive = bool(stack.serve.pids("gunicorn")) and bool(stack.serve.pids("celery", "beat"))
    worker_alive = stack.worker.proc.poll() is None
    res.check(
        "a3 gunicorn, beat and the worker survive the restart",
        web_alive and worker_alive and stack.serve.proc.poll() is None,
        web_and_beat=web_alive,
        worker=worker_alive,
    )

    # Resubmit every visit POST that failed, with the same form (client_token).
    # Twice: a second resubmission (a double tap) must not add a visit either.
    resubmitted = []
    for record in rec.failed_visit_posts * 2:
        vu = next(v for v in users if v.username == record["user"])
        response = await vu.client.post(
            f"/keluarga/{record['household']}/kunjungan/baru/", data=record["data"]
        )
        resubmitted.append(response.status_code)
    for vu in users:
        await vu.close()
    tokens = [r["token"] for r in rec.saved_visits + rec.failed_visit_posts]
    rows = stack.db.rows(
        "SELECT v.client_token::text, count(*), count(h.history_id) FROM households_visit v "
        "LEFT JOIN households_historicalvisit h ON h.id = v.id AND h.history_type = '+' "
        "WHERE v.client_token = ANY(%s::uuid[]) GROUP BY 1",
        [tokens],
    )
    found = {token: (n, history) for token, n, history in rows}
    orphans = stack.db.one(
        "SELECT count(*) FROM households_historicalvisit h WHERE h.history_type = '+' "
        "AND h.notes LIKE %s AND NOT EXISTS (SELECT 1 FROM households_visit v WHERE v.id = h.id)",
        [f"%{args.tag}"],
    )
    res.check(
        "a4 no half-written visit; failed POSTs resubmitted give exactly one visit",
        all(found.get(t) == (1, 1) for t in tokens)
        and orphans == 0
        and outage_post == [503]
        and all(code == 302 for code in resubmitted),
        post_during_outage=outage_post,
        visits_saved=len(rec.saved_visits),
        posts_failed_then_resubmitted=len(rec.failed_visit_posts),
        resubmit_statuses=sorted(set(resubmitted)),
        exactly_once_with_history=sum(1 for t in tokens if found.get(t) == (1, 1)),
        of=len(tokens),
        history_rows_without_visit=orphans,
    )
