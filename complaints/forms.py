"""Shapes of the complaint forms; the rules (who, which status) are in the services."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from assistance.models import AdvocacyCase, CaseKind
from complaints.models import Channel, ComplaintStatus
from pkh.forms import PAST_EVENT, PLANNED, BoundedDateField, FilterForm, TextAreaField
from pkh.forms import model_max_length as _max


class ComplaintForm(forms.Form):
    """Opened on a phone in a few taps: a category and a channel (big radio buttons),
    who it is about, a description and an optional photo of a document."""

    category = forms.ModelChoiceField(
        label=_("Kategori"),
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Pilih kategori pengaduan.")},
    )
    channel = forms.ChoiceField(
        label=_("Saluran"),
        choices=Channel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih saluran pengaduan.")},
    )
    member = forms.ModelChoiceField(
        label=_("Tentang anggota"),
        queryset=None,
        required=False,
        empty_label=_("Seluruh keluarga"),
    )
    description = TextAreaField(
        label=_("Uraian"),
        rows=4,
        error_messages={"required": _("Tuliskan uraian pengaduan.")},
    )
    photo = forms.FileField(
        label=_("Foto dokumen"),
        required=False,
        help_text=_("Opsional: foto surat atau kartu (JPEG/PNG/WebP); disimpan tertutup."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    client_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, categories, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.fields["member"].queryset = members
        if not self.is_bound:
            self.initial.setdefault("client_token", uuid.uuid4())


class NoteForm(forms.Form):
    note = TextAreaField(label=_("Catatan"), required=False)


class ReferForm(forms.Form):
    resource = forms.ModelChoiceField(
        label=_("Dirujuk ke (sistem sumber)"),
        queryset=None,
        error_messages={"required": _("Pilih kantor tujuan rujukan.")},
    )
    note = TextAreaField(label=_("Catatan"), required=False)

    def __init__(self, *args, resources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = resources
        self.fields["resource"].label_from_instance = lambda r: f"{r.name} ({r.area.name})"


class ResolveForm(forms.Form):
    resolution = TextAreaField(
        label=_("Hasil penyelesaian"), error_messages={"required": _("Tuliskan hasilnya.")}
    )


class RejectForm(forms.Form):
    reason = TextAreaField(
        label=_("Alasan penolakan"), error_messages={"required": _("Tuliskan alasannya.")}
    )


class LinkCaseForm(forms.Form):
    case = forms.ModelChoiceField(
        label=_("Kasus advokasi keluarga ini"),
        queryset=AdvocacyCase.objects.none(),
        error_messages={"required": _("Pilih kasusnya.")},
    )

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        self.fields["case"].label_from_instance = lambda c: (
            f"#{c.pk} {c.get_kind_display()} ({c.opened_on:%d-%m-%Y})"
        )


class OpenCaseForm(forms.Form):
    """What a case needs beyond the complaint: its kind (suggested by the category), the
    aid when an aid is missing, and optionally the next step."""

    kind = forms.ChoiceField(label=_("Jenis masalah"), choices=CaseKind.choices)
    aid = forms.ModelChoiceField(
        label=_("Bantuan (bila belum menerima bansos)"), queryset=None, required=False
    )
    next_step = forms.CharField(
        label=_("Langkah berikutnya"), max_length=_max(AdvocacyCase, "next_step"), required=False
    )
    next_step_due = BoundedDateField(
        label=_("Batas langkah berikutnya"), bound=PLANNED, required=False
    )

    def __init__(self, *args, aids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aid"].queryset = aids


class ComplaintFilterForm(FilterForm):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Semua")),
            ("terbuka", _("Terbuka")),
            ("lewat", _("Lewat tenggat")),
            ("tutup", _("Ditutup")),
            *ComplaintStatus.choices,
        ],
    )
    kategori = forms.ChoiceField(label=_("Kategori"), required=False)
    pendamping = forms.ChoiceField(label=_("Pendamping"), required=False)
    eskalasi = forms.BooleanField(label=_("Hanya yang dieskalasi"), required=False)
    sejak = BoundedDateField(bound=PAST_EVENT, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, categories, facilitators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kategori"].choices = [("", _("Semua"))] + [
            (str(c.pk), c.name) for c in categories
        ]
        # Leads also find the complaints of families with no facilitator (``tanpa``,
        # complaints.selectors.NO_FACILITATOR), which "Semua" would mix with the rest.
        self.fields["pendamping"].choices = [("", _("Semua"))] + (
            [(str(u.pk), str(u)) for u in facilitators] + [("tanpa", _("Tanpa pendamping"))]
            if facilitators
            else []
        )
