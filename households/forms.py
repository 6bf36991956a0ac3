import uuid

from django import forms
from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.models import (
    Component,
    Disability,
    ExitType,
    Household,
    HouseholdStatus,
    HouseholdTransfer,
    Member,
    MemberExit,
    Relationship,
    SchoolLevel,
    Sex,
    VisitPurpose,
)
from pkh.forms import (
    LIFE_EVENT,
    PAST_EVENT,
    PKH_START,
    PLANNED,
    BoundedDateField,
    FilterForm,
    TextAreaField,
    model_max_length,
)


class SortChoices:
    CHOICES = [
        ("nama", _("Nama pengurus")),
        ("id", _("ID keluarga")),
        ("kunjungan", _("Kunjungan terlama dulu")),
        ("-kunjungan", _("Kunjungan terbaru dulu")),
        ("desa", _("Desa")),
    ]
    ORDER_BY = {
        "nama": ["pengurus_name", "pk"],
        "id": ["id_keluarga"],
        "kunjungan": [
            # Families never visited come first: they need a visit most.
            F("last_visit_on").asc(nulls_first=True),
            "pk",
        ],
        "-kunjungan": [F("last_visit_on").desc(nulls_last=True), "pk"],
        "desa": ["village__name", "pengurus_name", "pk"],
    }


