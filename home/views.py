from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from home.selectors import caseload_counts, todo_items
from households.selectors import followups_overdue_by_facilitator
from pkh.permissions import is_facilitator, is_lead
from pkh.todo import GROUP_PAGE_SIZE, todo_group, todo_group_get


def home(request):
    """The start page: the signed-in user's to-do list, gathered from every app, grouped
    by when (overdue, today, this week ...) and kind, the first few items of each group;
    ``?grup=<key>`` shows one group whole, page by page. Supervisors and admins also see
    their facilitators' overdue follow-ups, each linking to the filtered caseload."""
    today = timezone.localdate()
    items = todo_items(user=request.user, today=today)
    buckets = todo_group(items, today=today)
    context = {
        "todo_items": items,
        "todo_buckets": buckets,
        "show_facilitator": not is_facilitator(request.user),
        **caseload_counts(user=request.user, today=today),
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
