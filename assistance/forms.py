"""Forms of complementary aid: shape only; the rules live in ``assistance.services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assistance.models import (
    AdvocacyCase,
    Aid,
    AidEnrolment,
    AidStatus,
    AidUnit,
    CaseKind,
    CaseStatus,
    EligibilityRule,
    Resource,
    ResourceKind,
)
from households.models import Component
from pkh.forms import (
    PAST_EVENT,
    PLANNED,
    BoundedDateField,
    FilterForm,
    TextAreaField,
    model_max_length,
)
from regions.models import Region


class ResourceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Resource) -> str:
        return f"{obj.name} ({obj.area.name})"


class AidStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=AidStatus.choices)
    since = BoundedDateField(label=_("Sejak tanggal"), required=False, bound=PAST_EVENT)
    card_number = forms.CharField(
        label=_("Nomor kartu"),
        required=False,
        max_length=model_max_length(AidEnrolment, "card_number"),
    )
    office = ResourceChoiceField(
        label=_("Diusulkan ke / diurus di"), queryset=Resource.objects.none(), required=False
    )
    note = forms.CharField(
        label=_("Catatan"), required=False, max_length=model_max_length(AidEnrolment, "note")
    )

    def __init__(self, *args, aid: Aid, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
        if aid.card_label:
            self.fields["card_number"].label = aid.card_label
            self.fields["card_number"].help_text = aid.card_hint
            self.fields["card_number"].widget.attrs["inputmode"] = "numeric"
        else:
            del self.fields["card_number"]


class GapFilterForm(FilterForm):
    """Filters of the coverage-gap page (GET)."""

    bantuan = forms.ChoiceField(label=_("Bantuan"), required=False)
    desa = forms.ChoiceField(label=_("Wilayah"), required=False)
    pendamping = forms.TypedChoiceField(
        label=_("Pendamping"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, aids, areas, facilitators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bantuan"].choices = [("", _("Semua"))] + [(a.code, a.name) for a in aids]
        self.fields["desa"].choices = [("", _("Semua"))] + list(areas)
        if facilitators is None:
            del self.fields["pendamping"]
        else:
            self.fields["pendamping"].choices = [("", _("Semua"))] + list(facilitators)


class AidForm(forms.Form):
    code = forms.CharField(label=_("Kode"), max_length=model_max_length(Aid, "code"))
    name = forms.CharField(label=_("Nama"), max_length=model_max_length(Aid, "name"))
    ministry = forms.CharField(
        label=_("Kementerian/lembaga"), max_length=model_max_length(Aid, "ministry")
    )
    unit = forms.ChoiceField(label=_("Sasaran"), choices=AidUnit.choices)
    eligibility = forms.ChoiceField(label=_("Aturan kelayakan"), choices=EligibilityRule.choices)
    components = forms.ModelMultipleChoiceField(
        label=_("Komponen yang layak"),
        queryset=Component.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    min_age = forms.IntegerField(
        label=_("Usia minimal"), required=False, min_value=0, max_value=120
    )
    max_age = forms.IntegerField(
        label=_("Usia maksimal"), required=False, min_value=0, max_value=120
    )
    card_label = forms.CharField(
        label=_("Nama nomor kartu"), required=False, max_length=model_max_length(Aid, "card_label")
    )
    card_pattern = forms.CharField(
        label=_("Format nomor kartu (regex)"),
        required=False,
        max_length=model_max_length(Aid, "card_pattern"),
    )
    card_hint = forms.CharField(
        label=_("Keterangan format"), required=False, max_length=model_max_length(Aid, "card_hint")
    )
    summary = TextAreaField(label=_("Ringkasan aturan (bahasa sederhana)"), required=False, rows=4)
    regulation = forms.CharField(
        label=_("Dasar hukum"), required=False, max_length=model_max_length(Aid, "regulation")
    )
    is_active = forms.BooleanField(label=_("Aktif"), required=False, initial=True)
    order = forms.IntegerField(label=_("Urutan"), min_value=0, max_value=999, initial=10)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True


class ResourceForm(forms.Form):
    name = forms.CharField(label=_("Nama"), max_length=model_max_length(Resource, "name"))
    kind = forms.ChoiceField(label=_("Jenis"), choices=ResourceKind.choices)
    area = forms.ModelChoiceField(label=_("Wilayah"), queryset=Region.objects.none())
    contact_person = forms.CharField(
        label=_("Narahubung"),
        required=False,
        max_length=model_max_length(Resource, "contact_person"),
    )
    phone = forms.CharField(
        label=_("Telepon"), required=False, max_length=model_max_length(Resource, "phone")
    )
    email = forms.EmailField(
        label=_("Email"), required=False, max_length=model_max_length(Resource, "email")
    )
    address = forms.CharField(
        label=_("Alamat"), required=False, max_length=model_max_length(Resource, "address")
    )
    aids = forms.ModelMultipleChoiceField(
        label=_("Bantuan yang ditangani"),
        queryset=Aid.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = TextAreaField(label=_("Catatan"), required=False)
    is_active = forms.BooleanField(label=_("Aktif"), required=False, initial=True)

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas


class ResourceFilterForm(FilterForm):
    bantuan = forms.ChoiceField(label=_("Bantuan"), required=False)
    jenis = forms.ChoiceField(
        label=_("Jenis"), required=False, choices=[("", _("Semua"))] + ResourceKind.choices
    )

    def __init__(self, *args, aids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bantuan"].choices = [("", _("Semua"))] + [(a.code, a.name) for a in aids]


class CaseOpenForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis masalah"), choices=CaseKind.choices)
    aid = forms.ModelChoiceField(
        label=_("Bantuan"), queryset=Aid.objects.filter(is_active=True), required=False
    )
    member = forms.ModelChoiceField(label=_("Anggota"), queryset=None, required=False)
    description = TextAreaField(label=_("Uraian"), required=False)
    resource = ResourceChoiceField(
        label=_("Dibawa ke (sistem sumber)"), queryset=Resource.objects.none(), required=False
    )
    opened_on = BoundedDateField(label=_("Tanggal dibuka"), bound=PAST_EVENT)
    taken_on = BoundedDateField(
        label=_("Tanggal dibawa ke kantor"), required=False, bound=PAST_EVENT
    )
    next_step = forms.CharField(
        label=_("Langkah berikutnya"),
        required=False,
        max_length=model_max_length(AdvocacyCase, "next_step"),
    )
    next_step_due = BoundedDateField(
        label=_("Batas langkah berikutnya"), required=False, bound=PLANNED
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (CaseStatus.OPEN, CaseStatus.OPEN.label),
            (CaseStatus.WAITING, CaseStatus.WAITING.label),
        ],
    )

    def __init__(self, *args, members, resources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["resource"].queryset = resources


class CaseUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (CaseStatus.OPEN, CaseStatus.OPEN.label),
            (CaseStatus.WAITING, CaseStatus.WAITING.label),
        ],
    )
    resource = ResourceChoiceField(
        label=_("Dibawa ke (sistem sumber)"), queryset=Resource.objects.none(), required=False
    )
    taken_on = BoundedDateField(
        label=_("Tanggal dibawa ke kantor"), required=False, bound=PAST_EVENT
    )
    description = TextAreaField(label=_("Uraian"), required=False)
    next_step = forms.CharField(
        label=_("Langkah berikutnya"),
        required=False,
        max_length=model_max_length(AdvocacyCase, "next_step"),
    )
    next_step_due = BoundedDateField(
        label=_("Batas langkah berikutnya"), required=False, bound=PLANNED
    )

    def __init__(self, *args, resources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = resources


class CaseCloseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Hasil akhir"),
        choices=[
            (CaseStatus.RESOLVED, CaseStatus.RESOLVED.label),
            (CaseStatus.UNRESOLVABLE, CaseStatus.UNRESOLVABLE.label),
        ],
    )
    closed_on = BoundedDateField(label=_("Tanggal ditutup"), required=False, bound=PAST_EVENT)
    outcome = TextAreaField(label=_("Hasil"), required=False)
    aid_received = forms.BooleanField(
        label=_("Keluarga/anggota kini menerima bantuan ini"), required=False
    )


class CaseFilterForm(FilterForm):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Semua yang terbuka")), *CaseStatus.choices],
    )
    jenis = forms.ChoiceField(
        label=_("Jenis masalah"), required=False, choices=[("", _("Semua")), *CaseKind.choices]
    )
