from django.shortcuts import render
from django.utils import timezone

from households.selectors import household_scope, no_visit_cutoff
from pkh import registry


def home(request):
    """The start page: the signed-in user's to-do list, gathered from every app."""
    today = timezone.localdate()
    items = []
    for source in registry.todo_sources:
        items.extend(source(user=request.user, today=today))
    items.sort(key=lambda item: (item.due is None, item.due or today, item.label))
    scope = household_scope(user=request.user)
    cutoff = no_visit_cutoff(today)
    context = {
        "todo_items": items,
        "household_count": scope.count(),
        "no_visit_count": scope.filter(status="active").exclude(last_visit_on__gte=cutoff).count(),
    }
    return render(request, "home.html", context)
