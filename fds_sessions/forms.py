"""Forms check the shape of input; the rules live in ``fds_sessions.services``."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fds_sessions.models import AttendanceStatus, FdsGroup, FdsModule, FdsModuleSession, FdsSession
from pkh.forms import (
    PAST_EVENT,
    PLANNED,
    BoundedDateField,
    DateInput,
    TextAreaField,
    model_max_length,
)


class ModuleForm(forms.Form):
    number = forms.IntegerField(label=_("Nomor modul"), min_value=1, max_value=99)
    title = forms.CharField(label=_("Judul modul"), max_length=model_max_length(FdsModule, "title"))
    description = TextAreaField(label=_("Keterangan"), required=False)
    is_active = forms.BooleanField(label=_("Aktif (dipakai untuk rencana baru)"), required=False)


class ModuleSessionForm(forms.Form):
    title = forms.CharField(
        label=_("Judul sesi"), max_length=model_max_length(FdsModuleSession, "title")
    )
    order = forms.IntegerField(
        label=_("Urutan"),
        min_value=1,
        max_value=99,
        required=False,
        help_text=_("Kosongkan untuk menaruhnya paling akhir."),
    )
    is_active = forms.BooleanField(label=_("Aktif (dipakai untuk rencana baru)"), required=False)


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Nama kelompok"), max_length=model_max_length(FdsGroup, "name"))
    village = forms.ModelChoiceField(label=_("Desa tempat bertemu"), queryset=None)
    meeting_place = forms.CharField(
        label=_("Tempat pertemuan"),
        max_length=model_max_length(FdsGroup, "meeting_place"),
        required=False,
        help_text=_("Misalnya: rumah ketua kelompok, balai dusun."),
    )

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages


class GroupEditForm(GroupForm):
    leader = forms.ModelChoiceField(
        label=_("Ketua kelompok"),
        queryset=None,
        required=False,
        help_text=_("Dipilih dari pengurus keluarga anggota kelompok."),
    )
    is_active = forms.BooleanField(label=_("Kelompok aktif"), required=False)

    def __init__(self, *args, leaders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders
        self.fields["leader"].label_from_instance = lambda m: m.name


class FamiliesForm(forms.Form):
    ACTIONS = [("add", _("Masukkan ke kelompok")), ("remove", _("Keluarkan dari kelompok"))]

    action = forms.ChoiceField(choices=ACTIONS, widget=forms.HiddenInput)
    households = forms.TypedMultipleChoiceField(
        label=_("Keluarga"),
        coerce=int,
        error_messages={"required": _("Pilih minimal satu keluarga.")},
    )
    on_date = BoundedDateField(
        label=_("Berlaku sejak"),
        bound=PAST_EVENT,
        help_text=_("Tanggal keluarga pindah kelompok; biasanya hari ini."),
    )

    def __init__(self, *args, household_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["households"].choices = [(pk, pk) for pk in household_ids]
        self.fields["on_date"].initial = timezone.localdate()


class SessionPlanForm(forms.Form):
    date = BoundedDateField(label=_("Tanggal"), bound=PLANNED)
    module_session = forms.ModelChoiceField(
        label=_("Modul dan sesi"),
        queryset=None,
        error_messages={"required": _("Pilih modul dan sesi yang akan dibahas.")},
    )
    place = forms.CharField(
        label=_("Tempat"), max_length=model_max_length(FdsSession, "place"), required=False
    )

    def __init__(self, *args, module_sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module_session"].queryset = module_sessions
        self.fields["module_session"].label_from_instance = lambda s: (
            f"{s.module.number}.{s.order} {s.module.title}: {s.title}"
        )


class AttendanceForm(forms.Form):
    """One radio group per family (``a<household id>``), notes and an optional photo."""

    notes = TextAreaField(label=_("Catatan pertemuan"), required=False)
    photo = forms.FileField(
        label=_("Foto kegiatan"),
        required=False,
        help_text=_("Foto sebagai bukti pertemuan (JPEG/PNG/WebP)."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )

    def __init__(self, *args, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.households = list(households)
        for h in self.households:
            self.fields[f"a{h.pk}"] = forms.ChoiceField(
                label=h.pengurus_name or h.id_keluarga,
                choices=AttendanceStatus.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Tandai kehadiran keluarga ini.")},
            )

    def rows(self):
        """One row per family for the template: plain values, cheap to render 30 times."""
        for h in self.households:
            field = self[f"a{h.pk}"]
            yield {
                "household": h,
                "name": field.html_name,
                "value": field.value(),
                "errors": field.errors,
            }

    def attendance(self) -> dict[int, str]:
        return {h.pk: self.cleaned_data[f"a{h.pk}"] for h in self.households}


class PeriodForm(forms.Form):
    # A report period may end ahead (e.g. at the end of the year): bounded as planned dates.
    start = BoundedDateField(
        label=_("Dari"),
        required=False,
        bound=PLANNED,
        widget=DateInput(attrs={"class": "form-control"}),
    )
    end = BoundedDateField(
        label=_("Sampai"),
        required=False,
        bound=PLANNED,
        widget=DateInput(attrs={"class": "form-control"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("Tanggal awal harus sebelum tanggal akhir."))
        return data

    def period(self) -> tuple[datetime.date, datetime.date]:
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("start") or today.replace(month=1, day=1), data.get("end") or today
