"""Who may import a verification sheet: facilitators only, each their own imports; and
the cost of an import does not grow with its rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commitments.models import SheetImportStatus, VerificationEntry
from commitments.tests.sheet_files import confirm, csv_upload, detail_url, pupil, row, upload
from conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def preview(client, family, facilitator, month, school):
    _response, imp = upload(login(client, facilitator), csv_upload([row(pupil(family), month)]))
    client.logout()
    return imp


def urls(imp):
    return {
        "detail": ("get", detail_url(imp)),
        "report": ("get", reverse("commitments:sheet_import_report", args=[imp.pk])),
        "report_xlsx": ("get", reverse("commitments:sheet_import_report_xlsx", args=[imp.pk])),
        "confirm": ("post", reverse("commitments:sheet_import_confirm", args=[imp.pk])),
        "cancel": ("post", reverse("commitments:sheet_import_cancel", args=[imp.pk])),
    }


def test_another_facilitator_gets_404_on_every_page_of_the_import(
    client, preview, other_facilitator
):
    c = login(client, other_facilitator)
    for name, (method, url) in urls(preview).items():
        assert getattr(c, method)(url).status_code == 404, name
    preview.refresh_from_db()
    assert preview.status == SheetImportStatus.PREVIEW
    assert VerificationEntry.objects.count() == 0


@pytest.mark.parametrize("role", ["supervisor", "admin_user"])
def test_supervisors_and_admins_are_refused(request, client, preview, role):
    c = login(client, request.getfixturevalue(role))
    assert c.get(reverse("commitments:sheet_import_create")).status_code == 403
    for name, (method, url) in urls(preview).items():
        assert getattr(c, method)(url).status_code == 403, name
    assert VerificationEntry.objects.count() == 0


def test_a_supervisor_cannot_upload(client, supervisor, family, month, school):
    response, imp = upload(login(client, supervisor), csv_upload([row(pupil(family), month)]))
    assert response.status_code == 403 and imp is None


def test_anonymous_is_sent_to_the_login(client, preview):
    response = client.get(detail_url(preview))
    assert response.status_code == 302 and "/masuk/" in response["Location"]


def test_the_uploader_may_confirm(client, preview, facilitator):
    c = login(client, facilitator)
    assert c.get(detail_url(preview)).status_code == 200
    confirm(c, preview)
    assert VerificationEntry.objects.count() == 1


def _rows(families, month):
    return [row(pupil(h), month, 20, unexcused=i % 3) for i, h in enumerate(families)]


def test_queries_do_not_grow_with_the_rows(
    client, facilitator, many, month, school, django_assert_max_num_queries
):
    """Upload, preview and confirm of 30 rows cost no more queries than of 3."""
    c = login(client, facilitator)
    small, large = csv_upload(_rows(many(3), month)), csv_upload(_rows(many(30), month))
    with CaptureQueriesContext(connection) as upload_small:
        _response, imp = upload(c, small)
    with CaptureQueriesContext(connection) as page_small:
        c.get(detail_url(imp))
    with CaptureQueriesContext(connection) as confirm_small:
        confirm(c, imp)
    assert VerificationEntry.objects.count() == 3

    with django_assert_max_num_queries(len(upload_small)):
        _response, imp = upload(c, large)
    assert imp.rows_valid == 30
    with django_assert_max_num_queries(len(page_small)):
        c.get(detail_url(imp))
    with django_assert_max_num_queries(len(confirm_small)):
        confirm(c, imp)
    assert VerificationEntry.objects.count() == 33
