from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from imports.models import ImportMode

# What each mode really does (imports/services/): shown beside its label on the upload
# page, in the order of the choices.
MODE_DESCRIPTIONS = {
    ImportMode.DRY_RUN: _("hanya memeriksa dan menampilkan pratinjau; tidak ada yang disimpan."),
    ImportMode.ALL_OR_NOTHING: _("bila ada satu baris ditolak, tidak ada yang disimpan."),
    ImportMode.SKIP_INVALID: _(
        "keluarga yang punya baris ditolak dilewati seluruhnya; sisanya disimpan."
    ),
}


def max_upload_mb() -> int:
    return getattr(settings, "IMPORTS_MAX_UPLOAD_MB", 200)


def check_upload(file):
    """An uploaded import file that is neither empty nor over ``IMPORTS_MAX_UPLOAD_MB``
    (the roster and the verification sheet)."""
    if file.size == 0:
        raise forms.ValidationError(_("File kosong."))
    if file.size > max_upload_mb() * 1024 * 1024:
        raise forms.ValidationError(
            _("File terlalu besar (maksimal %(n)d MB).") % {"n": max_upload_mb()}
        )
    return file


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

    def mode_descriptions(self) -> list[tuple[str, str]]:
        """(label, description) of each mode, in the order of the radio buttons."""
        return [(label, MODE_DESCRIPTIONS[value]) for value, label in self.fields["mode"].choices]

    def clean_file(self):
        return check_upload(self.cleaned_data["file"])


class ConfirmForm(forms.Form):
    mode = forms.ChoiceField(
        choices=[
            (ImportMode.ALL_OR_NOTHING, ImportMode.ALL_OR_NOTHING.label),
            (ImportMode.SKIP_INVALID, ImportMode.SKIP_INVALID.label),
        ]
    )
    # Set by the confirm step: the admin has read that the import runs in another mode
    # than the one chosen at upload.
    mode_change = forms.BooleanField(required=False)
