"""Load test: 50 simulated users against `make serve` (gunicorn + Celery) for 60 s.

    # starts `make serve` on a free loopback port against pkh_bench (200,000 families):
    .venv/bin/python -m bench.load --broker redis://127.0.0.1:6379/5
    # or against a server that is already running:
    .venv/bin/python -m bench.load --url http://127.0.0.1:8000

Users (bench/seed.py's, password ``bench-pass-2025``): 40 facilitators (``bench_pdp0001``,
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
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass

import httpx

from bench.common import percentile
from bench.serve import ROOT, Serve, free_port, serve_env

PASSWORD = "bench-pass-2025"
TARGET_P95_MS = 300.0
OUT = ROOT / "bench" / "out"

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FAMILY_RE = re.compile(r'href="/keluarga/(\d+)/" class="fw-semibold">([^<]*)</a>')
PAGES_RE = re.compile(r"Halaman \d+ dari (\d+)")
SELECT_RE = re.compile(r'<select name="desa".*?</select>', re.S)
OPTION_RE = re.compile(r'<option value="([^"]+)"')
INPUT_RE = r'name="{}"[^>]*?value="([^"]*)"'
TRACEBACK_MARKERS = ("Traceback (most recent call last)", "Exception Value:")

COMPONENTS = ["SD", "SMP", "SMA", "ANAK_USIA_DINI", "LANSIA", "IBU_HAMIL"]
SORTS = ["nama", "id", "kunjungan", "-kunjungan", "desa"]
PURPOSES = ["verifikasi", "tindak_lanjut_p2k2", "advokasi_bansos", "graduasi", "lainnya"]
SUPERVISOR_PAGES = {
    "team_overview": "/keluarga/tim/",
    "report_team": "/laporan/tim/",
    "report_list": "/laporan/daftar/",
    "graduation_review": "/graduasi/review/",
    "aid_coverage": "/bansos/cakupan/",
}


@dataclass
class Sample:
    kind: str
    role: str
    at: float  # seconds since the window opened (negative: before it)
    ms: float
    status: int  # 0: no response
    error: str = ""


class Recorder:
    def __init__(self) -> None:
        self.samples: list[Sample] = []
        self.window_start = time.monotonic()
        self.saved_visits: list[dict] = []  # {"token", "household", "user"}
        self.failed_visit_posts: list[dict] = []


class WindowClosed(Exception):
    """The measured window ends during a think time: the user stops there."""


class VirtualUser:
    def __init__(self, *, username: str, role: str, url: str, rec: Recorder, args, rng):
        self.username, self.role, self.rec, self.args, self.rng = username, role, rec, args, rng
        self.client = httpx.AsyncClient(
            base_url=url, follow_redirects=False, timeout=args.timeout, http2=False
        )
        self.families: list[tuple[int, str]] = []
        self.pages = 1
        self.villages: list[str] = []
        self.searching = False
        self.deadline = float("inf")

    async def close(self) -> None:
        await self.client.aclose()

    async def request(
        self, kind: str, method: str, path: str, *, data=None, expect=(200,), location=None
    ) -> httpx.Response | None:
        started = time.monotonic()
        try:
            response = await self.client.request(method, path, data=data)
            body = response.text
        except Exception as exc:  # timeouts, refused connections, resets
            ms = (time.monotonic() - started) * 1000
            self.rec.samples.append(
                Sample(kind, self.role, started - self.rec.window_start, ms, 0, type(exc).__name__)
            )
            return None
        ms = (time.monotonic() - started) * 1000
        error = ""
        if any(marker in body for marker in TRACEBACK_MARKERS):
            error = "traceback in page"
        elif response.status_code not in expect:
            error = f"status {response.status_code}"
        elif location and not response.headers.get("location", "").startswith(location):
            error = f"redirect to {response.headers.get('location', '')[:60]}"
        self.rec.samples.append(
            Sample(
                kind, self.role, started - self.rec.window_start, ms, response.status_code, error
            )
        )
        return None if error else response

    async def login(self) -> bool:
        page = await self.request("login_page", "GET", "/masuk/")
        if page is None:
            return False
        token = CSRF_RE.search(page.text).group(1)
        data = {
            "csrfmiddlewaretoken": token,
            "username": self.username,
            "password": PASSWORD,
            "next": "",
        }
        response = await self.request("login_post", "POST", "/masuk/", data=data, expect=(302,))
        return response is not None

    async def think(self) -> None:
        pause = self.rng.uniform(self.args.think_min, self.args.think_max)
        if time.monotonic() + pause >= self.deadline:
            raise WindowClosed
        await asyncio.sleep(pause)

    def _learn(self, html: str) -> None:
        families = [(int(pk), name) for pk, name in FAMILY_RE.findall(html)]
        if families:
            self.families = families
        pages = PAGES_RE.search(html)
        self.pages = int(pages.group(1)) if pages else 1
        select = SELECT_RE.search(html)
        if select and not self.villages:
            self.villages = [v for v in OPTION_RE.findall(select.group(0)) if v]

    # --- actions --------------------------------------------------------------------------
    async def caseload(self) -> None:
        if self.searching:
            await self.request("search_clear", "GET", "/keluarga/hapus-pencarian/", expect=(302,))
            self.searching = False
        page = self.rng.randint(1, self.pages)
        response = await self.request("caseload", "GET", f"/keluarga/?page={page}")
        if response is not None:
            self._learn(response.text)

    async def caseload_filtered(self) -> None:
        params = {}
        if self.rng.random() < 0.6:
            params["status"] = "active"
        if self.rng.random() < 0.4:
            params["komponen"] = self.rng.choice(COMPONENTS)
        if self.rng.random() < 0.3:
            params["belum_dikunjungi"] = "on"
        if self.villages and self.rng.random() < 0.4:
            params["desa"] = self.rng.choice(self.villages)
        params["urut"] = self.rng.choice(SORTS)
        query = "&".join(f"{k}={v}" for k, v in params.items())
        response = await self.request("caseload_filtered", "GET", f"/keluarga/?{query}")
        if response is not None:
            self._learn(response.text)

    async def search(self) -> None:
        if not self.families:
            return await self.caseload()
        page = await self.request("caseload", "GET", "/keluarga/")
        if page is None:
            return
        self._learn(page.text)
        name = self.rng.choice(self.families)[1].split()
        term = self.rng.choice(name) if name else "SRI"
        data = {"csrfmiddlewaretoken": CSRF_RE.search(page.text).group(1), "q": term}
        await self.think()
        posted = await self.request(
            "search_post", "POST", "/keluarga/", data=data, expect=(302,), location="/keluarga/"
        )
        if posted is None:
            return
        self.searching = True
        response = await self.request("caseload_search", "GET", posted.headers["location"])
        if response is not None:
            self._learn(response.text)

    async def family(self) -> int | None:
        if not self.families:
            await self.caseload()
            if not self.families:
                return None
            await self.think()
        pk = self.rng.choice(self.families)[0]
        response = await self.request("family", "GET", f"/keluarga/{pk}/")
        return pk if response is not None else None

    async def visit(self) -> None:
        pk = await self.family()
        if pk is None:
            return
        await self.think()
        form = await self.request("visit_form", "GET", f"/keluarga/{pk}/kunjungan/baru/")
        if form is None:
            return
        html = form.text
        token = re.search(INPUT_RE.format("client_token"), html).group(1)
        data = {
            "csrfmiddlewaretoken": CSRF_RE.search(html).group(1),
            "date": re.search(INPUT_RE.format("date"), html).group(1),
            "purpose": self.rng.choice(PURPOSES),
            "notes": f"Kunjungan rutin. {self.args.tag}",
            "follow_up_date": "",
            "client_token": token,
        }
        await self.think()  # filling the form in
        saved = await self.request(
            "visit_post",
            "POST",
            f"/keluarga/{pk}/kunjungan/baru/",
            data=data,
            expect=(302,),
            location=f"/keluarga/{pk}/",
        )
        record = {"token": token, "household": pk, "user": self.username, "data": data}
        if saved is None:
            self.rec.failed_visit_posts.append(record)
            return
        self.rec.saved_visits.append(record)
        await self.request("family", "GET", f"/keluarga/{pk}/")

    async def home(self) -> None:
        await self.request("home", "GET", "/")

    async def supervisor_page(self) -> None:
        kind = self.rng.choice(list(SUPERVISOR_PAGES))
        await self.request(kind, "GET", SUPERVISOR_PAGES[kind])

    async def run(self, deadline: float) -> None:
        if self.role == "facilitator":
            actions = [
                (self.caseload, 25),
                (self.caseload_filtered, 20),
                (self.search, 10),
                (self.family, 25),
                (self.visit, 12),
                (self.home, 8),
            ]
        else:
            actions = [
                (self.supervisor_page, 50),
                (self.home, 10),
                (self.caseload, 15),
                (self.caseload_filtered, 10),
                (self.family, 15),
            ]
        functions, weights = zip(*actions, strict=True)
        # Users do not all click at the same instant: start within one think time.
        await asyncio.sleep(self.rng.uniform(0, self.args.think_max))
        self.deadline = deadline
        try:
            while time.monotonic() < deadline:
                await self.rng.choices(functions, weights)[0]()
                await self.think()
        except WindowClosed:
            pass


# --- statistics ---------------------------------------------------------------------------
def summarise(samples: list[Sample]) -> dict:
    times = [s.ms for s in samples]
    errors = [s for s in samples if s.error]
    return {
        "n": len(samples),
        "errors": len(errors),
        "p50_ms": round(percentile(times, 50), 1) if times else None,
        "p95_ms": round(percentile(times, 95), 1) if times else None,
        "p99_ms": round(percentile(times, 99), 1) if times else None,
        "max_ms": round(max(times), 1) if times else None,
        "mean_ms": round(statistics.fmean(times), 1) if times else None,
    }


async def sequential(url: str, path: str, n: int, *, cookies=None) -> dict:
    async with httpx.AsyncClient(base_url=url, cookies=cookies, timeout=30) as client:
        await client.get(path)  # warm-up
        times, statuses = [], set()
        for _ in range(n):
            started = time.monotonic()
            response = await client.get(path)
            times.append((time.monotonic() - started) * 1000)
            statuses.add(response.status_code)
    return {
        "path": path,
        "n": n,
        "statuses": sorted(statuses),
        "p50_ms": round(percentile(times, 50), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "max_ms": round(max(times), 1),
    }


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def loadavg() -> str:
    with open("/proc/loadavg") as fh:
        return " ".join(fh.read().split()[:3])


def cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            pass
    return total / ticks


def web_pids(serve: Serve | None) -> list[int]:
    if serve is None or serve.proc is None:
        return []
    return serve.pids("gunicorn")


# --- the database check -------------------------------------------------------------------
def check_database(database_url: str, rec: Recorder, tag: str) -> dict:
    import psycopg2

    tokens = [v["token"] for v in rec.saved_visits]
    failed = [v["token"] for v in rec.failed_visit_posts]
    conn = psycopg2.connect(database_url)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT client_token::text, count(*), min(id), min(household_id) "
                "FROM households_visit WHERE client_token = ANY(%s::uuid[]) GROUP BY 1",
                [tokens + failed],
            )
            found = {row[0]: row[1:] for row in cur.fetchall()}
            visit_ids = [found[t][1] for t in tokens if t in found]
            cur.execute(
                "SELECT id, count(*) FROM households_historicalvisit "
                "WHERE id = ANY(%s) AND history_type = '+' GROUP BY id",
                [visit_ids],
            )
            history = dict(cur.fetchall())
            cur.execute("SELECT count(*) FROM households_visit WHERE notes LIKE %s", [f"%{tag}"])
            tagged = cur.fetchone()[0]
            cur.execute(
                "SELECT count(*) FROM households_household h WHERE h.id = ANY(%s) AND "
                "(h.last_visit_on IS NULL OR h.last_visit_on < ("
                "SELECT max(date) FROM households_visit v WHERE v.household_id = h.id))",
                [[v["household"] for v in rec.saved_visits]],
            )
            stale_last_visit = cur.fetchone()[0]
    finally:
        conn.close()
    households = {v["token"]: v["household"] for v in rec.saved_visits}
    missing = [t for t in tokens if t not in found]
    duplicated = [t for t in tokens if t in found and found[t][0] != 1]
    wrong_family = [t for t in tokens if t in found and found[t][2] != households[t]]
    no_history = [t for t in tokens if t in found and history.get(found[t][1]) != 1]
    failed_but_saved = [t for t in failed if t in found]
    result = {
        "visits_saved_by_clients": len(tokens),
        "visit_posts_failed": len(failed),
        "failed_posts_that_did_commit": len(failed_but_saved),
        "missing": len(missing),
        "not_exactly_once": len(duplicated),
        "wrong_family": len(wrong_family),
        "without_history_row": len(no_history),
        "visits_with_run_tag": tagged,
        "households_with_stale_last_visit": stale_last_visit,
    }
    result["ok"] = (
        not missing
        and not duplicated
        and not wrong_family
        and not no_history
        and tagged == len(tokens) + len(failed_but_saved)
        and stale_last_visit == 0
    )
    return result


# --- main ---------------------------------------------------------------------------------
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


def markdown(report: dict) -> str:
    o, s = report["overall"], report["settings"]
    lines = [
        f"Load run {report['started'][:19]} ({report['tag']}): {s['users']} users "
        f"({s['facilitators']} facilitators, {s['supervisors']} supervisors), "
        f"{s['duration_s']} s, think time {s['think_time_s'][0]}-{s['think_time_s'][1]} s, "
        f"WEB_CONCURRENCY={s['web_concurrency']}, {s['cpus']} CPUs",
        f"uptime before: {report['uptime_before']}",
        f"uptime after:  {report['uptime_after']}",
        "",
        "| baseline (one request at a time) | n | p50 ms | p95 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, b in report["baseline"].items():
        lines.append(
            f"| {name} `{b['path']}` | {b['n']} | {b['p50_ms']} | {b['p95_ms']} | {b['max_ms']} |"
        )
    lines += [
        "",
        f"**{o['n']} requests in {o['elapsed_s']} s: {o['requests_per_second']} req/s, "
        f"{o['errors']} errors**"
        + (
            f", web CPU {o['web_cpu_ms_per_request']} ms/request"
            if "web_cpu_ms_per_request" in o
            else ""
        ),
        "",
        "| page kind | n | errors | p50 ms | p95 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]

    def row(name, k):
        flag = " **(over)**" if k["p95_ms"] is not None and k["p95_ms"] > TARGET_P95_MS else ""
        return (
            f"| {name} | {k['n']} | {k['errors']} | {k['p50_ms']} | {k['p95_ms']}{flag} | "
            f"{k['p99_ms']} | {k['max_ms']} |"
        )

    for kind, k in report["per_kind"].items():
        lines.append(row(kind, k))
    lines.append(row("**overall**", o))
    lg = report["logins_before_window"]
    lines += [
        "",
        f"Logins before the window: {lg['n']}, p50 {lg['p50_ms']} ms, p95 {lg['p95_ms']} ms.",
    ]
    if report["errors"]:
        lines.append("Errors: " + ", ".join(f"{k} x{v}" for k, v in report["errors"].items()))
    db = report["database_check"]
    lines.append(
        f"Database check: {'PASS' if db['ok'] else 'FAIL'}: "
        + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in db.items() if k != "ok")
    )
    target = o["errors"] == 0 and o["p95_ms"] is not None and o["p95_ms"] < TARGET_P95_MS
    lines.append(
        f"Target (0 errors, overall p95 < {TARGET_P95_MS:.0f} ms): {'met' if target else 'NOT met'}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.split("\n")[0]
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


if __name__ == "__main__":
    sys.exit(main())
