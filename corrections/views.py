from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from corrections import exports, selectors, services
from corrections.forms import (
    ExportForm,
    MemberAddForm,
    MemberIdentityForm,
    MemberLeaveForm,
    NoKkForm,
    ReturnForm,
    VillageMoveForm,
)
from corrections.models import CorrectionKind
from households import selectors as household_selectors
from pkh.files import private_file_response
from pkh.forms import add_service_errors
from pkh.pagination import CappedPaginator
from pkh.permissions import (
    ADMINS,
    FACILITATORS,
    LEADS,
    is_facilitator,
    may_decide_correction,
    may_propose_correction,
    may_withdraw_correction,
    role_required,
)

LIST_VIEWS = {
    "decide": gettext_lazy("Perlu keputusan"),
    "pending": gettext_lazy("Menunggu"),
    "returned": gettext_lazy("Dikembalikan"),
    "approved": gettext_lazy("Disetujui"),
    "": gettext_lazy("Semua"),
}


def _proposal_household(request, pk: int):
    household = household_selectors.household_get(user=request.user, pk=pk)
    if not may_propose_correction(request.user, household):
        raise PermissionDenied
    return household


def _member(household, member_pk: int):
    member = household.members.filter(pk=member_pk).first()
    if member is None:
        raise Http404
    return member


