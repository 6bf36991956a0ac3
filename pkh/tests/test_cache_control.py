"""Signed-in pages hold personal data: ``Cache-Control: private, no-store`` on each
(pkh.middleware.PrivatePagesNoStoreMiddleware); downloads keep their own header, anonymous
and static responses stay as they were."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from households.tests.factories import household_with_members
from imports.models import RosterImport
from imports.services import roster_import_create

pytestmark = pytest.mark.django_db

NO_STORE = "private, no-store"


@pytest.mark.parametrize(
    "url",
    [
        lambda h: reverse("home"),
        lambda h: reverse("households:caseload"),
        lambda h: reverse("households:detail", args=[h.pk]),
    ],
    ids=["home", "caseload", "family page"],
)
def test_signed_in_pages_are_not_stored(client, facilitator, url):
    household = household_with_members(facilitator=facilitator)
    client.force_login(facilitator)
    response = client.get(url(household))
    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE


def test_the_family_page_really_is_the_family_page(client, facilitator):
    """The parametrised URL above is the family page (guards the lambda)."""
    household = household_with_members(facilitator=facilitator)
    client.force_login(facilitator)
    response = client.get(reverse("households:detail", args=[household.pk]))
    assert household.no_kk in response.content.decode()


def test_an_htmx_partial_is_not_stored(client, admin_user):
    roster_import = roster_import_create(
        by=admin_user,
        file=ContentFile(b"no_kk,nik\n", name="roster.csv"),
        file_name="roster.csv",
        enqueue=False,
    )
    client.force_login(admin_user)
    response = client.get(
        reverse("imports:status", args=[roster_import.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE


def test_a_post_answer_and_an_error_page_are_not_stored(
    client, facilitator, other_team_facilitator
):
    theirs = household_with_members(facilitator=other_team_facilitator)
    client.force_login(facilitator)
    assert client.post(reverse("households:caseload"), {"q": "SRI"})["Cache-Control"] == NO_STORE
    response = client.get(reverse("households:detail", args=[theirs.pk]))
    assert response.status_code == 404
    assert response["Cache-Control"] == NO_STORE


def test_a_download_keeps_its_own_cache_control(client, admin_user):
    roster_import = roster_import_create(
        by=admin_user,
        file=ContentFile(b"no_kk,nik\n", name="roster.csv"),
        file_name="roster.csv",
        enqueue=False,
    )
    RosterImport.objects.filter(pk=roster_import.pk).update(validated_at=timezone.now())
    client.force_login(admin_user)
    response = client.get(reverse("imports:report", args=[roster_import.pk, "ditolak", "csv"]))
    assert response.status_code == 200, response
    assert response["Cache-Control"] == "no-store"


def test_anonymous_responses_are_unaffected(client):
    login_redirect = client.get(reverse("households:caseload"))
    assert login_redirect.status_code == 302
    assert "Cache-Control" not in login_redirect
    login_page = client.get(reverse("login"))
    assert login_page.status_code == 200
    # Django's own never_cache on LoginView, not this middleware's value.
    assert login_page["Cache-Control"] != NO_STORE


def test_static_files_stay_cacheable_for_a_signed_in_user(client, facilitator, settings, tmp_path):
    # As pkh/settings/production.py: whitenoise right after SecurityMiddleware.
    middleware = settings.MIDDLEWARE
    settings.MIDDLEWARE = [
        middleware[0],
        "whitenoise.middleware.WhiteNoiseMiddleware",
        *middleware[1:],
    ]
    settings.WHITENOISE_USE_FINDERS = True
    settings.STATIC_ROOT = str(tmp_path)
    client.force_login(facilitator)
    response = client.get("/static/vendor/bootstrap/bootstrap.purged.min.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
