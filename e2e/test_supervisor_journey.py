"""A supervisor at a desk: approves a facilitator's graduation proposal, makes the team's
reports for the last quarter and downloads the team's quarterly XLSX, whose figures are
checked against the field work seeded for that quarter."""

from __future__ import annotations

import datetime

import openpyxl
import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from e2e.conftest import family
from e2e.journey import DESKTOP, Journey
from graduation.models import GraduationProposal, ProposalStatus
from graduation.services import proposals as proposal_services
from graduation.tests.factories import assess, pdf_upload
from households.models import Household, HouseholdStatus, Sex
from reports.models import ProgressReport
from reports.quarters import Quarter
from reports.tests.factories import household_at, visit_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Warung sembako berjalan dua tahun; anak sulung bekerja di pabrik garmen."


@pytest.fixture
def quarter(facilitator, other_facilitator, migration_rows):
    """The last ended quarter: pendamping1 had 3 families and made 2 visits in it,
    pendamping2 had 2 families and made 1 visit."""
    q = Quarter.last_ended()
    before = q.start - datetime.timedelta(days=20)
    for f, families, visits in ((facilitator, 3, 2), (other_facilitator, 2, 1)):
        households = [household_at(when=before, facilitator=f) for _ in range(families)]
        for i, h in enumerate(households[:visits]):
            visit_on(h, day=q.first_day + datetime.timedelta(days=15 + i))
    return q


@pytest.fixture
def proposal(facilitator, migration_rows):
    """pendamping1 assessed a family at 100% and proposed its graduation."""
    household = family(
        facilitator=facilitator,
        pengurus="Sumarni Rahayu",
        head="Ngadiman",
        children=[("Bagus Prasetyo", datetime.date(2016, 7, 9), Sex.MALE, "SD")],
    )
    assess(household, by=facilitator, profile=5, days_ago=3)
    return proposal_services.proposal_submit(
        household=household, by=facilitator, reason=REASON, statement=pdf_upload()
    )


