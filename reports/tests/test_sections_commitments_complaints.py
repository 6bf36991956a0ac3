"""The commitment-verification and complaints sections together: a report made after
later changes showing the quarter as it was, the sections in the report page, its XLSX
and its PDF, and their query count whatever the caseload."""

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from commitments.models import SanctionKind, SanctionProposal, SanctionStatus
from complaints.models import Complaint, ComplaintCategory, ComplaintStatus
from conftest import login
from households.models import HouseholdStatus
from reports import services
from reports.models import ProgressReport, Trigger
from reports.sections import ReportContext, sections
from reports.snapshot import snapshot_build
from reports.tests.commitments_complaints import (
    BEFORE,
    P,
    Q,
    entry,
    make_complaint,
    proposal,
    quarter_months,
)
from reports.tests.factories import components_at, household_at, member_leave_at, move_at, status_at

pytestmark = pytest.mark.django_db


def test_a_report_made_later_shows_the_quarter_as_it_was(pair):
    me, other = pair
    h = household_at(when=BEFORE, facilitator=me, components=["SD", "LANSIA"])
    child, elder = h.test_members[1:]
    for month in quarter_months(Q):
        entry(child, h, component="SD", month=month, outcome="fails", by=me)
    pending = proposal(
        h, kind=SanctionKind.SUSPENSION, proposed_at=Q.start + datetime.timedelta(days=20)
    )
    category = ComplaintCategory.objects.first()
    opened = Q.start + datetime.timedelta(days=10)
    complaint = make_complaint(
        h,
        opened=opened,
        category=category,
        outcome=None,
        closed=None,
        escalations=[],
    )
    _, summary_before = snapshot_build(facilitator=me, quarter=Q)
    assert summary_before["complaints.open_end"] == 1
    assert summary_before["complaints.overdue_end"] == 1
    assert summary_before["commitments.due"] == 6
    assert summary_before["commitments.suspensions_proposed"] == 1
    assert summary_before["commitments.reductions"] == 1

    # After the quarter: the complaint is resolved, the elder leaves, the child's component
    # changes, the family moves to a colleague and then exits.
    later = Q.end + datetime.timedelta(days=12)
    SanctionProposal.objects.filter(pk=pending.pk).update(
        status=SanctionStatus.CONFIRMED, decided_at=later, decided_by=me.supervisor
    )
    Complaint.objects.filter(pk=complaint.pk).update(
        status=ComplaintStatus.RESOLVED, closed_at=later, resolution="Selesai."
    )
    member_leave_at(elder, when=later)
    components_at(child, codes=["SMP"], when=later + datetime.timedelta(hours=1))
    move_at(h, to=other, by=me, when=later + datetime.timedelta(hours=2))
    status_at(h, status=HouseholdStatus.EXITED, when=later + datetime.timedelta(hours=3))

    _, summary_after = snapshot_build(facilitator=me, quarter=Q)
    keys = [k for k in summary_before if k.startswith(("commitments.", "complaints."))]
    assert {k: summary_after[k] for k in keys} == {k: summary_before[k] for k in keys}
    # The colleague's report of that quarter does not get them.
    _, theirs = snapshot_build(facilitator=other, quarter=Q)
    assert theirs["complaints.open_end"] == 0 and theirs["commitments.due"] == 0


# --- web, XLSX, PDF ----------------------------------------------------------------------


