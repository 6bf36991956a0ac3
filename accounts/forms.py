from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from pkh.forms import model_max_length
from regions.models import Region


class UserForm(forms.Form):
    """Shape of a user as an admin manages it; assignment rules live in the services."""

    username = forms.RegexField(
        label=_("Nama pengguna"),
        regex=r"^[\w.@+-]+$",
        max_length=model_max_length(User, "username"),
        error_messages={"invalid": _("Hanya huruf, angka dan . @ + - _")},
    )
    first_name = forms.CharField(
        label=_("Nama depan"), max_length=model_max_length(User, "first_name")
    )
    last_name = forms.CharField(
        label=_("Nama belakang"), max_length=model_max_length(User, "last_name"), required=False
    )
    email = forms.EmailField(
        label=_("Email"), required=False, max_length=model_max_length(User, "email")
    )
    phone = forms.RegexField(
        label=_("Telepon"),
        regex=r"^\+?[0-9 -]{6,20}$",
        max_length=model_max_length(User, "phone"),
        required=False,
        error_messages={"invalid": _("Nomor telepon tidak valid.")},
    )
    role = forms.ChoiceField(
        label=_("Peran"),
        choices=[
            (Role.FACILITATOR, Role.FACILITATOR.label),
            (Role.SUPERVISOR, Role.SUPERVISOR.label),
        ],
    )
    supervisor = forms.ModelChoiceField(
        label=_("Supervisor (tim)"), queryset=User.objects.none(), required=False
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("Wilayah tugas"),
        queryset=Region.objects.none(),
        help_text=_("Desa/kelurahan (pendamping) atau kecamatan (supervisor)."),
    )
    # Hashing a very long password is slow; no one types more than this.
    password = forms.CharField(
        label=_("Kata sandi"), widget=forms.PasswordInput, strip=False, max_length=128
    )
    is_active = forms.BooleanField(label=_("Aktif"), required=False, initial=True)

    def __init__(self, *args, supervisors, regions, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = supervisors
        self.fields["areas"].queryset = regions
        if editing:
            del self.fields["password"]
            self.fields["username"].disabled = True
        else:
            del self.fields["is_active"]

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.FACILITATOR and not data.get("supervisor"):
            self.add_error("supervisor", _("Pendamping harus masuk tim seorang supervisor."))
        return data
