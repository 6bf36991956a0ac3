"""The import pages through the real HTTP stack, as the roles that may not use them."""

import pytest
from django.urls import reverse

from imports.models import ImportStatus, RosterImport
from imports.tests.helpers import make_import, upload
from imports.tests.roster import csv_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["facilitator", "supervisor"])
def test_other_roles_are_refused(client, request, role, admin_user, builder):
    roster_import = make_import(admin_user, csv_bytes([builder.family(1)]))
    client.force_login(request.getfixturevalue(role))
    pk = roster_import.pk
    for url in (
        reverse("imports:list"),
        reverse("imports:create"),
        reverse("imports:detail", args=[pk]),
        reverse("imports:status", args=[pk]),
        reverse("imports:report", args=[pk, "ditolak", "csv"]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("imports:confirm", args=[pk])).status_code == 403
    assert upload(client, csv_bytes([builder.family(2)])).status_code == 403
    assert RosterImport.objects.count() == 1


def test_another_admins_import_is_not_found(client, admin_user, other_region_admin, builder):
    roster_import = make_import(admin_user, csv_bytes([builder.family(1)]))
    client.force_login(other_region_admin)
    pk = roster_import.pk
    for url in (
        reverse("imports:detail", args=[pk]),
        reverse("imports:status", args=[pk]),
        reverse("imports:report", args=[pk, "ditolak", "csv"]),
        reverse("imports:report", args=[pk, "peringatan", "xlsx"]),
    ):
        assert client.get(url).status_code == 404, url
    for name in ("imports:confirm", "imports:cancel", "imports:retry"):
        assert client.post(reverse(name, args=[pk])).status_code == 404
    assert "r.csv" not in client.get(reverse("imports:list")).content.decode()
    roster_import.refresh_from_db()
    assert roster_import.status == ImportStatus.AWAITING_CONFIRMATION


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("imports:list"))
    assert response.status_code == 302 and "masuk" in response.url


def test_menu_entry_for_admins_only(client, admin_user, facilitator):
    client.force_login(admin_user)
    assert reverse("imports:list") in client.get(reverse("home")).content.decode()
    client.force_login(facilitator)
    assert reverse("imports:list") not in client.get(reverse("home")).content.decode()