def _propose(request, *, household, form, service, title: str, member=None):
    service_kwargs = {"member": member} if member is not None else {}
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        photo = data.pop("photo", None) or None
        try:
            correction, created = service(
                household=household, by=request.user, photo=photo, **service_kwargs, **data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if created:
                messages.success(request, _("Koreksi diajukan dan menunggu keputusan."))
            else:
                messages.info(request, _("Koreksi ini sudah diajukan sebelumnya."))
            return redirect("corrections:detail", pk=correction.pk)
    return render(
        request,
        "corrections/form.html",
        {
            "form": form,
            "household": household,
            "member": member,
            "title": title,
            "family": household_selectors.family_header(household=household),
        },
    )


@role_required(*FACILITATORS)
def propose_member_add(request, pk: int):
    household = _proposal_household(request, pk)
    form = MemberAddForm(request.POST or None, request.FILES or None)
    return _propose(
        request,
        household=household,
        form=form,
        service=services.correction_propose_member_add,
        title=_("Usulkan anggota baru"),
    )


@role_required(*FACILITATORS)
def propose_member_leave(request, pk: int, member_pk: int):
    household = _proposal_household(request, pk)
    member = _member(household, member_pk)
    form = MemberLeaveForm(request.POST or None, request.FILES or None)
    return _propose(
        request,
        household=household,
        form=form,
        service=services.correction_propose_member_leave,
        title=_("Usulkan anggota keluar"),
        member=member,
    )


@role_required(*FACILITATORS)
def propose_member_identity(request, pk: int, member_pk: int):
    household = _proposal_household(request, pk)
    member = _member(household, member_pk)
    initial = {"name": member.name, "nik": member.nik, "birth_date": member.birth_date}
    form = MemberIdentityForm(request.POST or None, request.FILES or None, initial=initial)
    return _propose(
        request,
        household=household,
        form=form,
        service=services.correction_propose_identity,
        title=_("Usulkan perbaikan identitas"),
        member=member,
    )


@role_required(*FACILITATORS)
def propose_no_kk(request, pk: int):
    household = _proposal_household(request, pk)
    form = NoKkForm(request.POST or None, request.FILES or None, initial={"no_kk": household.no_kk})
    return _propose(
        request,
        household=household,
        form=form,
        service=services.correction_propose_identity,
        title=_("Usulkan perbaikan No. KK"),
    )


@role_required(*FACILITATORS)
def propose_village_move(request, pk: int):
    household = _proposal_household(request, pk)
    form = VillageMoveForm(
        request.POST or None,
        request.FILES or None,
        villages=selectors.village_move_choices(household=household),
    )
    return _propose(
        request,
        household=household,
        form=form,
        service=services.correction_propose_village_move,
        title=_("Usulkan pindah desa"),
    )


def correction_list(request):
    view = request.GET.get("lihat")
    if view is None:
        view = "" if is_facilitator(request.user) else "decide"
    if view not in LIST_VIEWS:
        raise Http404
    page = CappedPaginator(
        selectors.correction_list(user=request.user, view=view),
        settings.PKH_CORRECTIONS_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    views = list(LIST_VIEWS.items())
    if is_facilitator(request.user):
        views = [(k, v) for k, v in views if k != "decide"]
    return render(
        request,
        "corrections/list.html",
        {"page": page, "view": view, "views": views, "query": f"lihat={view}"},
    )


def _detail(request, correction, *, return_form=None, status: int = 200):
    return render(
        request,
        "corrections/detail.html",
        {
            "correction": correction,
            "changes": exports.field_changes(correction),
            "can_decide": correction.status == "menunggu"
            and may_decide_correction(request.user, correction),
            "can_withdraw": correction.is_open
            and may_withdraw_correction(request.user, correction),
            "return_form": return_form or ReturnForm(),
            "identity": correction.kind == CorrectionKind.IDENTITY,
        },
        status=status,
    )


def correction_detail(request, pk: int):
    return _detail(request, selectors.correction_get(user=request.user, pk=pk))


def _decidable(request, pk: int):
    correction = selectors.correction_get(user=request.user, pk=pk)
    if not may_decide_correction(request.user, correction):
        raise PermissionDenied
    return correction


@require_POST
@role_required(*LEADS)
def correction_approve(request, pk: int):
    correction = _decidable(request, pk)
    try:
        services.correction_approve(correction=correction, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Koreksi disetujui dan data keluarga diperbarui."))
    return redirect("corrections:detail", pk=correction.pk)


@require_POST
@role_required(*LEADS)
def correction_return(request, pk: int):
    correction = _decidable(request, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.correction_return(
                correction=correction, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Koreksi dikembalikan ke pendamping."))
            return redirect("corrections:detail", pk=correction.pk)
    return _detail(request, correction, return_form=form, status=400)


@require_POST
@role_required(*FACILITATORS)
def correction_withdraw(request, pk: int):
    correction = selectors.correction_get(user=request.user, pk=pk)
    if not may_withdraw_correction(request.user, correction):
        raise PermissionDenied
    try:
        services.correction_withdraw(correction=correction, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Koreksi ditarik."))
    return redirect("corrections:detail", pk=correction.pk)


def correction_photo(request, pk: int):
    """The document photo, only for users who may see the correction (never a public URL)."""
    correction = selectors.correction_get(user=request.user, pk=pk)
    return private_file_response(
        correction.photo,
        content_type="image/jpeg",  # pkh.photos.photo_prepare re-encodes every upload
        filename=f"koreksi-{correction.pk}.jpg",
        cache="private, max-age=3600",
    )


@role_required(*ADMINS)
def export(request):
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.correction_export_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Ekspor #%(pk)d dibuat: %(n)d koreksi, %(rows)d baris. Unduh berkasnya di bawah.")
                % {"pk": batch.pk, "n": batch.correction_count, "rows": batch.row_count},
            )
            return redirect("corrections:export")
    page = CappedPaginator(
        selectors.export_list(user=request.user), settings.PKH_CORRECTIONS_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(request, "corrections/export.html", {"form": form, "page": page})


@role_required(*ADMINS)
def export_download(request, pk: int, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    batch = selectors.export_get(user=request.user, pk=pk)
    rows = list(selectors.export_rows_source(user=request.user, export=batch))
    filename = f"koreksi-data-{batch.pk}-{batch.period_start}-{batch.period_end}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(
            exports.export_csv(batch, rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return FileResponse(
        exports.export_xlsx(batch, rows),
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
