"""The import pages through the real HTTP stack, as the roles that use (or may not use) them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from households.models import Household, Member
from imports.models import ImportMode, ImportStatus, RosterImport
from imports.tests.roster import csv_bytes

pytestmark = pytest.mark.django_db


def upload(client, data: bytes, *, name="roster.csv", mode=ImportMode.ALL_OR_NOTHING, **extra):
    return client.post(
        reverse("imports:create"),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv"), "mode": mode, **extra},
    )


def test_upload_preview_confirm_and_history(
    client, admin_user, builder, django_capture_on_commit_callbacks
):
    families = list(builder.families(3))
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, csv_bytes(families))
    roster_import = RosterImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("imports:detail", args=[roster_import.pk])
    roster_import.refresh_from_db()
    assert roster_import.status == ImportStatus.AWAITING_CONFIRMATION
    assert Household.objects.count() == 0  # a preview writes nothing

    page = client.get(response.url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Pratinjau" in text
    assert "Konfirmasi dan impor" in text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("imports:confirm", args=[roster_import.pk]), {"mode": "all_or_nothing"}
        )
    assert response.status_code == 302
    roster_import.refresh_from_db()
    assert roster_import.status == ImportStatus.DONE and roster_import.committed
    assert Household.objects.count() == 3
    assert Member.objects.count() == sum(len(f) for f in families)

    history = client.get(reverse("imports:list"))
    assert history.status_code == 200
    assert "roster.csv" in history.content.decode()
