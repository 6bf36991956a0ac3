"""The PDFs through the HTTP stack: column headers wrap between words (never inside one)
and the report's and the team's charts are drawn in them.

Page streams are written uncompressed here (``rl_config.pageCompression``) so the text the
PDF shows, line by line, can be read back from its ``(...) Tj`` operators."""

import re

import pytest
from django.urls import reverse

from conftest import login
from reports import services
from reports.models import ProgressReport, Trigger
from reports.sections import sections
from reports.tests.conftest import Q

pytestmark = pytest.mark.django_db


@pytest.fixture
def plain_pdf(monkeypatch):
    from reportlab import rl_config

    monkeypatch.setattr(rl_config, "pageCompression", 0)


@pytest.fixture
def reports(seeded, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.report_run_create(
            quarter=Q, facilitators=seeded, by=None, trigger=Trigger.SCHEDULE
        )
    return {r.facilitator_id: r for r in ProgressReport.objects.all()}


def _shown(pdf: bytes) -> list[str]:
    """Each text run the PDF draws (a wrapped cell gives one per line)."""
    text = pdf.decode("latin-1")
    return [re.sub(r"\\(.)", r"\1", m) for m in re.findall(r"\(((?:[^()\\]|\\.)*)\)\s*Tj", text)]


def _assert_words_whole(pdf: bytes, headers: list[str]) -> None:
    """Each header is drawn as consecutive lines whose words are the header's words: a
    word broken across two lines would show as two pieces."""
    lines = [line.split() for line in _shown(pdf)]
    for header in headers:
        words = header.split()
        found = any(
            [w for line in lines[i : i + k] for w in line] == words
            for i in range(len(lines))
            for k in range(1, len(words) + 1)
        )
        assert found, f"{header!r} is not drawn in whole words"


def test_team_pdf_headers_wrap_between_words(client, supervisor, reports, plain_pdf):
    response = login(client, supervisor).get(reverse("reports:team_pdf"), {"triwulan": str(Q)})
    assert response.status_code == 200
    columns = [c.label for s in sections() for c in s.team_columns]
    _assert_words_whole(response.content, [f"{c} (sebelumnya)" for c in columns])


def test_report_pdf_headers_wrap_between_words_and_fit_their_columns(
    client, supervisor, facilitator, reports, plain_pdf
):
    from reports.exports import report_pdf_story
    from reports.presenters import sections_view

    report = reports[facilitator.pk]
    response = login(client, supervisor).get(reverse("reports:detail_pdf", args=[report.pk]))
    assert response.status_code == 200
    views = sections_view(report.snapshot)
    headers = [c for s in views for t in s.tables for c in t.columns]
    assert "Pertemuan triwulan sebelumnya" in headers
    _assert_words_whole(response.content, headers)
    # Each header cell is a paragraph laid out inside its column (a plain string would run
    # past the cell's edge): every line no wider than the column.
    story = report_pdf_story(
        title="t", meta=[], sections=views, signers=[("Pendamping", "x")], charts=[]
    )
    from reportlab.platypus import Paragraph, Table

    from reports.exports import CELL_PAD

    tables = [f for f in story if isinstance(f, Table)][:-1]  # the last: signature lines
    assert tables
    for table in tables:
        cells = [
            [c[0] if isinstance(c, tuple) and c else c for c in row] for row in table._cellvalues
        ]
        header = next(row for row in cells if all(isinstance(c, Paragraph) for c in row))
        for cell, width in zip(header, table._colWidths, strict=True):
            room = width - 2 * CELL_PAD
            cell.wrap(room, 10_000)
            assert max(cell.getActualLineWidths0()) <= room + 0.01, cell.text


def test_report_pdf_carries_the_page_charts(client, supervisor, facilitator, reports, plain_pdf):
    from reportlab.graphics.shapes import Drawing

    from reports.exports import report_pdf_story
    from reports.presenters import chart_views, sections_view

    report = reports[facilitator.pk]
    charts = chart_views(report.snapshot)
    assert {c.key for c in charts} >= {"components", "visits"}
    story = report_pdf_story(
        title="t",
        meta=[],
        sections=sections_view(report.snapshot),
        signers=[("P", "x")],
        charts=charts,
    )
    drawings = [
        f for k in story if hasattr(k, "_content") for f in k._content if isinstance(f, Drawing)
    ]
    assert len(drawings) == len(charts)

    pdf = login(client, supervisor).get(reverse("reports:detail_pdf", args=[report.pk])).content
    shown = _shown(pdf)
    for chart in charts:
        assert chart.title in shown, chart.title
    assert "Triwulan sebelumnya" in shown  # the visit chart's legend
    assert re.search(rb"\d+(\.\d+)? \d+(\.\d+)? \d+(\.\d+)? \d+(\.\d+)? re f", pdf)  # bars


def test_team_pdf_carries_the_graduation_chart(client, supervisor, reports, plain_pdf):
    pdf = login(client, supervisor).get(reverse("reports:team_pdf"), {"triwulan": str(Q)}).content
    shown = _shown(pdf)
    assert "Graduasi sejahtera mandiri terhadap target per pendamping" in shown
    assert "Graduasi mandiri disetujui" in shown  # its legend


def test_pdfs_are_deterministic(client, supervisor, facilitator, reports):
    report = reports[facilitator.pk]
    url = reverse("reports:detail_pdf", args=[report.pk])
    lead = login(client, supervisor)
    assert lead.get(url).content == lead.get(url).content
