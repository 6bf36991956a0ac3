"""Offline field work budgets (issue 17): bytes a phone downloads for the app shell and
its caseload, bytes of a warm-cache visit, and the server time and queries of a sync.

    createdb -h 127.0.0.1 -U postgres pkh_offline      # a database of its own
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/pkh_offline
    .venv/bin/python -m bench.bench_offline              # seeds what is missing, then measures
    .venv/bin/python -m bench.bench_offline --records 100 --rounds 3

It seeds with ``bench.seed`` (3,000 families over 10 facilitators: the first has exactly
400 families, the others ~320, the last 10) and plans one P2K2 session today for each
FDS group of the measured facilitators that has none. Idempotent.

Measured through the whole Django stack (the test client; production-like settings,
DEBUG off), signed in as the 400-family facilitator and as the second one (~320):

* **First load** (empty cache): the /lapangan/ page, every stylesheet, script and icon it
  links, the service worker (/sw.js) with every file it keeps, the manifest and its
  icons, /lapangan/status/ and the caseload copy /lapangan/data/. Static files count as
  whitenoise serves them in production (CompressedManifestStaticFilesStorage: the
  smallest of brotli, gzip and the raw file, for a browser that accepts both); dynamic
  responses as Django sends them (the stack does not compress them), headers included.
  A fixed 300 bytes of headers is counted for each static response.
  Budget: under 1 MB (1,048,576 bytes).
* **Warm cache**: what reopening /lapangan/ transfers when the service worker holds the
  shell: the page itself (network first, for a fresh CSRF token), /sw.js (no-cache, the
  browser checks it on navigation) and /lapangan/status/. Budget: under 30 KB.
* **Sync**: ``--records`` (100) queued home visits on distinct families, posted in
  batches of ``PKH_FIELD_SYNC_BATCH_MAX``; then the same records again (every one a
  duplicate: what a phone resends after a dropped answer). Wall time and queries per
  record, median of ``--rounds``. Baseline, same run: the online visit form
  (POST /keluarga/<id>/kunjungan/baru/) for the same number of records; ratios are
  sync/online per record. Budget: 100 records in under 10 s.

The visits and receipts written are deleted afterwards (the families' ``last_visit_on``
keeps today's date). Output: a Markdown table on stdout, JSON in bench/out/offline.json.
Exit status 1 if a budget is missed (``--no-budget`` turns that off).
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import json
import re
import statistics
import sys
import time
import uuid
from pathlib import Path

from bench.common import ROOT, setup_django

OUT = ROOT / "bench" / "out"
STATIC_HEADERS = 300
FIRST_LOAD_BUDGET = 1024 * 1024
WARM_BUDGET = 30 * 1024
SYNC_BUDGET_S = 10.0


def _response_bytes(response) -> int:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return len(response.serialize_headers()) + 4 + len(body)


def _static_bytes(url: str, static_prefix: str) -> tuple[int, int]:
    """(transferred, decoded) bytes of one static file as whitenoise would serve it."""
    import brotli
    from django.contrib.staticfiles import finders

    name = url[len(static_prefix) :].split("?")[0]
    path = finders.find(name)
    if path is None:
        raise SystemExit(f"static file not found: {name}")
    raw = Path(path).read_bytes()
    # whitenoise keeps a compressed copy only when it saves enough; the smallest is sent.
    sizes = [len(raw), len(gzip.compress(raw, 9)), len(brotli.compress(raw))]
    return min(sizes) + STATIC_HEADERS, len(raw)


LINK = re.compile(r"""<(?:script|link|img)\b[^>]*?\b(?:src|href)=["']([^"']+)["']""", re.I)


def _ensure_sessions(user_ids: list[int], log) -> None:
    from django.utils import timezone

    from accounts.models import User
    from fds_sessions import services as fds_services
    from fds_sessions.models import FdsGroup, FdsModuleSession, FdsSession, SessionStatus

    today = timezone.localdate()
    item = FdsModuleSession.objects.order_by("module__number", "order").first()
    planned = 0
    for user in User.objects.filter(pk__in=user_ids):
        for group in FdsGroup.objects.filter(facilitator=user, is_active=True):
            if FdsSession.objects.filter(group=group, status=SessionStatus.PLANNED).exists():
                continue
            fds_services.session_plan(group=group, date=today, module_session=item, by=user)
            planned += 1
    if planned:
        log(f"planned {planned} P2K2 sessions")


def _first_load(client) -> dict:
    from django.templatetags.static import static
    from django.urls import reverse

    from field.sw import SHELL_ASSETS

    prefix = static("")
    rows = []

    def dynamic(label, url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        rows.append((label, _response_bytes(response), len(response.content)))
        return response

    page = dynamic("page /lapangan/", reverse("field:app"))
    statics = {u for u in LINK.findall(page.content.decode()) if u.startswith(prefix)}
    statics |= {static(name) for name in SHELL_ASSETS}
    manifest = dynamic("manifest", reverse("field:manifest"))
    statics |= {icon["src"] for icon in json.loads(manifest.content)["icons"]}
    dynamic("service worker /sw.js", reverse("field:service_worker"))
    for url in sorted(statics):
        sent, raw = _static_bytes(url, prefix)
        rows.append((f"static {url[len(prefix) :]}", sent, raw))
    dynamic("status /lapangan/status/", reverse("field:status"))
    data = dynamic("caseload /lapangan/data/", reverse("field:data"))
    snapshot = json.loads(data.content)
    shell = sum(sent for label, sent, _ in rows if not label.startswith("caseload"))
    caseload = rows[-1][1]
    return {
        "rows": rows,
        "shell_bytes": shell,
        "caseload_bytes": caseload,
        "caseload_gzip_bytes": len(gzip.compress(data.content, 6)),
        "total_bytes": shell + caseload,
        "families": len(snapshot["families"]),
        "members": sum(len(f["members"]) for f in snapshot["families"]),
        "sessions": len(snapshot["sessions"]),
    }


def _warm(client) -> dict:
    from django.urls import reverse

    rows = []
    for label, url in (
        ("page /lapangan/", reverse("field:app")),
        ("service worker /sw.js", reverse("field:service_worker")),
        ("status /lapangan/status/", reverse("field:status")),
    ):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        rows.append((label, _response_bytes(response), len(response.content)))
    return {"rows": rows, "total_bytes": sum(r[1] for r in rows)}


def _visit_records(households: list[int], today: str) -> list[dict]:
    return [
        {
            "token": str(uuid.uuid4()),
            "kind": "visit",
            "data": {
                "household": pk,
                "date": today,
                "purpose": "verifikasi",
                "notes": "Kunjungan bench offline.",
                "follow_up_date": "",
            },
        }
        for pk in households
    ]


def _post_batches(client, records: list[dict], batch: int) -> tuple[float, int, list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    url = reverse("field:sync")
    statuses = []
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        for i in range(0, len(records), batch):
            response = client.post(
                url, json.dumps({"records": records[i : i + batch]}), "application/json"
            )
            assert response.status_code == 200, response.content
            statuses += [r["status"] for r in response.json()["results"]]
        elapsed = time.perf_counter() - start
    return elapsed, len(queries), statuses


def _online(client, records: list[dict]) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        for record in records:
            data = dict(record["data"])
            household = data.pop("household")
            data["client_token"] = record["token"]
            response = client.post(reverse("households:visit_create", args=[household]), data)
            assert response.status_code == 302, response.content[:500]
        elapsed = time.perf_counter() - start
    return elapsed, len(queries)


def _sync(client, user, *, n: int, rounds: int) -> dict:
    from django.conf import settings
    from django.urls import reverse
    from django.utils import timezone

    from field.models import FieldDevice, SyncReceipt
    from households.models import Household, Visit

    households = list(
        Household.objects.filter(facilitator=user).order_by("id").values_list("id", flat=True)
    )
    if len(households) < n:
        raise SystemExit(f"only {len(households)} families for {n} records")
    today = timezone.localdate().isoformat()
    batch = settings.PKH_FIELD_SYNC_BATCH_MAX
    runs = {"sync": [], "resend": [], "online": []}
    queries = {}
    tokens = []
    # As a phone does: the caseload copy registers the device, whose key every sync
    # request names (X-PKH-Device); without it the sync is refused.
    copy = client.get(reverse("field:data"))
    assert copy.status_code == 200, copy.status_code
    client.defaults["HTTP_X_PKH_DEVICE"] = json.loads(copy.content)["device"]
    try:
        # Warm-up (connections, caches), not counted.
        warm = _visit_records(households[:5], today)
        tokens += [r["token"] for r in warm]
        _post_batches(client, warm, batch)
        _online(client, _visit_records(households[5:10], today))
        for _ in range(rounds):
            records = _visit_records(households[:n], today)
            tokens += [r["token"] for r in records]
            elapsed, count, statuses = _post_batches(client, records, batch)
            assert statuses == ["applied"] * n, set(statuses)
            runs["sync"].append(elapsed)
            queries["sync"] = count
            elapsed, count, statuses = _post_batches(client, records, batch)
            assert statuses == ["duplicate"] * n, set(statuses)
            runs["resend"].append(elapsed)
            queries["resend"] = count
            online = _visit_records(households[:n], today)
            tokens += [r["token"] for r in online]
            elapsed, count = _online(client, online)
            runs["online"].append(elapsed)
            queries["online"] = count
    finally:
        SyncReceipt.objects.filter(user=user).delete()
        FieldDevice.objects.filter(user=user).delete()
        Visit.objects.filter(facilitator=user, notes="Kunjungan bench offline.").delete()
    out = {"records": n, "batch": batch, "rounds": rounds}
    for key, times in runs.items():
        median = statistics.median(times)
        out[key] = {
            "total_s": median,
            "ms_per_record": median * 1000 / n,
            "queries_per_record": queries[key] / n,
            "times_s": times,
        }
    online = out["online"]
    for key in ("sync", "resend"):
        out[key]["x_online_time"] = out[key]["ms_per_record"] / online["ms_per_record"]
        out[key]["x_online_queries"] = out[key]["queries_per_record"] / online["queries_per_record"]
    return out


def _kb(n: int) -> str:
    return f"{n / 1024:,.1f} KB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-budget", action="store_true")
    args = parser.parse_args(argv)

    setup_django()
    from django.core.management import call_command

    from accounts.models import User
    from bench.common import client_for, database_name
    from bench.seed import seed

    call_command("migrate", verbosity=0)
    log = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    info = seed(families=3_000, facilitators=10, team_size=10, history=False, log=log)
    big = User.objects.get(pk=info["facilitator"])
    second = (
        User.objects.filter(username__startswith="bench_pdp")
        .exclude(pk__in=[info["facilitator"], info["small_facilitator"]])
        .order_by("id")
        .first()
    )
    _ensure_sessions([big.pk, second.pk], log)

    result = {
        "run_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": database_name(),
        "first_load": {},
        "warm": {},
    }
    lines = []
    for user in (big, second):
        client = client_for(user)
        first = _first_load(client)
        warm = _warm(client)
        result["first_load"][user.username] = first
        result["warm"][user.username] = warm
        lines.append(
            f"| {user.username} | {first['families']} families, {first['members']} members, "
            f"{first['sessions']} sessions | {_kb(first['shell_bytes'])} | "
            f"{_kb(first['caseload_bytes'])} (gzip would be {_kb(first['caseload_gzip_bytes'])}) "
            f"| **{_kb(first['total_bytes'])}** = {first['total_bytes'] / FIRST_LOAD_BUDGET:.2f} "
            f"x budget | **{_kb(warm['total_bytes'])}** = "
            f"{warm['total_bytes'] / WARM_BUDGET:.2f} x budget |"
        )
    from field.models import FieldDevice

    FieldDevice.objects.filter(user__in=[big, second]).delete()  # the copies registered them
    sync = _sync(client_for(big), big, n=args.records, rounds=args.rounds)
    result["sync"] = sync

    print(f"Run {result['run_at']} on {result['database']}\n")
    print("| user | caseload | shell + sw + assets | caseload copy | first load | warm cache |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    print("\n".join(lines))
    print(f"\nBudgets: first load < {_kb(FIRST_LOAD_BUDGET)}, warm cache < {_kb(WARM_BUDGET)}.\n")
    print(
        f"Sync of {sync['records']} visits in batches of {sync['batch']} "
        f"(median of {sync['rounds']} rounds; baseline: the online visit form, same run):\n"
    )
    print("| path | total s | ms / record | x online | queries / record | x online |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for key, label in (
        ("online", "online form (baseline)"),
        ("sync", "sync: applied"),
        ("resend", "sync: resent (duplicates)"),
    ):
        row = sync[key]
        print(
            f"| {label} | {row['total_s']:.2f} | {row['ms_per_record']:.1f} | "
            f"{row.get('x_online_time', 1.0):.2f} | {row['queries_per_record']:.1f} | "
            f"{row.get('x_online_queries', 1.0):.2f} |"
        )
    print(f"\nBudget: {sync['records']} records in < {SYNC_BUDGET_S:.0f} s.")

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "offline.json").write_text(json.dumps(result, indent=2, default=str))
    missed = [
        name
        for name, over in (
            (
                "first load",
                any(f["total_bytes"] >= FIRST_LOAD_BUDGET for f in result["first_load"].values()),
            ),
            ("warm cache", any(w["total_bytes"] >= WARM_BUDGET for w in result["warm"].values())),
            ("sync", sync["sync"]["total_s"] >= SYNC_BUDGET_S),
        )
        if over
    ]
    if missed:
        print(f"\nOVER BUDGET: {', '.join(missed)}")
    return 1 if missed and not args.no_budget else 0


if __name__ == "__main__":
    sys.exit(main())
