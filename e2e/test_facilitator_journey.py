"""A facilitator's day on a 360x740 touch phone: sign in, find a family, log a home visit,
hold a P2K2 session and take attendance, assess the family's welfare and propose its
graduation. Every step checks what the page says, and that it fits the screen."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import family, join_group
from e2e.journey import PHONE, Journey, number
from fds_sessions.models import Attendance, FdsSession, SessionStatus
from fds_sessions.tests.factories import GroupFactory
from graduation.models import GraduationAssessment, GraduationProposal, ProposalStatus
from graduation.tests.factories import PDF_BYTES
from households.models import Sex, Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = datetime.date
PENGURUS = [
    "Sri Lestari",
    "Endang Susanti",
    "Tutik Haryanti",
    "Wahyuni Saputri",
    "Sukini Prasetyo",
    "Ngatini Wibowo",
    "Dewi Kurniasih",
    "Rini Nugraheni",
]


@pytest.fixture
def caseload(facilitator, migration_rows):
    """Ten families; two mothers are called Sumarni, one of them in group Melati Patalan
    with five other families."""
    target = family(
        facilitator=facilitator,
        pengurus="Sumarni Rahayu",
        head="Ngadiman",
        children=[("Bagus Prasetyo", D(2016, 7, 9), Sex.MALE, "SD")],
        id_keluarga="3402090100007",
        address="Dusun Kertan",
    )
    namesake = family(
        facilitator=facilitator,
        pengurus="Sumarni Widodo",
        head="Sutrisno",
        children=[("Putri Ayu", D(2022, 4, 30), Sex.FEMALE, "ANAK_USIA_DINI")],
        address="Dusun Ngablak",
    )
    others = [
        family(
            facilitator=facilitator,
            pengurus=name,
            head=f"Bapak {name.split()[1]}",
            children=[(f"Anak {name.split()[0]}", D(2014, 3, 1 + i), Sex.MALE, "SD")],
        )
        for i, name in enumerate(PENGURUS)
    ]
    group = GroupFactory(facilitator=facilitator, name="Melati Patalan")
    join_group(group, [target, *others[:5]])
    return {"target": target, "namesake": namesake, "group": group}


def test_facilitator_day_on_a_phone(browser, live_server, facilitator, caseload):
    target, group = caseload["target"], caseload["group"]
    j = Journey(browser, live_server, device=PHONE)
    page = j.page

    # Sign in through the form; the home page counts the caseload.
    j.login("pendamping1")
    expect(page.locator(".card").filter(has_text="Keluarga").first).to_contain_text("10")

    # Find the family: search by name (two Sumarni), then filter by the P2K2 group.
    j.menu("Keluarga")
    expect(page.locator("h1")).to_contain_text("Keluarga Saya")
    assert number(page.locator("h1 .badge").inner_text()) == 10
    page.get_by_role("searchbox").fill("sumarni")
    j.tap(page.get_by_role("button", name="Cari", exact=True))
    expect(page.locator("h1 .badge")).to_have_text("2")
    rows = page.locator("table.table-caseload tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Sumarni Rahayu")).to_have_count(1)
    expect(rows.filter(has_text="Sumarni Widodo")).to_have_count(1)
    j.assert_fits()
    j.tap(page.locator("summary", has_text="Saring dan urutkan"))
    page.select_option("#id_kelompok", label="Melati Patalan")
    j.tap(page.get_by_role("button", name="Terapkan"))
    expect(page.locator("h1 .badge")).to_have_text("1")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Sumarni Rahayu")
    expect(rows.first).to_contain_text("3402090100007")
    expect(rows.first).to_contain_text("Belum pernah")  # never visited
    j.assert_fits()

    # The family page.
    j.tap(rows.first.get_by_role("link", name="Sumarni Rahayu"))
    page.wait_for_url(j.url("households:detail", target.pk))
    expect(page.locator("h1")).to_have_text("Sumarni Rahayu")
    expect(
        page.locator(".list-group-item .fw-semibold").filter(has_text="Ngadiman")
    ).to_be_visible()
    expect(page.get_by_text("Belum ada kunjungan.")).to_be_visible()
    j.assert_fits()

    # Log a home visit.
    j.tap(page.get_by_role("link", name="Catat kunjungan"))
    page.wait_for_url(j.url("households:visit_create", target.pk))
    j.assert_fits()
    expect(page.locator("#id_date")).to_have_value(timezone.localdate().isoformat())
    page.select_option("#id_purpose", label="Advokasi bansos")
    notes = "KKS terblokir, diantar ke BRI unit Jetis untuk buka blokir."
    page.fill("#id_notes", notes)
    follow_up = timezone.localdate() + datetime.timedelta(days=14)
    page.fill("#id_follow_up_date", follow_up.isoformat())
    j.tap(page.get_by_role("button", name="Simpan"))
    page.wait_for_url(j.url("households:detail", target.pk))
    j.expect_message("Kunjungan dicatat.")
    history = page.locator("h2:has-text('Riwayat kunjungan') + ul > li")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text("Advokasi bansos")
    expect(history.first).to_contain_text(notes)
    expect(history.first).to_contain_text(f"Tindak lanjut {follow_up.day} ")
    j.assert_fits()
    assert Visit.objects.get(household=target).purpose == "advokasi_bansos"

    # P2K2: plan today's session of the group and take attendance.
    j.menu("P2K2")
    card = page.locator(f"[data-group='{group.pk}']")
    expect(card).to_contain_text("Melati Patalan")
    expect(card).to_contain_text("6 keluarga")
    j.tap(card)
    page.wait_for_url(j.url("fds_sessions:group_detail", group.pk))
    expect(page.get_by_text("Belum ada pertemuan.")).to_be_visible()
    j.assert_fits()
    j.tap(page.get_by_role("link", name="Rencanakan pertemuan"))
    expect(page.locator(".alert-info")).to_contain_text("1.1")  # the curriculum's first
    j.assert_fits()
    j.tap(page.get_by_role("button", name="Simpan"))
    page.wait_for_url(re.compile(r"/p2k2/pertemuan/\d+/$"))
    session = FdsSession.objects.get(group=group)
    assert page.url == j.url("fds_sessions:session_detail", session.pk)
    j.expect_message("Pertemuan direncanakan.")
    expect(page.locator("h1 .badge")).to_have_text("Direncanakan")
    j.tap(page.get_by_role("link", name="Catat kehadiran"))
    page.wait_for_url(j.url("fds_sessions:session_attendance", session.pk))
    j.assert_fits()
    counter = page.locator("#att-count")
    expect(counter).to_have_text("6 / 6 belum ditandai")
    members = list(group.memberships.order_by("pk").values_list("household_id", flat=True))
    absent, sick = members[1], members[2]
    j.tap(page.locator(f"label[for='a{absent}-absent']"))
    j.tap(page.locator(f"label[for='a{sick}-sick']"))
    expect(counter).to_have_text("4 / 6 belum ditandai")
    j.tap(page.get_by_role("button", name="Yang belum ditandai: hadir"))
    expect(counter).to_have_text("Semua keluarga sudah ditandai")
    j.tap(page.get_by_role("button", name="Simpan kehadiran"))
    page.wait_for_url(j.url("fds_sessions:session_detail", session.pk))
    j.expect_message("Kehadiran disimpan.")
    expect(page.locator("h1 .badge")).to_have_text("Terlaksana")
    marks = page.locator("li[data-household]")
    expect(marks).to_have_count(6)
    present = page.locator("li[data-household] .badge").filter(has_text=re.compile("^Hadir$"))
    expect(present).to_have_count(4)
    expect(page.locator(f"li[data-household='{absent}'] .badge")).to_have_text("Tidak hadir")
    expect(page.locator(f"li[data-household='{sick}'] .badge")).to_have_text("Sakit")
    expect(page.locator(f"li[data-household='{target.pk}'] .badge")).to_have_text("Hadir")
    j.assert_fits()
    j.tap(page.get_by_role("link", name="Melati Patalan"))
    page.wait_for_url(j.url("fds_sessions:group_detail", group.pk))
    expect(page.locator(".list-group-item").first).to_contain_text("4 dari 6 keluarga hadir")
    assert Attendance.objects.filter(session=session).count() == 6
    assert FdsSession.objects.get(pk=session.pk).status == SessionStatus.HELD

    # Welfare assessment of the family, from its row in the group.
    j.tap(page.locator(f"tr[data-household='{target.pk}'] a"))
    page.wait_for_url(j.url("households:detail", target.pk))
    expect(page.locator("[data-fact='readiness']")).to_contain_text("Belum dinilai")
    j.tap(page.get_by_role("link", name="Nilai kesejahteraan"))
    page.wait_for_url(j.url("graduation:assessment_create", target.pk))
    j.assert_fits()
    indicators = page.locator("[data-indicator]")
    count = indicators.count()
    assert count >= 5
    for i in range(count):  # the last option of each indicator is the best answer
        j.tap(indicators.nth(i).locator("label.form-check-label").last)
    page.fill("#id_notes", "Usaha warung kelontong berjalan, anak sulung sudah bekerja.")
    j.tap(page.get_by_role("button", name="Simpan penilaian"))
    page.wait_for_url(lambda url: "/graduasi/penilaian/" in url)
    j.expect_message("Penilaian disimpan: skor 100%, Siap graduasi mandiri.")
    expect(page.locator("[data-score]")).to_have_text("100%")
    expect(page.locator("main table tbody tr:not(.table-light)")).to_have_count(count)
    j.assert_fits()
    assessment = GraduationAssessment.objects.get(household=target)
    assert assessment.score_pct == 100

    # Propose the family's graduation with the signed statement.
    j.tap(page.get_by_role("link", name="Kerja graduasi"))
    page.wait_for_url(j.url("graduation:pipeline_family", target.pk))
    j.tap(page.get_by_role("link", name="Usulkan graduasi"))
    page.wait_for_url(j.url("graduation:proposal_create", target.pk))
    expect(page.locator(".card:not([data-family-header])").first).to_contain_text("100%")
    j.assert_fits()
    page.fill(
        "#id_reason",
        "Skor penilaian 100%, penghasilan warung cukup, keluarga bersedia mandiri.",
    )
    page.set_input_files(
        "#id_statement",
        files=[
            {"name": "surat-pernyataan.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
        ],
    )
    j.tap(page.get_by_role("button", name="Kirim usulan"))
    page.wait_for_url(re.compile(r"/graduasi/usulan/\d+/$"))
    proposal = GraduationProposal.objects.get(household=target)
    assert page.url == j.url("graduation:proposal_detail", proposal.pk)
    j.expect_message("Usulan dikirim ke supervisor.")
    expect(page.locator("h1 [data-status]")).to_have_text("Menunggu keputusan")
    expect(page.locator("main dl")).to_contain_text("Skor penilaian 100%")
    j.assert_fits()
    assert proposal.status == ProposalStatus.PENDING
    assert proposal.assessment_id == assessment.pk