class CaseloadFilterForm(FilterForm):
    """Filters of the caseload page (GET). The free-text search is POSTed separately."""

    desa = forms.ChoiceField(label=_("Desa"), required=False)
    komponen = forms.ChoiceField(label=_("Komponen"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Semua"))] + HouseholdStatus.choices,
    )
    kelompok = forms.TypedChoiceField(
        label=_("Kelompok P2K2"), required=False, coerce=int, empty_value=None
    )
    pendamping = forms.TypedChoiceField(
        label=_("Pendamping"), required=False, coerce=int, empty_value=None
    )
    belum_dikunjungi = forms.BooleanField(label=_("Belum dikunjungi 30 hari"), required=False)
    tindak_lanjut_terlambat = forms.BooleanField(label=_("Tindak lanjut terlambat"), required=False)
    urut = forms.ChoiceField(label=_("Urutkan"), required=False, choices=SortChoices.CHOICES)

    def __init__(self, *args, villages, groups, facilitators, narrowed=False, **kwargs):
        super().__init__(*args, **kwargs)
        if narrowed:
            hint = _("Pilih pendamping untuk menampilkan desa dan kelompoknya.")
            self.fields["desa"].help_text = self.fields["kelompok"].help_text = hint
        self.fields["desa"].choices = [("", _("Semua"))] + [(v.code, v.name) for v in villages]
        self.fields["komponen"].choices = [("", _("Semua"))] + [
            (c.code, c.name) for c in Component.objects.all()
        ]
        self.fields["kelompok"].choices = [("", _("Semua"))] + [(g.pk, g.name) for g in groups]
        if facilitators is None:
            del self.fields["pendamping"]
        else:
            self.fields["pendamping"].choices = [("", _("Semua"))] + [
                (f.pk, str(f)) for f in facilitators
            ]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Cari"), required=False, max_length=100)


class VisitForm(forms.Form):
    date = BoundedDateField(
        label=_("Tanggal kunjungan"),
        bound=PAST_EVENT,
        error_messages={"too_late": _("Tanggal kunjungan tidak boleh di masa depan.")},
    )
    purpose = forms.ChoiceField(label=_("Tujuan"), choices=VisitPurpose.choices)
    notes = TextAreaField(label=_("Catatan hasil"), required=False, rows=4)
    follow_up_date = BoundedDateField(
        label=_("Tanggal tindak lanjut"), required=False, bound=PLANNED
    )
    client_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("date", timezone.localdate())
        kwargs["initial"].setdefault("client_token", uuid.uuid4())
        super().__init__(*args, **kwargs)


class HouseholdForm(forms.Form):
    address = forms.CharField(
        label=_("Alamat"), max_length=model_max_length(Household, "address"), required=False
    )
    rt = forms.RegexField(
        label=_("RT"),
        regex=r"^\d{1,3}$",
        max_length=model_max_length(Household, "rt"),
        required=False,
        error_messages={"invalid": _("RT berupa 1-3 angka.")},
    )
    rw = forms.RegexField(
        label=_("RW"),
        regex=r"^\d{1,3}$",
        max_length=model_max_length(Household, "rw"),
        required=False,
        error_messages={"invalid": _("RW berupa 1-3 angka.")},
    )
    phone = forms.RegexField(
        label=_("Telepon"),
        regex=r"^\+?[0-9 -]{6,20}$",
        max_length=model_max_length(Household, "phone"),
        required=False,
        error_messages={"invalid": _("Nomor telepon tidak valid.")},
    )
    year_joined = forms.IntegerField(
        label=_("Tahun masuk PKH"), required=False, min_value=PKH_START.year, max_value=2100
    )
    welfare_decile = forms.IntegerField(
        label=_("Desil kesejahteraan"), required=False, min_value=1, max_value=10
    )
    status = forms.ChoiceField(label=_("Status"), choices=HouseholdStatus.choices)
    status_date = BoundedDateField(label=_("Tanggal status"), required=False, bound=PAST_EVENT)
    status_reason = forms.CharField(
        label=_("Alasan status"),
        max_length=model_max_length(Household, "status_reason"),
        required=False,
    )
    exit_type = forms.ChoiceField(
        label=_("Jenis keluar/graduasi"), required=False, choices=[("", "---")] + ExitType.choices
    )

    def __init__(self, *args, can_change_status: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_change_status:
            for name in ("status", "status_date", "status_reason", "exit_type"):
                del self.fields[name]

    def clean_year_joined(self):
        year = self.cleaned_data["year_joined"]
        if year and year > timezone.localdate().year:
            raise forms.ValidationError(_("Tahun tidak boleh di masa depan."))
        return year


class MemberForm(forms.Form):
    nik = forms.RegexField(
        label=_("NIK"),
        regex=r"^\d{16}$",
        max_length=model_max_length(Member, "nik"),
        error_messages={"invalid": _("NIK harus tepat 16 angka.")},
    )
    name = forms.CharField(label=_("Nama"), max_length=model_max_length(Member, "name"))
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=Sex.choices)
    birth_date = BoundedDateField(
        label=_("Tanggal lahir"),
        bound=LIFE_EVENT,
        error_messages={"too_late": _("Tanggal lahir tidak boleh di masa depan.")},
    )
    relationship = forms.ChoiceField(
        label=_("Hubungan dengan kepala keluarga"), choices=Relationship.choices
    )
    is_pengurus = forms.BooleanField(label=_("Pengurus"), required=False)
    components = forms.ModelMultipleChoiceField(
        label=_("Komponen PKH"),
        queryset=Component.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    expected_delivery_date = BoundedDateField(
        label=_("HPL (hari perkiraan lahir)"),
        bound=PLANNED,
        required=False,
        help_text=_(
            "Wajib untuk komponen ibu hamil: komponen berakhir setelah masa nifas "
            "(%(days)d hari sesudah HPL)."
        ),
    )
    disability = forms.ChoiceField(
        label=_("Disabilitas"), choices=Disability.choices, required=False
    )
    school_level = forms.ChoiceField(
        label=_("Jenjang sekolah"), choices=SchoolLevel.choices, required=False
    )
    left_on = BoundedDateField(label=_("Tanggal keluar"), required=False, bound=LIFE_EVENT)
    left_reason = forms.ChoiceField(
        label=_("Alasan keluar"), required=False, choices=[("", "---")] + MemberExit.choices
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        hpl = self.fields["expected_delivery_date"]
        hpl.help_text = hpl.help_text % {"days": settings.PKH_NIFAS_DAYS}
        if editing:
            self.fields["nik"].disabled = True
            self.fields["nik"].required = False
        else:
            del self.fields["left_on"]
            del self.fields["left_reason"]


class TransferForm(forms.Form):
    from_facilitator = forms.ModelChoiceField(label=_("Dari pendamping"), queryset=None)
    to_facilitator = forms.ModelChoiceField(label=_("Ke pendamping"), queryset=None)
    reason = forms.CharField(
        label=_("Alasan"), max_length=model_max_length(HouseholdTransfer, "reason"), required=False
    )
    households = forms.TypedMultipleChoiceField(
        label=_("Keluarga"), coerce=int, choices=[], required=False
    )

    def __init__(self, *args, facilitators, household_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_facilitator"].queryset = facilitators
        self.fields["to_facilitator"].queryset = facilitators
        self.fields["households"].choices = household_choices

    def clean(self):
        data = super().clean()
        if data.get("from_facilitator") and data.get("from_facilitator") == data.get(
            "to_facilitator"
        ):
            self.add_error("to_facilitator", _("Pendamping tujuan harus berbeda."))
        return data
