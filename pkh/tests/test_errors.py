"""Error pages: a clean 503 when the database is unreachable, a plain 500 otherwise."""

from unittest import mock

import pytest
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
