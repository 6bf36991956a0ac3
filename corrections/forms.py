"""The proposal forms (one per kind of correction), the decision and the export period.

A new member's form is the household member form itself (``households.forms.MemberForm``:
the same fields, lengths and date bounds as a direct edit), with the proposal's fields
added; business rules stay in the services and come back as field errors."""

import copy
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corrections.models import JOIN_EVENTS, LEAVE_EVENTS, Document, Event
from households.forms import HouseholdForm, MemberForm
from households.models import Member
from pkh.forms import LIFE_EVENT, PAST_EVENT, BoundedDateField, FastSelect, TextAreaField


def _events(events) -> list[tuple[str, str]]:
    return [(e.value, e.label) for e in Event if e in events]


class ProposalForm(forms.Form):
    """What every proposal carries: the document seen, an optional photo of it, a note."""

    document = forms.ChoiceField(label=_("Dokumen yang dilihat"), choices=Document.choices)
    photo = forms.FileField(
        label=_("Foto dokumen"),
        required=False,
        help_text=_("Tidak wajib. Foto disimpan tertutup, hanya untuk pemeriksa (JPEG/PNG/WebP)."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    note = TextAreaField(label=_("Keterangan"), required=False)
    client_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("client_token", uuid.uuid4())
        super().__init__(*args, **kwargs)


PROPOSAL_FIELDS = ["document", "photo", "note", "client_token"]


class MemberAddForm(MemberForm, ProposalForm):
    event = forms.ChoiceField(label=_("Peristiwa"), choices=_events(JOIN_EVENTS))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, editing=False, **kwargs)
        self.order_fields(["event", *MemberForm.base_fields, *PROPOSAL_FIELDS])


class MemberLeaveForm(ProposalForm):
    event = forms.ChoiceField(label=_("Alasan keluar"), choices=_events(LEAVE_EVENTS))
    left_on = BoundedDateField(label=_("Tanggal keluar"), bound=LIFE_EVENT)

    field_order = ["event", "left_on", *PROPOSAL_FIELDS]


class MemberIdentityForm(ProposalForm):
    """The member's name, NIK and birth date as they should be (filled with today's)."""

    name = forms.CharField(label=_("Nama"), max_length=Member._meta.get_field("name").max_length)
    nik = copy.deepcopy(MemberForm.base_fields["nik"])
    birth_date = copy.deepcopy(MemberForm.base_fields["birth_date"])

    field_order = ["name", "nik", "birth_date", *PROPOSAL_FIELDS]


class NoKkForm(ProposalForm):
    no_kk = forms.RegexField(
        label=_("No. KK yang benar"),
        regex=r"^\d{16}$",
        max_length=16,
        error_messages={"invalid": _("No. KK harus tepat 16 angka.")},
    )

    field_order = ["no_kk", *PROPOSAL_FIELDS]


class VillageMoveForm(ProposalForm):
    village = forms.ModelChoiceField(
        label=_("Desa/kelurahan baru"), queryset=None, widget=FastSelect
    )
    address = copy.deepcopy(HouseholdForm.base_fields["address"])
    rt = copy.deepcopy(HouseholdForm.base_fields["rt"])
    rw = copy.deepcopy(HouseholdForm.base_fields["rw"])

    field_order = ["village", "address", "rt", "rw", *PROPOSAL_FIELDS]

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["village"].label_from_instance = lambda v: f"{v.name} ({v.parent.name})"
        self.fields["address"].label = _("Alamat baru")


class ReturnForm(forms.Form):
    reason = TextAreaField(label=_("Alasan dikembalikan"))


class ExportForm(forms.Form):
    period_start = BoundedDateField(label=_("Disetujui dari tanggal"), bound=PAST_EVENT)
    period_end = BoundedDateField(label=_("sampai tanggal"), bound=PAST_EVENT)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        today = timezone.localdate()
        kwargs["initial"].setdefault("period_start", today.replace(day=1))
        kwargs["initial"].setdefault("period_end", today)
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("Tanggal akhir tidak boleh sebelum tanggal awal."))
        return data
