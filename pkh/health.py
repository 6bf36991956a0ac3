"""The load balancer's health check: ``GET /health/``.

A middleware rather than a view, placed right after ``SecurityMiddleware``, because a
load balancer probes each web host directly: over plain http (``SECURE_SSL_REDIRECT``
would answer 301; ``/health/`` is in ``SECURE_REDIRECT_EXEMPT``) and often with the
host's IP address as ``Host`` (not in ``ALLOWED_HOSTS``; the middlewares below would
answer 400). It answers before sessions, users or CSRF are touched: one ``SELECT 1`` and,
when a Redis broker is configured, one ``PING``. No login, no personal data, no
version numbers or host names in the answer.

Status: 200 while the database answers, 503 when it does not (the host cannot serve
pages). The broker's state is reported but does not fail the check: pages work without
Redis (background work waits or reports a clear error), so a Redis outage must not take
every web host out of the load balancer. Alert on ``"broker": "down"`` instead.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpResponseNotAllowed, JsonResponse

logger = logging.getLogger(__name__)

HEALTH_PATH = "/health/"
# Seconds to wait for Redis before calling it down (the check must stay cheap).
BROKER_TIMEOUT = 1.0


def database_ok() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("health check: database unreachable (%s)", type(exc).__name__)
        return False
    return True


def broker_state() -> str:
    """``ok``, ``down``, ``not configured`` (tasks run in-process) or ``unchecked``."""
    url = settings.CELERY_BROKER_URL
    if not url or settings.CELERY_TASK_ALWAYS_EAGER:
        return "not configured"
    if not url.startswith(("redis://", "rediss://")):
        return "unchecked"
    import redis

    client = redis.Redis.from_url(
        url, socket_connect_timeout=BROKER_TIMEOUT, socket_timeout=BROKER_TIMEOUT
    )
    try:
        client.ping()
    except redis.RedisError as exc:
        logger.warning("health check: broker unreachable (%s)", type(exc).__name__)
        return "down"
    finally:
        client.close()
    return "ok"


def health_payload() -> tuple[int, dict[str, str]]:
    database = "ok" if database_ok() else "error"
    broker = broker_state()
    if database != "ok":
        status, code = "error", 503
    elif broker == "down":
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return code, {"status": status, "database": database, "broker": broker}


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != HEALTH_PATH:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        code, payload = health_payload()
        response = JsonResponse(payload, status=code)
        response["Cache-Control"] = "no-store"
        return response
