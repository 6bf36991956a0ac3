from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from imports.models import ImportMode


def max_upload_mb() -> int:
    return getattr(settings, "IMPORTS_MAX_UPLOAD_MB", 200)


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File roster (CSV atau XLSX)"),
        help_text=_("Satu baris per anggota keluarga. Lihat panduan format di bawah."),
    )
    mode = forms.ChoiceField(
        label=_("Mode"),
        choices=ImportMode.choices,
        initial=ImportMode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )
    sheet = forms.CharField(
        label=_("Nama sheet (XLSX, opsional)"),
        required=False,
        max_length=100,
        help_text=_("Kosongkan untuk memakai sheet pertama."),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size == 0:
            raise forms.ValidationError(_("File kosong."))
        if file.size > max_upload_mb() * 1024 * 1024:
            raise forms.ValidationError(
                _("File terlalu besar (maksimal %(n)d MB).") % {"n": max_upload_mb()}
            )
        return file


class ConfirmForm(forms.Form):
    mode = forms.ChoiceField(
        choices=[
            (ImportMode.ALL_OR_NOTHING, ImportMode.ALL_OR_NOTHING.label),
            (ImportMode.SKIP_INVALID, ImportMode.SKIP_INVALID.label),
        ]
    )
