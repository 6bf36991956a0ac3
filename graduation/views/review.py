"""The supervisor's three-monthly review and the ready-but-not-targeted list."""

from __future__ import annotations

from django.shortcuts import render

from accounts.models import Role
from graduation.models import Stage
from graduation.selectors import review as review_selectors
from graduation.selectors import targets as target_selectors
from graduation.views.listing import (
    facilitator_filter,
    paginate,
    quarter_from_request,
    query_without_page,
)
from pkh.permissions import role_required


@role_required(Role.SUPERVISOR)
def review(request):
    """The three-monthly team review: one row per facilitator."""
    year, quarter, quarter_form = quarter_from_request(request)
    rows = review_selectors.review_rows(user=request.user, year=year, quarter=quarter)
    start, end = target_selectors.quarter_bounds(year, quarter)
    totals = {
        "target": sum(r.target for r in rows),
        "proposed": sum(r.proposed for r in rows),
        "approved": sum(r.approved for r in rows),
        "natural": sum(r.natural for r in rows),
        "ready": sum(r.ready_not_targeted for r in rows),
        "relapsed": sum(r.relapsed for r in rows),
        "stages": [
            (value, label, sum(r.stages.get(value, 0) for r in rows))
            for value, label in Stage.choices
        ],
    }
    return render(
        request,
        "graduation/review.html",
        {
            "rows": rows,
            "totals": totals,
            "quarter_form": quarter_form,
            "year": year,
            "quarter": quarter,
            "start": start,
            "end": end,
            "stages": Stage.choices,
        },
    )


def ready_list(request):
    """Families ready for self-graduation by their latest assessment but not targeted."""
    qs = review_selectors.ready_list(user=request.user, facilitator=facilitator_filter(request))
    return render(
        request,
        "graduation/ready_list.html",
        {"page": paginate(request, qs), "query": query_without_page(request)},
    )
