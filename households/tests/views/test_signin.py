"""Signing in, the roles' first page and the language."""

import pytest
from django.urls import reverse

from households.tests.factories import HouseholdFactory
from households.tests.views.helpers import url

pytestmark = pytest.mark.django_db


def test_anonymous_users_only_see_the_login_page(client, facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    for target in [
        reverse("home"),
        url("caseload"),
        url("detail", household.pk),
        url("team_overview"),
    ]:
        response = client.get(target)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert client.get(reverse("login")).status_code == 200


def test_login_with_username_and_password(client, facilitator):
    response = client.post(
        reverse("login"), {"username": "pendamping1", "password": "rahasia-123"}, follow=True
    )
    assert response.context["user"] == facilitator
    assert "Daftar tugas" in response.content.decode()


def test_wrong_password_shows_an_error_in_indonesian(client, facilitator):
    response = client.post(reverse("login"), {"username": "pendamping1", "password": "salah"})
    assert response.status_code == 200
    assert "nama pengguna dan sandi" in response.content.decode().lower()


def test_english_switch(client, facilitator):
    client.force_login(facilitator)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(url("caseload"))
    assert "My families" in response.content.decode()
    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    assert "Keluarga Saya" in client.get(url("caseload")).content.decode()


def test_indonesian_even_when_the_browser_asks_for_english(client, facilitator):
    client.force_login(facilitator)
    response = client.get(url("caseload"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Keluarga Saya" in response.content.decode()
