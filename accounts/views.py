from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts import selectors, services
from accounts.forms import UserForm
from accounts.models import Role, User
from pkh.forms import add_service_errors
from pkh.permissions import ADMINS, role_required


def _form_kwargs(request, *, editing: User | None = None):
    return {
        "supervisors": selectors.supervisor_list(user=request.user, excluding=editing),
        "regions": selectors.area_choices(user=request.user),
    }


@role_required(*ADMINS)
def user_list(request):
    users = selectors.user_list(user=request.user, role=request.GET.get("peran") or None)
    return render(request, "accounts/user_list.html", {"users": users, "roles": Role.choices})


@role_required(*ADMINS)
def user_create(request):
    form = UserForm(request.POST or None, **_form_kwargs(request))
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Pengguna %(name)s dibuat.") % {"name": user.username})
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@role_required(*ADMINS)
def user_edit(request, pk: int):
    target = selectors.user_get(user=request.user, pk=pk)
    initial = {
        "username": target.username,
        "first_name": target.first_name,
        "last_name": target.last_name,
        "email": target.email,
        "phone": target.phone,
        "role": target.role,
        "supervisor": target.supervisor_id,
        "areas": list(target.areas.all()),
        "is_active": target.is_active,
    }
    kwargs = _form_kwargs(request, editing=target)
    form = UserForm(request.POST or None, initial=initial, editing=True, **kwargs)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "username"}
        try:
            services.user_update(user=target, by=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Perubahan disimpan."))
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "target": target})
