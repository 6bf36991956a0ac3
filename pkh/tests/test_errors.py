"""Error pages: a clean 503 when the database is unreachable, a plain 500 otherwise."""

from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiet_client(facilitator):
    client = Client(raise_request_exception=False)
    client.force_login(facilitator)
    return client


def test_unreachable_database_answers_503_with_retry_after(quiet_client):
    refused = OperationalError('connection to server at "127.0.0.1", port 5432 failed')
    with mock.patch.object(connection, "ensure_connection", side_effect=refused):
        response = quiet_client.get(reverse("households:caseload"))
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    text = response.content.decode()
    assert "Layanan sedang tidak tersedia" in text
    assert "kunjungan yang sama tidak akan tercatat dua kali" in text
    assert "5432" not in text and "Traceback" not in text and "OperationalError" not in text


def test_unreachable_database_on_a_post_also_answers_503(quiet_client, facilitator):
    refused = OperationalError("the database system is shutting down")
    with mock.patch.object(connection, "ensure_connection", side_effect=refused):
        response = quiet_client.post(reverse("households:caseload"), {"q": "SRI"})
    assert response.status_code == 503


def test_other_errors_answer_a_plain_500_page(quiet_client):
    boom = RuntimeError("secret detail 3402094202810001")
    with mock.patch("households.views.selectors.household_list", side_effect=boom):
        response = quiet_client.get(reverse("households:caseload"))
    assert response.status_code == 500
    assert "Retry-After" not in response
    text = response.content.decode()
    assert "Terjadi kesalahan" in text
    assert "secret detail" not in text and "Traceback" not in text


# 400, 403, 404, a refused form (CSRF) and 500: the app's frame, in Indonesian (English
# when chosen), with the viewport meta tag and a link home; DEBUG is off in the tests.
VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'
HOME_LINK = '<a class="btn btn-success" href="/">'
ERROR_PAGES = {
    400: ("Permintaan tidak valid", "Bad request"),
    403: ("Akses ditolak", "Access denied"),
    404: ("Halaman tidak ditemukan", "Page not found"),
    "csrf": ("Formulir tidak dapat dikirim", "The form could not be sent"),
    500: ("Terjadi kesalahan", "Something went wrong"),
}


def error_response(kind, facilitator, language=None):
    client = Client(raise_request_exception=False, enforce_csrf_checks=kind == "csrf")
    client.force_login(facilitator)
    if language:  # what the language switch sets
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if kind == 400:
        return client.get(reverse("home"), headers={"host": "not-an-allowed-host.example"})
    if kind == 403:  # the roster import is for admins only
        return client.get(reverse("imports:list"))
    if kind == 404:
        return client.get("/tidak-ada/")
    if kind == "csrf":
        return client.post(reverse("households:caseload"), {"q": "SRI"})
    with mock.patch("households.views.selectors.household_list", side_effect=RuntimeError):
        return client.get(reverse("households:caseload"))


@pytest.mark.parametrize("kind", list(ERROR_PAGES), ids=str)
def test_error_pages_use_the_app_frame_in_indonesian(kind, facilitator):
    response = error_response(kind, facilitator)
    assert response.status_code == (403 if kind == "csrf" else kind)
    text = response.content.decode()
    indonesian, english = ERROR_PAGES[kind]
    assert '<html lang="id">' in text
    assert f'<h1 class="h4">{indonesian}</h1>' in text
    assert f"<title>{indonesian} · Pendamping PKH</title>" in text
    assert VIEWPORT in text and HOME_LINK in text and "Kembali ke beranda" in text
    assert english not in text


@pytest.mark.parametrize("kind", list(ERROR_PAGES), ids=str)
def test_error_pages_follow_the_chosen_language(kind, facilitator):
    response = error_response(kind, facilitator, language="en")
    assert response.status_code == (403 if kind == "csrf" else kind)
    text = response.content.decode()
    indonesian, english = ERROR_PAGES[kind]
    assert '<html lang="en">' in text
    assert f'<h1 class="h4">{english}</h1>' in text
    assert VIEWPORT in text and HOME_LINK in text and "Back to the home page" in text
    assert indonesian not in text


class Untouchable:
    """A request attribute that fails when read: the session, the user (the database)."""

    def __getattr__(self, name):
        raise AssertionError(f"the error page read request.{name}")


@pytest.mark.parametrize(
    "handler, status",
    [
        ("bad_request", 400),
        ("permission_denied", 403),
        ("page_not_found", 404),
        ("csrf_failure", 403),
        ("server_error", 500),
    ],
)
def test_error_pages_need_no_session_user_or_database(
    handler, status, rf, django_assert_num_queries
):
    from pkh import views

    request = rf.get("/keluarga/1/")
    request.user = request.session = Untouchable()
    args = () if handler == "server_error" else (Exception("detail 3402094202810001"),)
    with django_assert_num_queries(0):
        response = getattr(views, handler)(request, *args)
    assert response.status_code == status
    assert "3402094202810001" not in response.content.decode()
