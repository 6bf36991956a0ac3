"""The error pages (``handler400/403/404/500``, ``CSRF_FAILURE_VIEW``). The start page
is the ``home`` app's."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import (
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.template import loader

# Seconds a browser (or a proxy) is told to wait before trying again when the database is
# unreachable (restarting, failing over).
DATABASE_RETRY_AFTER = 10


def server_error(request):
    """``handler500``: a plain error page, never a traceback.

    When the error is the database being unreachable (PostgreSQL restarting or failing
    over), the answer is 503 with ``Retry-After``: the request may be sent again in a
    few seconds and nothing of it was half written (every write is one transaction).
    The pages use no database and no context processors, so they render with the
    database down.
    """
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(DATABASE_RETRY_AFTER)
        return response
    return HttpResponseServerError(loader.render_to_string("500.html"))


# The other error pages, in the same frame (error_base.html) and for the same reason
# rendered without the request: Django's own handlers for 404 and 403 run the context
# processors (the signed-in user, the menu, messages: the session and the database).


def bad_request(request, exception):
    """``handler400``."""
    return HttpResponseBadRequest(loader.render_to_string("400.html"))


def permission_denied(request, exception):
    """``handler403``."""
    return HttpResponseForbidden(loader.render_to_string("403.html"))


def page_not_found(request, exception):
    """``handler404``."""
    return HttpResponseNotFound(loader.render_to_string("404.html"))


def csrf_failure(request, reason=""):
    """``CSRF_FAILURE_VIEW``: a form sent without a valid token (an old tab, cookies off)."""
    return HttpResponseForbidden(loader.render_to_string("403_csrf.html"))
