"""Helpers of the graduation list pages: paging, the facilitator filter, the quarter."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils import timezone

from graduation.forms import QuarterForm
from graduation.selectors import targets as target_selectors
from pkh.permissions import is_facilitator

PAGE_SIZE = 25


def paginate(request, qs, size: int = PAGE_SIZE):
    return Paginator(qs, size).get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def facilitator_filter(request) -> int | None:
    """``?pendamping=<pk>`` for supervisors and admins, only within what they may see."""
    value = request.GET.get("pendamping", "")
    if is_facilitator(request.user) or not value.isdigit():
        return None
    return int(value)


def quarter_from_request(request) -> tuple[int, int, QuarterForm]:
    year, quarter = target_selectors.quarter_of(timezone.localdate())
    form = QuarterForm(request.GET or None, initial={"tahun": year, "triwulan": quarter})
    if request.GET and form.is_valid():
        year, quarter = form.cleaned_data["tahun"], form.cleaned_data["triwulan"]
    return year, quarter, form
