"""Login throttling hooks for django-axes: the client's address and the lockout page."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for lockouts.

    ``REMOTE_ADDR`` unless ``PKH_TRUSTED_PROXY_COUNT`` proxies sit in front of the app:
    each appends the address it saw to ``X-Forwarded-For``, so the client is the entry
    that many places from the right. Entries further left are the client's own claim and
    are ignored (a forged header must not dodge the lockout).
    """
    count = settings.PKH_TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def login_locked_out(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """The login page again, with the lockout explained (HTTP 429)."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    message = ngettext(
        "Terlalu banyak percobaan masuk yang gagal. Akun ini dikunci sementara dari "
        "perangkat ini: coba lagi dalam %(minutes)d menit, atau minta admin membukanya.",
        "Terlalu banyak percobaan masuk yang gagal. Akun ini dikunci sementara dari "
        "perangkat ini: coba lagi dalam %(minutes)d menit, atau minta admin membukanya.",
        minutes,
    ) % {"minutes": minutes}
    form = AuthenticationForm(request)
    return render(
        request,
        "registration/login.html",
        {"form": form, "locked_out": message, "next": request.POST.get("next", "")},
        status=429,
    )
