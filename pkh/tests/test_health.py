import os
from unittest import mock

import pytest
from django.db import OperationalError, connections
from django.test import Client

from households.tests.factories import household_with_members

pytestmark = pytest.mark.django_db


def test_health_answers_anonymously_with_no_personal_data(client, regions):
    household_with_members()
    response = client.get("/health/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    # Tests run tasks in-process: no broker to check.
    assert response.json() == {"status": "ok", "database": "ok", "broker": "not configured"}


def test_health_is_cheap_one_query_no_session_no_user(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/health/")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers and not response.cookies


def test_health_answers_a_probe_with_the_hosts_ip_as_host(client, settings):
    settings.ALLOWED_HOSTS = ["pendamping.example.org"]
    assert client.get("/health/", HTTP_HOST="10.0.3.17:8000").status_code == 200
    # Every other page still refuses a host that is not allowed.
    assert client.get("/masuk/", HTTP_HOST="10.0.3.17:8000").status_code == 400


def test_health_is_not_redirected_to_https(settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()  # middleware is loaded on the first request, after the override
    assert client.get("/health/").status_code == 200
    assert client.get("/masuk/").status_code == 301


def test_health_answers_503_when_the_database_is_down(client):
    with mock.patch.object(
        connections["default"], "cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error", "broker": "not configured"}


def test_a_broker_outage_is_reported_but_keeps_the_host_in_rotation(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "broker": "down"}


def test_health_refuses_writes(client):
    assert client.post("/health/").status_code == 405
    assert client.head("/health/").status_code == 200


@pytest.mark.worker
def test_health_reaches_a_real_redis_broker(client, settings):
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis"):
        if os.environ.get("REQUIRE_WORKER") == "1":
            pytest.fail("CELERY_BROKER_URL is not a Redis URL (REQUIRE_WORKER=1)")
        pytest.skip("CELERY_BROKER_URL is not set: no Redis to reach")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = url
    response = client.get("/health/")
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
