"""Login throttling (django-axes), idle session expiry and logout, through the HTTP stack."""

import time

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import FacilitatorFactory

pytestmark = pytest.mark.django_db

PASSWORD = "rahasia-123"  # accounts.tests.factories.UserFactory


def attempt(client, username, password, ip="10.1.2.3"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


@pytest.fixture
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    return 3


def lock_out(client, username, limit, ip="10.1.2.3"):
    responses = [attempt(client, username, "salah-tebak", ip) for _ in range(limit)]
    return responses[-1]


def test_wrong_passwords_lock_the_username_from_that_address(client, facilitator, limit):
    for _ in range(limit - 1):
        response = attempt(client, facilitator.username, "salah-tebak")
        assert response.status_code == 200  # the form again, with its error
        assert "login-locked" not in response.content.decode()
    response = attempt(client, facilitator.username, "salah-tebak")
    assert response.status_code == 429
    assert "Terlalu banyak percobaan masuk yang gagal" in response.content.decode()

    # Now even the right password is refused, and no session is opened.
    response = attempt(client, facilitator.username, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302


def test_the_lockout_message_is_translated(client, facilitator, limit):
    client.cookies["django_language"] = "en"
    response = lock_out(client, facilitator.username, limit)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_other_users_and_other_addresses_are_not_affected(client, facilitator, limit):
    colleague = FacilitatorFactory(username="pendamping7", supervisor=facilitator.supervisor)
    lock_out(client, facilitator.username, limit)

    response = attempt(Client(), colleague.username, PASSWORD)
    assert response.status_code == 302  # signed in
    response = attempt(Client(), facilitator.username, PASSWORD, ip="10.9.9.9")
    assert response.status_code == 302  # same user, another device


def test_cool_off_ends_the_lockout(client, facilitator, limit, settings):
    import datetime

    lock_out(client, facilitator.username, limit)
    assert attempt(client, facilitator.username, PASSWORD).status_code == 429
    # Age the attempts past the cool-off instead of sleeping.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time
        - settings.AXES_COOLOFF_TIME
        - datetime.timedelta(seconds=1)
    )
    assert attempt(client, facilitator.username, PASSWORD).status_code == 302


def test_admin_unlocks_with_the_management_command(client, facilitator, limit):
    lock_out(client, facilitator.username, limit)
    call_command("axes_reset_username", facilitator.username)
    assert attempt(client, facilitator.username, PASSWORD).status_code == 302


def test_a_successful_login_resets_the_count(client, facilitator, limit):
    for _ in range(limit - 1):
        attempt(client, facilitator.username, "salah-tebak")
    assert attempt(client, facilitator.username, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(limit - 1):
        assert attempt(client, facilitator.username, "salah-tebak").status_code == 200


def test_a_forged_forwarded_for_header_does_not_dodge_the_lockout(client, facilitator, limit):
    for n in range(limit):
        client.post(
            reverse("login"),
            {"username": facilitator.username, "password": "salah-tebak"},
            REMOTE_ADDR="10.1.2.3",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    assert attempt(client, facilitator.username, PASSWORD).status_code == 429


def test_behind_a_proxy_the_forwarded_address_counts(client, facilitator, limit, settings):
    settings.PKH_TRUSTED_PROXY_COUNT = 1
    for _ in range(limit):
        client.post(
            reverse("login"),
            {"username": facilitator.username, "password": "salah-tebak"},
            REMOTE_ADDR="10.0.0.2",  # the load balancer
            HTTP_X_FORWARDED_FOR="forged, 203.0.113.5",
        )
    locked = client.post(
        reverse("login"),
        {"username": facilitator.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    assert locked.status_code == 429
    elsewhere = Client().post(
        reverse("login"),
        {"username": facilitator.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.77",
    )
    assert elsewhere.status_code == 302


# --- session expiry -------------------------------------------------------------------


def test_an_idle_session_is_sent_to_login(client, facilitator, settings, monkeypatch):
    settings.PKH_SESSION_IDLE_TIMEOUT = 600
    attempt(client, facilitator.username, PASSWORD)
    assert client.get(reverse("households:caseload")).status_code == 200

    later = time.time() + 601
    monkeypatch.setattr("pkh.middleware.time.time", lambda: later)
    response = client.get(reverse("households:caseload"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('households:caseload')}"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "Sesi Anda berakhir" in page.content.decode()


def test_activity_keeps_the_session_alive(client, facilitator, settings, monkeypatch):
    settings.PKH_SESSION_IDLE_TIMEOUT = 600
    settings.PKH_SESSION_ACTIVITY_RESOLUTION = 60
    attempt(client, facilitator.username, PASSWORD)
    now = time.time()
    for step in range(1, 5):  # a request every 5 minutes for 20 minutes
        monkeypatch.setattr("pkh.middleware.time.time", lambda s=step: now + 300 * s)
        assert client.get(reverse("households:caseload")).status_code == 200


def test_an_idle_htmx_poll_reloads_to_login(client, facilitator, settings, monkeypatch):
    settings.PKH_SESSION_IDLE_TIMEOUT = 600
    attempt(client, facilitator.username, PASSWORD)
    later = time.time() + 601
    monkeypatch.setattr("pkh.middleware.time.time", lambda: later)
    response = client.get(reverse("households:caseload"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("login"))


def test_the_session_cookie_has_an_absolute_age(client, facilitator, settings):
    response = attempt(client, facilitator.username, PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_logout_ends_the_session(client, facilitator):
    attempt(client, facilitator.username, PASSWORD)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("logout")).status_code == 405  # only a POST signs out
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302
