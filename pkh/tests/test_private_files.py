"""Uploaded files (P2K2 photos, signed statements, rosters) are served only to users in
scope, never from a public URL, and never in a form a browser would run."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.views.static import serve

from fds_sessions import services as fds_services
from fds_sessions.models import FdsSession
from fds_sessions.tests.factories import GroupFactory, add_families, curriculum
from graduation.models import GraduationProposal
from graduation.tests.factories import assess, ensure_default_form, pdf_upload
from households.models import ExitType
from households.tests.factories import household_with_members
from imports.services import roster_import_create
from pkh.files import private_file_response, private_storage
from pkh.tests.urlwalk import routes

pytestmark = pytest.mark.django_db

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(2)</script></svg>"
)
DISGUISES = [
    ("foto.jpg", HTML, "image/jpeg"),
    ("foto.png", SVG, "image/png"),
    ("foto.svg", SVG, "image/svg+xml"),
]


@pytest.mark.parametrize("name,content,content_type", DISGUISES)
def test_html_or_svg_dressed_as_a_photo_is_refused_at_upload(
    client, facilitator, name, content, content_type
):
    group = GroupFactory(facilitator=facilitator)
    families = add_families(group, 1)
    session = fds_services.session_plan(
        group=group, date=timezone.localdate(), module_session=curriculum(1)[0], by=facilitator
    )
    client.force_login(facilitator)
    response = client.post(
        reverse("fds_sessions:session_attendance", args=[session.pk]),
        {
            f"a{families[0].pk}": "present",
            "notes": "",
            "photo": SimpleUploadedFile(name, content, content_type=content_type),
        },
    )
    assert response.status_code == 200
    assert 'data-error="photo"' in response.content.decode()
    session.refresh_from_db()
    assert not session.photo


@pytest.mark.parametrize("name,content,content_type", DISGUISES)
def test_html_or_svg_dressed_as_a_statement_is_refused_at_upload(
    client, facilitator, name, content, content_type
):
    ensure_default_form()
    household = household_with_members(facilitator=facilitator)
    assess(household)
    client.force_login(facilitator)
    response = client.post(
        reverse("graduation:proposal_create", args=[household.pk]),
        {
            "reason": "Usaha stabil.",
            "exit_type": ExitType.GRADUASI_MANDIRI,
            "statement": SimpleUploadedFile(name, content, content_type=content_type),
        },
    )
    assert response.status_code == 200
    assert "statement" in response.context["form"].errors
    assert not GraduationProposal.objects.exists()


def test_statement_is_an_attachment_and_photo_an_inline_jpeg(
    client, facilitator, supervisor, other_team_facilitator
):
    ensure_default_form()
    household = household_with_members(facilitator=facilitator)
    assess(household)
    client.force_login(facilitator)
    client.post(
        reverse("graduation:proposal_create", args=[household.pk]),
        {
            "reason": "Usaha stabil.",
            "exit_type": ExitType.GRADUASI_MANDIRI,
            "statement": pdf_upload(),
        },
    )
    proposal = GraduationProposal.objects.get()
    assert proposal.statement.name.endswith(".pdf")  # named by its content, not the upload
    for user in (facilitator, supervisor):
        client.force_login(user)
        response = client.get(reverse("graduation:proposal_statement", args=[proposal.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
    client.force_login(other_team_facilitator)
    response = client.get(reverse("graduation:proposal_statement", args=[proposal.pk]))
    assert response.status_code == 404


def test_a_file_of_unknown_type_goes_out_as_an_opaque_download(tmp_path, settings):
    settings.PKH_PRIVATE_MEDIA_ROOT = tmp_path
    name = private_storage().save("statements/x.html", ContentFile(HTML))
    field = GraduationProposal(statement=name).statement
    response = private_file_response(field, content_type="text/html", filename="x.html")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    response.close()
    image = private_file_response(field, content_type="image/png", filename="x.png")
    assert image["Content-Disposition"].startswith("inline;")
    image.close()


def test_rosters_live_outside_media_root_and_no_url_serves_them(client, admin_user):
    roster_import = roster_import_create(
        by=admin_user,
        file=ContentFile(b"no_kk,nik\n", name="roster.csv"),
        file_name="roster.csv",
        enqueue=False,
    )
    path = Path(roster_import.file.path)
    assert Path(settings.PKH_PRIVATE_MEDIA_ROOT) in path.parents
    assert Path(settings.MEDIA_ROOT) not in path.parents
    with pytest.raises(ValueError):
        roster_import.file.url  # noqa: B018 - private files have no URL
    # Nothing in the URL configuration serves files from disk, for MEDIA_URL or otherwise.
    assert not [r.name or r.pattern for r in routes() if r.callback is serve]
    client.force_login(admin_user)
    for guess in (
        f"/{settings.MEDIA_URL}{roster_import.file.name}",
        f"/{settings.MEDIA_URL}imports/",
        f"/private_media/{roster_import.file.name}",
    ):
        assert client.get(guess).status_code == 404
    # The import's own pages offer the rejection report, never the uploaded file.
    page = client.get(reverse("imports:detail", args=[roster_import.pk])).content.decode()
    assert roster_import.file.name not in page


def test_another_admins_import_reports_are_404(client, admin_user, regions):
    from accounts.tests.factories import AdminFactory
    from regions.models import Region

    colleague = AdminFactory(username="admin5", areas=[Region.objects.get(code="34.02")])
    roster_import = roster_import_create(
        by=colleague,
        file=ContentFile(b"no_kk,nik\n", name="roster.csv"),
        file_name="roster.csv",
        enqueue=False,
    )
    client.force_login(admin_user)
    for kind, fmt in (("ditolak", "csv"), ("peringatan", "xlsx")):
        url = reverse("imports:report", args=[roster_import.pk, kind, fmt])
        assert client.get(url).status_code == 404


def test_session_photo_is_a_nosniff_jpeg_for_the_team_only(
    client, facilitator, supervisor, other_team_facilitator
):
    import io

    from PIL import Image

    group = GroupFactory(facilitator=facilitator)
    families = add_families(group, 1)
    session = fds_services.session_plan(
        group=group, date=timezone.localdate(), module_session=curriculum(1)[0], by=facilitator
    )
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 40)).save(out, format="PNG")
    fds_services.session_hold(
        session=session,
        attendance={families[0].pk: "present"},
        photo=SimpleUploadedFile("foto.png", out.getvalue(), content_type="image/png"),
        by=facilitator,
    )
    session = FdsSession.objects.get(pk=session.pk)
    url = reverse("fds_sessions:session_photo", args=[session.pk, "besar"])
    client.force_login(supervisor)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"  # re-encoded, whatever was uploaded
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    client.force_login(other_team_facilitator)
    assert client.get(url).status_code == 404