@pytest.fixture
def report(pair, django_capture_on_commit_callbacks):
    me, _other = pair
    h = household_at(when=BEFORE, facilitator=me, components=["SD"])
    entry(h.test_members[1], h, component="SD", month=quarter_months(Q)[0], outcome="fails", by=me)
    make_complaint(
        h,
        opened=Q.start + datetime.timedelta(days=3),
        category=ComplaintCategory.objects.first(),
        outcome=ComplaintStatus.RESOLVED,
        closed=Q.start + datetime.timedelta(days=7),
        escalations=[],
    )
    make_complaint(  # still open at the quarter's end, past its deadline
        h,
        opened=Q.start + datetime.timedelta(days=1),
        category=ComplaintCategory.objects.first(),
        outcome=ComplaintStatus.IN_PROGRESS,
        closed=None,
        escalations=[],
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.report_run_create(quarter=Q, facilitators=[me], by=None, trigger=Trigger.SCHEDULE)
    return ProgressReport.objects.get(facilitator=me, quarter=str(Q))


def test_report_page_xlsx_and_pdf_show_both_sections(client, pair, report, monkeypatch):
    me, other = pair
    login(client, me)
    body = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    for label in [
        "Verifikasi komitmen",
        "Kelengkapan verifikasi",
        "Kepatuhan menurut komponen",
        "Pengaduan menurut kategori",
        "Median lama penyelesaian",
        "Keluarga mendapat peringatan",
        "Jumlah pengurangan bantuan",
        "Usulan penangguhan diajukan",
        "Usulan pembatalan dikonfirmasi",
    ]:
        assert label in body, label
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("reports:detail_xlsx", args=[report.pk])).content)
    )
    assert {"Verifikasi komitmen", "Pengaduan"} <= set(workbook.sheetnames)
    sheet = workbook["Pengaduan"]
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert values["Pengaduan dibuka"] == 2
    assert values["Pengaduan selesai"] == 1
    assert values["Median lama penyelesaian"] == 4
    assert values["Pengaduan lewat tenggat di akhir triwulan"] == 1
    values = {
        row[0]: row[1]
        for row in workbook["Verifikasi komitmen"].iter_rows(values_only=True)
        if row and row[0]
    }
    assert values["Keluarga mendapat peringatan"] == 1
    assert values["Keluarga dengan pengurangan bantuan"] == 0
    assert values["Usulan penangguhan diajukan"] == 0

    from reportlab import rl_config

    monkeypatch.setattr(rl_config, "pageCompression", 0)
    pdf = client.get(reverse("reports:detail_pdf", args=[report.pk])).content.decode("latin-1")
    shown = " ".join(re.findall(r"\(((?:[^()\\]|\\.)*)\)\s*Tj", pdf))
    assert "Verifikasi komitmen" in shown and "Pengaduan menurut kategori" in shown
    for label in ["Pengaduan dibuka", "Median lama penyelesaian", "lewat tenggat di akhir"]:
        assert label in shown, label
    assert "Keluarga mendapat peringatan" in shown and "Usulan pembatalan diajukan" in shown
    # The colleague's report is refused (404), also its downloads.
    login(client, other)
    for name in ["reports:detail", "reports:detail_xlsx", "reports:detail_pdf"]:
        assert client.get(reverse(name, args=[report.pk])).status_code == 404


def _section_queries(facilitator) -> dict[str, int]:
    ctx = ReportContext(facilitator=facilitator, quarter=Q)
    out = {}
    for section in sections():
        with CaptureQueriesContext(connection) as captured:
            section.compute(ctx)
        out[section.key] = len(captured.captured_queries)
    return out


def test_both_sections_cost_the_same_queries_whatever_the_caseload(pair):
    small, large = pair
    for facilitator, n in [(small, 1), (large, 12)]:
        category = ComplaintCategory.objects.first()
        for i in range(n):
            h = household_at(when=BEFORE, facilitator=facilitator, components=["SD", "LANSIA"])
            for month in quarter_months(P) + quarter_months(Q):
                entry(
                    h.test_members[1],
                    h,
                    component="SD",
                    month=month,
                    outcome="fails",
                    by=facilitator,
                )
            make_complaint(
                h,
                opened=Q.start + datetime.timedelta(days=i),
                category=category,
                outcome=ComplaintStatus.RESOLVED,
                closed=Q.start + datetime.timedelta(days=i + 3),
                escalations=[Q.start + datetime.timedelta(days=i + 1)],
            )
            proposal(
                h,
                kind=SanctionKind.SUSPENSION,
                proposed_at=Q.start + datetime.timedelta(days=i),
                status=SanctionStatus.CONFIRMED,
                decided_at=Q.start + datetime.timedelta(days=i + 1),
            )
    counts = [_section_queries(type(f).objects.get(pk=f.pk)) for f in (small, large)]
    assert counts[0] == counts[1]
    # The members as they were are read once for both sections (by the first, caseload).
    # Commitments: entries, component names, failed entries of each quarter, rates, proposals.
    assert (counts[0]["caseload"], counts[0]["commitments"], counts[0]["complaints"]) == (6, 6, 2)
