"""A district admin imports a roster with bad rows: upload, preview with the rejected rows,
confirm, watch the progress bar to the end, download the rejection report.

Where the tasks run decides what the page can show:

* PostgreSQL with a broker (CI): a real Celery worker. The preview and the import arrive
  by htmx polling. To see the progress bar at work whatever the machine's speed, the test
  holds the import lock (the PostgreSQL advisory lock one import at a time takes) while
  the admin confirms: the page shows the import waiting for its turn, then, once the
  lock is released, the bar runs to the end and the result replaces it.
* Otherwise (SQLite, no broker): tasks run in-process, inside the upload and the confirm
  requests, so the preview and the result are already there when the page loads; the
  journey checks the same preview, result and report, without the bar at work.
"""

from __future__ import annotations

import csv
import os
import re

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from e2e.journey import DESKTOP, Journey
from households.models import Household
from households.tests.factories import JETIS_VILLAGES
from imports.models import ImportStatus, RosterImport
from imports.services import IMPORT_LOCK_KEY
from imports.tests.roster import RosterBuilder, csv_bytes, spoil

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

FILE_NAME = "roster-jetis-november.csv"
# Records, in the page, each state of the import's status card: "bar:<percent>" or "result".
RECORD_PROGRESS = """
window.importProgress = [];
document.addEventListener("DOMContentLoaded", () => {
  const record = () => {
    const card = document.getElementById("import-status");
    if (!card) return;
    const bar = card.querySelector("[role=progressbar]");
    const state = bar ? "bar:" + bar.getAttribute("aria-valuenow")
      : card.textContent.includes("Hasil impor") ? "result" : "other";
    if (window.importProgress.at(-1) !== state) window.importProgress.push(state);
  };
  record();
  new MutationObserver(record).observe(document.body, {childList: true, subtree: true});
});
"""
WORKER_TIMEOUT = 45_000  # ms: a worker on a loaded CI machine, polled every second
# Families spoiled, and how (imports.tests.roster.spoil): their last row is rejected.
SPOILED = {2: 0, 4: 1, 6: 4}  # NIK in scientific notation, 31 Feb, sex "X"
EXPECTED = {  # kind -> (column, value, reason)
    0: ("NIK", "E+15", "NIK ditulis Excel dalam notasi ilmiah"),
    1: ("TANGGAL_LAHIR", "31/02/2019", "Tanggal tidak terbaca"),
    4: ("JENIS_KELAMIN", "X", "Harus L atau P."),
}


@pytest.fixture
def worker(request, transactional_db):
    """A real worker where CI has one (PostgreSQL and a broker), else in-process tasks."""
    wanted = os.environ.get("REQUIRE_WORKER") == "1" or (
        os.environ.get("CELERY_BROKER_URL") and connection.vendor == "postgresql"
    )
    return request.getfixturevalue("real_worker") if wanted else None


@pytest.fixture
def roster(admin_user, facilitator, other_facilitator):
    """Eight Jetis families (4-6 members each, as Indonesian exports write them); three
    have one bad row. Returns the file and, per spoiled family, the bad row's line."""
    builder = RosterBuilder(
        villages=list(JETIS_VILLAGES),
        facilitators=[facilitator.username, other_facilitator.username],
        seed=11,
        today=timezone.localdate(),
    )
    families = list(builder.families(8))
    rejected, line = {}, 1  # the header is line 1
    for i, rows in enumerate(families):
        line += len(rows)
        if i in SPOILED:
            spoil(rows, SPOILED[i])
            rejected[line] = SPOILED[i]
    return {
        "bytes": csv_bytes(families),
        "rows": sum(len(rows) for rows in families),
        "rejected": rejected,
        "families": len(families),
    }


