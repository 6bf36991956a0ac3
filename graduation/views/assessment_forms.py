"""The national welfare assessment form: admins read it, the national keeper edits it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from graduation.forms import FormMetaForm, GroupForm, IndicatorForm
from graduation.selectors import assessment_forms as form_selectors
from graduation.services import assessment_forms as form_services
from pkh.forms import add_service_errors
from pkh.permissions import (
    can_edit_national_catalogue,
    national_catalogue_keeper_required,
    role_required,
)


def _after_form_edit(request, before, after):
    if after.pk != before.pk:
        messages.info(
            request,
            _(
                "Versi %(old)d sudah dipakai penilaian, jadi perubahan disimpan sebagai versi %(new)d."
            )
            % {"old": before.version, "new": after.version},
        )
    else:
        messages.success(request, _("Formulir disimpan."))
    return redirect("graduation:form_detail", pk=after.pk)


@role_required(Role.ADMIN, allow=can_edit_national_catalogue)
def form_list(request):
    return render(
        request,
        "graduation/form_list.html",
        {"forms": form_selectors.form_list(), "current": form_selectors.form_current()},
    )


@role_required(Role.ADMIN, allow=can_edit_national_catalogue)
def form_detail(request, pk: int):
    form_version = form_selectors.form_get(pk=pk)
    current = form_selectors.form_current()
    return render(
        request,
        "graduation/form_detail.html",
        {
            "form_version": form_version,
            "groups": form_selectors.form_groups(form=form_version),
            "is_current": current is not None and current.pk == form_version.pk,
            "can_edit": can_edit_national_catalogue(request.user),
            "assessment_count": form_selectors.form_assessment_count(form=form_version),
            "thresholds": (
                settings.PKH_GRADUATION_APPROACHING_SCORE,
                settings.PKH_GRADUATION_READY_SCORE,
            ),
        },
    )


def _form_edit_page(request, form_version, form, title):
    return render(
        request,
        "graduation/form_edit.html",
        {"form": form, "form_version": form_version, "title": title},
    )


@national_catalogue_keeper_required
def form_edit(request, pk: int):
    form_version = form_selectors.form_get(pk=pk)
    form = FormMetaForm(
        request.POST or None,
        initial={"name": form_version.name, "description": form_version.description},
    )
    if request.method == "POST" and form.is_valid():
        try:
            after = form_services.form_update(
                form=form_version, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _after_form_edit(request, form_version, after)
    return _form_edit_page(request, form_version, form, _("Ubah nama formulir"))


@national_catalogue_keeper_required
def group_edit(request, pk: int, group_pk: int | None = None):
    form_version = form_selectors.form_get(pk=pk)
    group = form_selectors.group_get(form=form_version, pk=group_pk) if group_pk else None
    initial = {"name": group.name, "order": group.order} if group else None
    form = GroupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            after = form_services.group_save(
                form=form_version, by=request.user, group=group, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _after_form_edit(request, form_version, after)
    title = _("Ubah kelompok indikator") if group else _("Tambah kelompok indikator")
    return _form_edit_page(request, form_version, form, title)


@national_catalogue_keeper_required
def indicator_edit(request, pk: int, indicator_pk: int | None = None):
    form_version = form_selectors.form_get(pk=pk)
    indicator = (
        form_selectors.indicator_get(form=form_version, pk=indicator_pk) if indicator_pk else None
    )
    initial = None
    if indicator:
        initial = {
            "group": indicator.group_id,
            "text": indicator.text,
            "help_text": indicator.help_text,
            "order": indicator.order,
            "options": IndicatorForm.options_text(indicator),
        }
    form = IndicatorForm(request.POST or None, initial=initial, form_version=form_version)
    if request.method == "POST" and form.is_valid():
        try:
            after = form_services.indicator_save(
                form=form_version, by=request.user, indicator=indicator, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _after_form_edit(request, form_version, after)
    title = _("Ubah indikator") if indicator else _("Tambah indikator")
    return _form_edit_page(request, form_version, form, title)


@require_POST
@national_catalogue_keeper_required
def indicator_remove(request, pk: int, indicator_pk: int):
    form_version = form_selectors.form_get(pk=pk)
    indicator = form_selectors.indicator_get(form=form_version, pk=indicator_pk)
    try:
        after = form_services.indicator_remove(
            form=form_version, by=request.user, indicator=indicator
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("graduation:form_detail", pk=form_version.pk)
    return _after_form_edit(request, form_version, after)
