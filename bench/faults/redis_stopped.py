"""Fault test b: Redis stopped."""

from __future__ import annotations

import time

from bench.common import percentile
from bench.faults.servers import REDIS_MESSAGE, Results, clean_page, log, wait_until
from bench.faults.stack import (
    Stack,
    import_id,
    import_row,
    last_quarter,
    reports_for,
    roster,
    run_row,
    upload,
)


def fault_redis(stack: Stack, res: Results) -> None:
    log("b. Redis stopped")
    facilitator = stack.session(
        stack.db.one(
            "SELECT username FROM accounts_user WHERE role = 'facilitator' ORDER BY username LIMIT 1"
        )
    )
    supervisor = stack.session(
        stack.db.one(
            "SELECT username FROM accounts_user WHERE role = 'supervisor' ORDER BY username LIMIT 1"
        )
    )
    admin = stack.session(
        stack.db.one(
            "SELECT username FROM accounts_user WHERE role = 'admin' ORDER BY username LIMIT 1"
        )
    )
    family = stack.db.one(
        "SELECT h.id FROM households_household h JOIN accounts_user u ON u.id = h.facilitator_id "
        "WHERE u.username = %s ORDER BY h.id LIMIT 1",
        [facilitator.username],
    )
    pages = ["/", "/keluarga/", f"/keluarga/{family}/", "/keluarga/?status=active&urut=kunjungan"]

    def timed_pages(n: int = 5) -> tuple[list[float], list[int]]:
        times, statuses = [], []
        for _ in range(n):
            for path in pages:
                started = time.monotonic()
                response = facilitator.client.get(path)
                times.append((time.monotonic() - started) * 1000)
                statuses.append(response.status_code if clean_page(response) else -1)
        return times, statuses

    before, _ = timed_pages()
    path = roster(stack, 200, "0038")
    families_before = stack.db.counts()["families"]
    stack.redis.stop()
    log("Redis stopped")
    during, statuses = timed_pages()
    res.check(
        "b1 pages work with Redis down",
        all(s == 200 for s in statuses),
        requests=len(statuses),
        non_200=sum(1 for s in statuses if s != 200),
        p50_ms_before=round(percentile(before, 50)),
        p50_ms_during=round(percentile(during, 50)),
        p95_ms_before=round(percentile(before, 95)),
        p95_ms_during=round(percentile(during, 95)),
    )
    quarter = last_quarter()
    started = time.monotonic()
    response = supervisor.post("/laporan/tim/", {"triwulan": quarter}, form_page="/laporan/tim/")
    report_ms = (time.monotonic() - started) * 1000
    shown = supervisor.client.get(response.headers.get("location", "/laporan/tim/")).text
    run_pk = stack.db.one("SELECT max(id) FROM reports_reportrun")
    run = run_row(stack, run_pk) if run_pk else {}
    res.check(
        "b2 a report run started with Redis down answers with a clear message",
        response.status_code == 302 and REDIS_MESSAGE in shown and run.get("status") == "failed",
        status=response.status_code,
        answer_ms=round(report_ms),
        message_shown=REDIS_MESSAGE in shown,
        run_status=run.get("status"),
    )
    started = time.monotonic()
    response = upload(admin, path)
    upload_ms = (time.monotonic() - started) * 1000
    imp = import_id(response) if response.status_code == 302 else None
    shown = admin.client.get(f"/impor/{imp}/").text if imp else response.text
    res.check(
        "b3 a roster upload with Redis down answers with a clear message",
        imp is not None and REDIS_MESSAGE in shown and import_row(stack, imp)["status"] == "failed",
        status=response.status_code,
        answer_ms=round(upload_ms),
        message_shown=REDIS_MESSAGE in shown,
        import_status=import_row(stack, imp)["status"] if imp else None,
    )

    stack.redis.start()
    started = time.monotonic()
    reconnect_s = stack.wait_worker()
    log(f"Redis back; the worker answers after {reconnect_s:.1f} s")
    supervisor.post(
        f"/laporan/proses/{run_pk}/lanjutkan/", {}, form_page=f"/laporan/proses/{run_pk}/"
    )
    admin.post(f"/impor/{imp}/ulangi/", {}, form_page=f"/impor/{imp}/")
    awaiting, _ = wait_until(
        lambda: import_row(stack, imp)["status"] == "awaiting",
        timeout=300,
        what="the import's check",
    )
    if awaiting:
        admin.post(
            f"/impor/{imp}/konfirmasi/", {"mode": "skip_invalid"}, form_page=f"/impor/{imp}/"
        )
    done_import, _ = wait_until(
        lambda: import_row(stack, imp)["status"] == "done", timeout=300, what="the import"
    )
    done_run, _ = wait_until(
        lambda: run_row(stack, run_pk)["status"] == "done", timeout=300, what="the report run"
    )
    elapsed = time.monotonic() - started
    run = run_row(stack, run_pk)
    row = import_row(stack, imp)
    counts = stack.db.counts()
    reports, distinct = reports_for(stack, quarter)
    res.check(
        "b4 nothing lost once Redis is back: resumed run and retried import complete once",
        bool(done_import and done_run)
        and run["done"] == run["total"]
        and reports == distinct
        and counts["families"] - families_before == row["households_created"] > 0
        and counts["duplicate_nik"] == 0,
        worker_reconnect_s=round(reconnect_s, 1),
        import_status=row["status"],
        households_created=row["households_created"],
        distinct_facilitators=distinct,
        completed_after_s=round(elapsed),
        run=f"{run['done']}/{run['total']} {run['status']}",
        reports=reports,
        families_imported=counts["families"] - families_before,
        duplicate_nik=counts["duplicate_nik"],
    )
    for session in (facilitator, supervisor, admin):
        session.close()