def test_admin_imports_a_roster_with_bad_rows(browser, live_server, admin_user, roster, worker):
    j = Journey(browser, live_server, device=DESKTOP, accept_downloads=True)
    page = j.page
    j.login("admin1")

    j.menu("Impor roster")
    j.tap(page.get_by_role("link", name="Impor roster baru"))
    page.set_input_files(
        "input[type=file]",
        files=[{"name": FILE_NAME, "mimeType": "text/csv", "buffer": roster["bytes"]}],
    )
    expect(page.get_by_label("Semua atau tidak sama sekali")).to_be_checked()
    j.tap(page.get_by_role("button", name="Unggah dan periksa"))
    page.wait_for_url(re.compile(r"/impor/\d+/$"))
    roster_import = RosterImport.objects.get()
    expect(page.locator("h1")).to_contain_text(FILE_NAME)

    # The preview (arriving by htmx polling when a worker checks the file).
    status = page.locator("#import-status")
    badge = status.locator(".badge").first
    expect(badge).to_have_text("Menunggu konfirmasi", timeout=WORKER_TIMEOUT)
    figures = _figures(page)
    assert figures["Baris dibaca"] == str(roster["rows"])
    assert figures["Baris ditolak"] == "3"
    assert figures["Keluarga dilewati (ada baris ditolak)"] == "3"
    assert figures["Keluarga baru / diubah / tetap"] == "5 / 0 / 0"
    rejections = _issues(page, "Baris ditolak")
    assert [r["Baris"] for r in rejections] == [str(n) for n in sorted(roster["rejected"])]
    for row in rejections:
        column, value, reason = EXPECTED[roster["rejected"][int(row["Baris"])]]
        assert row["Kolom"] == column, row
        assert value in row["Nilai"], row
        assert row["Alasan"].startswith(reason), row
    expect(status).to_contain_text("3 baris ditolak.")
    expect(status.get_by_role("button", name="Konfirmasi dan impor")).to_have_count(0)
    assert Household.objects.count() == 0  # nothing written before the confirmation
    j.browser.assert_no_page_errors()

    # Confirm (skipping the three families) and watch the progress to the end.
    # The button says it changes the mode, and leads to a confirm step that says so too.
    j.tap(status.get_by_role("button", name=re.compile("Ganti mode .* tanpa 3 keluarga")))
    expect(page.locator("h1")).to_contain_text("Konfirmasi impor")
    expect(page.locator("main")).to_contain_text("3 keluarga yang punya baris ditolak")
    page.add_init_script(RECORD_PROGRESS)  # from the page the confirmation leads to
    confirm = page.get_by_role("button", name=re.compile("Ya, ganti mode dan impor tanpa 3"))
    if worker is None:
        j.tap(confirm)
    else:
        with _import_lock():
            j.tap(confirm)
            j.expect_message("Impor dimulai. Halaman ini menampilkan kemajuannya.")
            expect(badge).to_have_text("Mengimpor")
            bar = status.get_by_role("progressbar")
            expect(bar).to_be_visible()
            expect(status).to_contain_text(
                "Menunggu giliran: impor lain sedang berjalan", timeout=WORKER_TIMEOUT
            )
            assert RosterImport.objects.get().status == ImportStatus.IMPORTING
        expect(bar).to_have_count(0, timeout=WORKER_TIMEOUT)  # replaced by the result
        # What this one page showed, in order (htmx swaps, no reload): the bar, never
        # going backwards, then the result.
        shown = page.evaluate("window.importProgress")
        assert shown[-1] == "result", shown
        percents = [int(s.split(":")[1]) for s in shown[:-1]]
        assert percents and all(s.startswith("bar:") for s in shown[:-1]), shown
        assert percents == sorted(percents), f"the bar went backwards: {shown}"
        assert status.get_attribute("hx-get") is None, "still polling after the end"
    expect(badge).to_have_text("Selesai")
    expect(status.locator("h2").first).to_have_text("Hasil impor")
    figures = _figures(page)
    assert figures["Keluarga baru / diubah / tetap"] == "5 / 0 / 0"
    assert figures["Keluarga dilewati (ada baris ditolak)"] == "3"
    assert Household.objects.count() == 5
    j.browser.assert_no_page_errors()

    # The rejection report: each bad row with its line, column and reason.
    card = page.locator(".card").filter(has=page.locator("h2", has_text="Baris ditolak"))
    with page.expect_download() as download_info:
        j.tap(card.get_by_role("link", name="CSV", exact=True))
    download = download_info.value
    assert download.suggested_filename == f"roster-jetis-november-ditolak-{roster_import.pk}.csv"
    with open(download.path(), encoding="utf-8-sig", newline="") as handle:
        report = list(csv.DictReader(handle, delimiter=";"))
    assert len(report) == 3
    by_line = {int(row[_key(row, "BARIS")]): row for row in report}
    assert set(by_line) == set(roster["rejected"])
    for line, row in by_line.items():
        column, value, reason = EXPECTED[roster["rejected"][line]]
        assert row[_key(row, "KOLOM")] == column, row
        assert value in row[_key(row, "NILAI")], row
        assert row[_key(row, "ALASAN")].startswith(reason), row

    # The five good families are in the admin's caseload.
    j.menu("Keluarga")
    expect(page.locator("h1 .badge")).to_have_text("5")
    j.browser.assert_no_page_errors()


def _figures(page) -> dict[str, str]:
    terms = page.locator("#import-status dl dt").all_inner_texts()
    values = page.locator("#import-status dl dd").all_inner_texts()
    return {t.strip(): v.strip() for t, v in zip(terms, values, strict=True)}


def _issues(page, title: str) -> list[dict[str, str]]:
    card = page.locator("#import-status .card").filter(has=page.locator("h2", has_text=title))
    heads = [h.strip() for h in card.locator("thead th").all_inner_texts()]
    return [
        dict(zip(heads, [c.strip() for c in tr.locator("td").all_inner_texts()], strict=True))
        for tr in card.locator("tbody tr").all()
    ]


def _key(row: dict, name: str) -> str:
    """The report's column called ``name`` (case-insensitive)."""
    return next(k for k in row if k.strip().upper() == name)


class _import_lock:
    """Hold the import lock from this test's own connection, as another import would."""

    def __enter__(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [IMPORT_LOCK_KEY])

    def __exit__(self, *exc):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [IMPORT_LOCK_KEY])
