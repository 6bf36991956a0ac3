import sys
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db import InterfaceError, OperationalError
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.shortcuts import render
from django.template import loader
from django.utils import timezone

from households.selectors import (
    followups_overdue_by_facilitator,
    household_scope,
    no_visit_cutoff,
)
from pkh import extensions
from pkh.permissions import is_facilitator, is_lead
from pkh.todo import GROUP_PAGE_SIZE, todo_group, todo_group_get


def home(request):
    """The start page: the signed-in user's to-do list, gathered from every app, grouped
    by when (overdue, today, this week ...) and kind, the first few items of each group;
    ``?grup=<key>`` shows one group whole, page by page. Supervisors and admins also see
    their facilitators' overdue follow-ups, each linking to the filtered caseload."""
    today = timezone.localdate()
    items = []
    for source in extensions.todo_sources:
        items.extend(source(user=request.user, today=today))
    items.sort(key=lambda item: (item.due is None, item.due or today, item.label))
    buckets = todo_group(items, today=today)
    scope = household_scope(user=request.user)
    cutoff = no_visit_cutoff(today)
    context = {
        "todo_items": items,
        "todo_buckets": buckets,
        "show_facilitator": not is_facilitator(request.user),
        "household_count": scope.count(),
        "no_visit_count": scope.filter(status="active").exclude(last_visit_on__gte=cutoff).count(),
    }
    if key := request.GET.get("grup"):
        found = todo_group_get(buckets, key)
        if found is None:
            raise Http404
        context["bucket"], context["group"] = found
        context["page"] = Paginator(found[1].items, GROUP_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context["query"] = urlencode({"grup": key})
    if is_lead(request.user):
        context["overdue_by_facilitator"] = followups_overdue_by_facilitator(user=request.user)
    return render(request, "home.html", context)


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
