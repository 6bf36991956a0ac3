"""The objections bank: everyone reads, supervisors curate."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from graduation.forms import ObjectionForm, ObjectionSearchForm
from graduation.selectors import objections as objection_selectors
from graduation.services import objections as objection_services
from graduation.views.listing import paginate, query_without_page
from pkh.forms import add_service_errors
from pkh.permissions import is_supervisor, role_required


def objection_list(request):
    form = ObjectionSearchForm(request.GET or None)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    archived = is_supervisor(request.user) and request.GET.get("arsip") == "1"
    qs = objection_selectors.objection_list(search=search, archived=archived)
    return render(
        request,
        "graduation/objection_list.html",
        {
            "page": paginate(request, qs),
            "form": form,
            "search": search,
            "archived": archived,
            "query": query_without_page(request),
            "can_curate": is_supervisor(request.user),
        },
    )


def objection_detail(request, pk: int):
    objection = objection_selectors.objection_get(pk=pk)
    return render(
        request,
        "graduation/objection_detail.html",
        {"objection": objection, "can_curate": is_supervisor(request.user)},
    )


@role_required(Role.SUPERVISOR)
def objection_edit(request, pk: int | None = None):
    objection = objection_selectors.objection_get(pk=pk) if pk else None
    initial = (
        {"argument": objection.argument, "answer": objection.answer, "tags": objection.tags}
        if objection
        else None
    )
    form = ObjectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = objection_services.objection_save(
                by=request.user, objection=objection, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Keberatan dan jawaban disimpan."))
            return redirect("graduation:objection_detail", pk=saved.pk)
    return render(request, "graduation/objection_form.html", {"form": form, "objection": objection})


@require_POST
@role_required(Role.SUPERVISOR)
def objection_archive(request, pk: int):
    objection = objection_selectors.objection_get(pk=pk)
    archived = request.POST.get("archived") != "0"
    objection_services.objection_archive(objection=objection, by=request.user, archived=archived)
    messages.success(request, _("Diarsipkan.") if archived else _("Dipulihkan dari arsip."))
    return redirect("graduation:objection_detail", pk=objection.pk)
