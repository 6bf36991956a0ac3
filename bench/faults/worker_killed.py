"""Fault test c: the worker killed."""

from __future__ import annotations

import re
import time

from bench.faults.servers import Results, log, wait_until
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


def fault_worker(stack: Stack, res: Results) -> None:
    log("c. Celery worker SIGKILLed during an import and during a report run")
    admin = stack.session(
        stack.db.one(
            "SELECT username FROM accounts_user WHERE role = 'admin' ORDER BY username LIMIT 1"
        )
    )
    path = roster(stack, stack.args.import_families, "0039")
    before = stack.db.counts()
    response = upload(admin, path)
    imp = import_id(response)
    awaiting, waited = wait_until(
        lambda: import_row(stack, imp)["status"] == "awaiting",
        timeout=600,
        every=2,
        what="the import's check",
    )
    log(f"import {imp} checked in {waited:.0f} s; confirming")
    admin.post(f"/impor/{imp}/konfirmasi/", {"mode": "skip_invalid"}, form_page=f"/impor/{imp}/")
    writing, _ = wait_until(
        lambda: import_row(stack, imp)["started"], timeout=120, every=0.2, what="the write to start"
    )
    time.sleep(stack.args.kill_after)
    state_at_kill = import_row(stack, imp)["status"]
    stack.worker.kill9()
    killed_at = time.monotonic()
    log(f"worker killed {stack.args.kill_after} s into the write (status {state_at_kill})")
    stack.worker.start()  # as a process supervisor would

    def page_says_failed():
        html = admin.client.get(f"/impor/{imp}/status/").text
        return "Impor terhenti sebelum selesai" in html and "Ulangi impor" in html

    shown, _ = wait_until(page_says_failed, timeout=180, every=2, what="the import page")
    truth_s = time.monotonic() - killed_at
    after_kill = stack.db.counts()
    res.check(
        "c1 import: the page stops saying 'importing' and says nothing was written",
        bool(writing)
        and state_at_kill == "importing"
        and bool(shown)
        and after_kill["families"] == before["families"]
        and after_kill["members"] == before["members"],
        status_at_kill=state_at_kill,
        failed_shown_after_s=round(truth_s),
        families_written_by_dead_worker=after_kill["families"] - before["families"],
        members_written_by_dead_worker=after_kill["members"] - before["members"],
    )
    stack.wait_worker()
    admin.post(f"/impor/{imp}/ulangi/", {}, form_page=f"/impor/{imp}/")
    done, took = wait_until(
        lambda: import_row(stack, imp)["status"] in ("done", "failed"),
        timeout=900,
        every=2,
        what="the retried import",
    )
    row, after = import_row(stack, imp), stack.db.counts()
    res.check(
        "c2 import: the retry completes once, no duplicates",
        row["status"] == "done"
        and after["families"] - before["families"] == row["households_created"] > 0
        and after["members"] - before["members"] == row["members_created"]
        and after["duplicate_nik"] == 0,
        status=row["status"],
        retry_s=round(took),
        families_added=after["families"] - before["families"],
        members_added=after["members"] - before["members"],
        households_created=row["households_created"],
        members_created=row["members_created"],
        duplicate_nik=after["duplicate_nik"],
    )

    quarter = last_quarter()
    response = admin.post(
        "/laporan/proses/mulai/", {"triwulan": quarter}, form_page="/laporan/proses/"
    )
    match = re.search(r"/laporan/proses/(\d+)/", response.headers.get("location", ""))
    run_pk = int(match.group(1)) if match else stack.db.one("SELECT max(id) FROM reports_reportrun")
    total = run_row(stack, run_pk)["total"]
    wait_until(
        lambda: run_row(stack, run_pk)["done"] >= 3,
        timeout=300,
        every=0.5,
        what="the first reports",
    )
    stack.worker.kill9()
    killed_at = time.monotonic()
    held = stack.db.rows(
        "SELECT id FROM reports_reportrunitem WHERE run_id = %s AND status = 'running'", [run_pk]
    )
    log(
        f"worker killed during report run {run_pk}: {run_row(stack, run_pk)['done']}/{total} "
        f"done, {len(held)} running"
    )
    stack.worker.start()
    supervisor_view = f"/laporan/proses/{run_pk}/?status=running"

    def stalled_shown():
        if not held:
            return True
        return "Terhenti" in admin.client.get(supervisor_view).text

    shown, _ = wait_until(stalled_shown, timeout=240, every=2, what="'Terhenti'")
    stalled_s = time.monotonic() - killed_at
    # Beat runs the watchdog every 15 minutes; run it now as that tick would.
    watchdog_at = time.monotonic()
    stack.celery_call("reports.tasks.report_runs_resume_stalled")
    done, _ = wait_until(
        lambda: run_row(stack, run_pk)["status"] in ("done", "failed"),
        timeout=900,
        every=2,
        what="the report run",
    )
    took = time.monotonic() - watchdog_at
    run = run_row(stack, run_pk)
    reports, distinct = reports_for(stack, quarter)
    facilitators = stack.db.one(
        "SELECT count(*) FROM accounts_user WHERE role = 'facilitator' AND is_active"
    )
    res.check(
        "c3 report run: the dead worker's items show 'Terhenti', the watchdog completes the "
        "run, one report per facilitator",
        bool(shown)
        and run["status"] == "done"
        and run["done"] == total
        and reports == distinct == facilitators,
        items_held_by_dead_worker=len(held),
        stalled_shown_after_s=round(stalled_s),
        completed_after_watchdog_s=round(took),
        run=f"{run['done']}/{total} {run['status']}",
        reports=reports,
        facilitators=facilitators,
    )
    admin.close()