def test_supervisor_approves_and_downloads_the_quarter(
    browser, live_server, supervisor, facilitator, other_facilitator, quarter, proposal, tmp_path
):
    j = Journey(browser, live_server, device=DESKTOP, accept_downloads=True)
    page = j.page
    j.login("supervisor1")

    # The proposal waits in the list.
    j.menu("Usulan graduasi")
    expect(page.locator("h1 .badge")).to_have_text("1")
    row = page.locator("main table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Sumarni Rahayu")
    expect(row).to_contain_text("100%")
    expect(row).to_contain_text("Menunggu keputusan")
    expect(row).to_contain_text(str(facilitator))
    j.tap(row.get_by_role("link", name="Sumarni Rahayu"))
    page.wait_for_url(j.url("graduation:proposal_detail", proposal.pk))
    expect(page.locator("main dl")).to_contain_text(REASON)
    expect(page.locator("main dl")).to_contain_text("Graduasi sejahtera mandiri")

    # Approve it, graduating the family today.
    j.tap(page.get_by_label("Setujui"))
    expect(page.locator("#id_graduation_date")).to_have_value(timezone.localdate().isoformat())
    j.tap(page.get_by_role("button", name="Simpan keputusan"))
    page.wait_for_url(j.url("graduation:proposal_detail", proposal.pk))
    j.expect_message("Usulan disetujui; keluarga tercatat graduasi.")
    expect(page.locator("h1 [data-status]")).to_have_text("Disetujui")
    expect(page.locator("main dl")).to_contain_text(f"Disetujui · {supervisor}")
    expect(page.get_by_role("button", name="Simpan keputusan")).to_have_count(0)
    j.assert_fits()
    assert GraduationProposal.objects.get().status == ProposalStatus.APPROVED

    # The family page says so.
    j.tap(page.locator("[data-family-header] a.nik"))
    page.wait_for_url(j.url("households:detail", proposal.household_id))
    # As the page writes it: Indonesian month names ("Des", "Agu", "Okt", "Mei" differ
    # from strftime's English ones).
    with translation.override("id"):
        today = date_format(timezone.localdate())
    expect(page.locator("main dl").first).to_contain_text(f"Graduasi ({today})")
    assert Household.objects.get(pk=proposal.household_id).status == HouseholdStatus.GRADUATED

    # The team's reports for the last quarter: none yet, then made through the page. Pages
    # and files show the quarter as people read it (T3 2026); the key is in URLs and names.
    with translation.override("id"):
        shown = quarter.display
    j.menu("Laporan tim")
    expect(page.locator("h1")).to_have_text(f"Laporan tim triwulan {shown}")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Belum ada laporan")).to_have_count(2)
    j.tap(page.get_by_role("button", name=f"Buat ulang laporan tim {shown}"))
    page.wait_for_url(lambda url: "/laporan/proses/" in url)
    j.expect_message("Laporan tim sedang dibuat ulang (2 pendamping).")
    expect(page.locator("main p").first).to_contain_text("2 dari 2 selesai, 0 gagal.")
    expect(page.locator("main p .badge").first).to_have_text("Selesai")
    assert ProgressReport.objects.filter(quarter=str(quarter)).count() == 2

    j.menu("Laporan tim")
    mine = rows.filter(has_text=str(facilitator))
    theirs = rows.filter(has_text=str(other_facilitator))
    expect(mine.locator("td[data-label='Keluarga (akhir)']")).to_contain_text("3")
    expect(mine.locator("td[data-label='Kunjungan']")).to_contain_text("2")
    expect(theirs.locator("td[data-label='Keluarga (akhir)']")).to_contain_text("2")
    expect(theirs.locator("td[data-label='Kunjungan']")).to_contain_text("1")
    expect(rows.get_by_role("link", name="Laporan", exact=True)).to_have_count(2)
    j.assert_fits()

    # Download the quarter's XLSX and read it.
    with page.expect_download() as download_info:
        j.tap(page.get_by_role("link", name="Unduh XLSX"))
    download = download_info.value
    assert download.suggested_filename == f"laporan-tim-{quarter}-{supervisor.pk}.xlsx"
    download.save_as(tmp_path / download.suggested_filename)
    workbook = openpyxl.load_workbook(tmp_path / download.suggested_filename)
    assert {"Jumlah dampingan", "Kunjungan rumah", "Graduasi terhadap target"} <= set(
        workbook.sheetnames
    )
    caseload = _table(workbook["Jumlah dampingan"])
    visits = _table(workbook["Kunjungan rumah"])
    assert caseload["meta"]["Triwulan"] == shown  # the key stays in the file name
    assert caseload["meta"]["Supervisor"] == str(supervisor)
    assert set(caseload["rows"]) == {"pendamping1", "pendamping2"}
    assert caseload["rows"]["pendamping1"]["Keluarga (akhir)"] == 3
    assert caseload["rows"]["pendamping2"]["Keluarga (akhir)"] == 2
    assert visits["rows"]["pendamping1"]["Kunjungan"] == 2
    assert visits["rows"]["pendamping2"]["Kunjungan"] == 1
    assert visits["rows"]["pendamping1"]["Pendamping"] == str(facilitator)

    # pendamping1's own report for the quarter, and its XLSX.
    j.tap(mine.get_by_role("link", name="Laporan", exact=True))
    page.wait_for_url(lambda url: "/laporan/" in url and url.rstrip("/").split("/")[-1].isdigit())
    expect(page.locator("main")).to_contain_text(str(facilitator))
    with page.expect_download() as download_info:
        j.tap(page.get_by_role("link", name="Unduh XLSX"))
    download = download_info.value
    assert download.suggested_filename == f"laporan-{quarter}-{facilitator.pk}.xlsx"
    download.save_as(tmp_path / download.suggested_filename)
    report = openpyxl.load_workbook(tmp_path / download.suggested_filename)
    figures = {
        row[0]: row[1] for row in report["Kunjungan rumah"].iter_rows(values_only=True) if row[0]
    }
    assert figures["Triwulan"] == shown
    assert figures["Pendamping"] == str(facilitator)
    assert figures["Kunjungan rumah dicatat"] == 2
    assert figures["Keluarga yang dikunjungi"] == 2
    assert figures["Keluarga aktif yang tidak dikunjungi"] == 1
    j.browser.assert_no_page_errors()


def _table(sheet) -> dict:
    """A team sheet: "label: value" lines, then a header row starting with "Pendamping"
    and one row per facilitator, keyed by username."""
    meta, rows, heads = {}, {}, None
    for values in sheet.iter_rows(values_only=True):
        if heads is None and values[0] == "Pendamping":
            heads = list(values)
        elif heads is None and values[0] is not None and len(values) > 1:
            meta[str(values[0]).rstrip(":")] = values[1]
        elif heads is not None and values[0] is not None:
            row = dict(zip(heads, values, strict=False))
            rows[row["Nama pengguna"]] = row
    assert heads, f"no header row in sheet {sheet.title}"
    return {"meta": meta, "rows": rows}
