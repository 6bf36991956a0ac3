from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications import selectors, services
from notifications.forms import PreferenceForm
from notifications.models import Notification

PAGE_SIZE = 25


def notification_list(request):
    unread_only = request.GET.get("belum") == "1"
    page = Paginator(
        selectors.notification_list(user=request.user, unread_only=unread_only), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread_only": unread_only},
    )


def badge(request):
    """The count beside the bell, fetched by htmx after the page (no query on the page)."""
    return render(
        request, "notifications/_badge.html", {"count": selectors.unread_count(user=request.user)}
    )


@require_POST
def notification_open(request, pk: int):
    try:
        notification = services.notification_open(user=request.user, notification_id=pk)
    except Notification.DoesNotExist:
        raise Http404 from None
    if url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("notifications:list")


@require_POST
def mark_all_read(request):
    n = services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("%(n)d notifikasi ditandai sudah dibaca.") % {"n": n})
    return redirect("notifications:list")


def preferences(request):
    current = selectors.preference_get(user=request.user)
    form = PreferenceForm(
        request.POST if request.method == "POST" else None,
        initial={"email_digest": current.email_digest},
    )
    if request.method == "POST" and form.is_valid():
        services.preference_set(user=request.user, email_digest=form.cleaned_data["email_digest"])
        messages.success(request, _("Pengaturan notifikasi disimpan."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
