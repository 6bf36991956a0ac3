"""Forms of commitment verification: the month picker, a place's month sheet, a member's
enrolment event, a new school or facility."""

from __future__ import annotations

import calendar
import datetime

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from commitments import rules as r
from commitments.models import (
    Enrolment,
    EnrolmentChange,
    FacilityKind,
    HealthFacility,
    School,
    SchoolLevel,
    Sector,
    validate_nisn,
    validate_npsn,
)
from commitments.selectors.due import NOT_ENROLLED, DueItem
from commitments.services.enrolment import CHANGES
from commitments.services.verification import Finding
from pkh.forms import PAST_EVENT, BoundedDateField, FastSelect, TextAreaField, model_max_length

# The items' labels on the sheet (``commitments.rules.HEALTH_ITEMS``).
ITEM_LABELS = {
    "antenatal_check": _("Periksa kehamilan"),
    "weighed": _("Ditimbang"),
    "immunisation_given": _("Imunisasi"),
    "posyandu_visit": _("Datang ke posyandu"),
    "care_visit": _("Kunjungan perawatan"),
}
MONTHS_OFFERED = 12  # the month picker: this month and the eleven before


def month_key(month: datetime.date) -> str:
    return month.strftime("%Y-%m")


def month_parse(value: str | None) -> datetime.date | None:
    try:
        return datetime.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return None


def weekdays_in(month: datetime.date, per_week: int) -> int:
    """School days a month has on a ``per_week``-day school week (Monday first)."""
    days = calendar.monthrange(month.year, month.month)[1]
    return sum(
        1
        for d in range(1, days + 1)
        if datetime.date(month.year, month.month, d).weekday() < per_week
    )


class MonthForm(forms.Form):
    """Which month (and, for a supervisor, which facilitator) the month page shows."""

    bulan = forms.ChoiceField(label=_("Bulan"), widget=FastSelect)
    pendamping = forms.TypedChoiceField(
        label=_("Pendamping"), coerce=int, required=False, widget=FastSelect
    )

    def __init__(self, *args, today: datetime.date, facilitators=None, **kwargs):
        super().__init__(*args, **kwargs)
        this = today.replace(day=1)
        self.fields["bulan"].choices = [
            (month_key(m), m) for m in (r.month_add(this, -k) for k in range(MONTHS_OFFERED))
        ]
        if facilitators is None:
            del self.fields["pendamping"]
        else:
            self.fields["pendamping"].choices = [(f.pk, str(f)) for f in facilitators]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


class SheetForm(forms.Form):
    """One school's or facility's month: for education the school days once and three
    absence counts per member; for health a box per protocol item, ticked ("memenuhi")
    until the facilitator unticks it. A compliant list is one tap on "Simpan"."""

    school_days = forms.IntegerField(
        label=_("Hari sekolah efektif bulan ini"), min_value=0, required=False
    )

    def __init__(
        self,
        *args,
        items: list[DueItem],
        kind: str,
        month: datetime.date,
        default_school_days: int,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.items = items
        self.kind = kind
        self.month = month
        self.sector = items[0].sector if items else Sector.HEALTH
        limit = calendar.monthrange(month.year, month.month)[1]
        education = self.sector == Sector.EDUCATION and kind != NOT_ENROLLED
        if education:
            known = next(
                (i.entry.school_days for i in items if i.entry and i.entry.school_days is not None),
                None,
            )
            f = self.fields["school_days"]
            f.required = True
            f.max_value = limit
            f.validators.append(MaxValueValidator(limit))
            f.widget.attrs.update({"inputmode": "numeric", "max": limit, "class": "form-control"})
            f.initial = known if known is not None else default_school_days
        else:
            del self.fields["school_days"]
        for item in items:
            prefix = self.prefix_of(item)
            entry = item.entry
            if kind == NOT_ENROLLED:
                continue
            if education:
                for name, label in (
                    ("days_sick", _("Sakit")),
                    ("days_excused", _("Izin")),
                    ("days_unexcused", _("Alpa")),
                ):
                    self.fields[f"{prefix}{name}"] = forms.IntegerField(
                        label=label,
                        min_value=0,
                        max_value=limit,
                        initial=getattr(entry, name, None) or 0 if entry else 0,
                        widget=forms.NumberInput(
                            attrs={
                                "inputmode": "numeric",
                                "class": "form-control form-control-sm",
                                "min": 0,
                                "max": limit,
                            }
                        ),
                    )
            else:
                for name in item.required:
                    value = getattr(entry, name) if entry else None
                    self.fields[f"{prefix}{name}"] = forms.BooleanField(
                        label=ITEM_LABELS[name],
                        required=False,
                        initial=True if value is None else value,
                        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
                    )

    @staticmethod
    def prefix_of(item: DueItem) -> str:
        return f"m{item.member.pk}_{item.component.pk}_"

    def rows(self):
        """One row per item for the template."""
        for item in self.items:
            prefix = self.prefix_of(item)
            yield {
                "item": item,
                "fields": [self[n] for n in self.fields if n.startswith(prefix)],
            }

    def clean(self):
        data = super().clean()
        days = data.get("school_days")
        if days is not None:
            for item in self.items:
                prefix = self.prefix_of(item)
                absent = sum(
                    data.get(f"{prefix}{n}") or 0
                    for n in ("days_sick", "days_excused", "days_unexcused")
                )
                if absent > days:
                    self.add_error(
                        f"{prefix}days_unexcused",
                        _("Lebih dari hari sekolah efektif (%(days)s).") % {"days": days},
                    )
        return data

    def findings(self) -> list[Finding]:
        data = self.cleaned_data
        out = []
        for item in self.items:
            prefix = self.prefix_of(item)
            if self.kind == NOT_ENROLLED:
                out.append(Finding(item=item, enrolled=False))
            elif "school_days" in self.fields:
                out.append(
                    Finding(
                        item=item,
                        school_days=data["school_days"],
                        days_sick=data[f"{prefix}days_sick"],
                        days_excused=data[f"{prefix}days_excused"],
                        days_unexcused=data[f"{prefix}days_unexcused"],
                    )
                )
            else:
                out.append(
                    Finding(item=item, items={n: data[f"{prefix}{n}"] for n in item.required})
                )
        return out


class EnrolmentForm(forms.Form):
    """An enrolment event of one member in one sector."""

    change = forms.ChoiceField(label=_("Perubahan"), widget=forms.RadioSelect)
    start_on = BoundedDateField(label=_("Sejak tanggal"), bound=PAST_EVENT)
    school = forms.ModelChoiceField(
        label=_("Sekolah"), queryset=School.objects.none(), required=False, widget=FastSelect
    )
    grade = forms.CharField(
        label=_("Kelas"), max_length=model_max_length(Enrolment, "grade"), required=False
    )
    nisn = forms.CharField(
        label=_("NISN (jika tahu)"),
        max_length=model_max_length(Enrolment, "nisn"),
        required=False,
        validators=[validate_nisn],
        help_text=_(
            "Nomor induk siswa nasional, 10 angka: lembar absensi dapat dicocokkan dengannya."
        ),
    )
    facility = forms.ModelChoiceField(
        label=_("Fasilitas kesehatan"),
        queryset=HealthFacility.objects.none(),
        required=False,
        widget=FastSelect,
    )
    note = forms.CharField(
        label=_("Catatan"), max_length=model_max_length(Enrolment, "note"), required=False
    )

    def __init__(self, *args, sector: str, schools, facilities, **kwargs):
        super().__init__(*args, **kwargs)
        self.sector = sector
        self.fields["change"].choices = [
            (c.value, c.label) for c in EnrolmentChange if c in CHANGES[sector]
        ]
        if sector == Sector.EDUCATION:
            self.fields["school"].queryset = schools
            self.fields["school"].label_from_instance = lambda s: (
                f"{s.name} ({s.get_level_display()})"
            )
            del self.fields["facility"]
        else:
            self.fields["facility"].queryset = facilities
            self.fields["facility"].label_from_instance = lambda f: (
                f"{f.name} ({f.get_kind_display()})"
            )
            del self.fields["school"], self.fields["grade"], self.fields["nisn"]
        for name, field in self.fields.items():
            if name != "change":
                field.widget.attrs["class"] = (
                    "form-select" if isinstance(field.widget, FastSelect) else "form-control"
                )


class SchoolForm(forms.Form):
    name = forms.CharField(label=_("Nama sekolah"), max_length=model_max_length(School, "name"))
    level = forms.ChoiceField(label=_("Jenjang"), choices=SchoolLevel.choices)
    npsn = forms.CharField(
        label=_("NPSN (jika tahu)"),
        max_length=model_max_length(School, "npsn"),
        required=False,
        validators=[validate_npsn],
    )
    village = forms.ModelChoiceField(label=_("Desa/kelurahan"), queryset=None, widget=FastSelect)

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["village"].label_from_instance = lambda v: v.name
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select"
                if isinstance(field.widget, (forms.Select, FastSelect))
                else "form-control"
            )
        self.fields["npsn"].widget.attrs["inputmode"] = "numeric"


class FacilityForm(forms.Form):
    name = forms.CharField(
        label=_("Nama fasilitas"), max_length=model_max_length(HealthFacility, "name")
    )
    kind = forms.ChoiceField(label=_("Jenis"), choices=FacilityKind.choices)
    village = forms.ModelChoiceField(label=_("Desa/kelurahan"), queryset=None, widget=FastSelect)

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["village"].label_from_instance = lambda v: v.name
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select"
                if isinstance(field.widget, (forms.Select, FastSelect))
                else "form-control"
            )


class SanctionProposeForm(forms.Form):
    reason = TextAreaField(
        label=_("Alasan dan upaya yang sudah dilakukan"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )


class SanctionDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Keputusan"),
        choices=[("confirm", _("Konfirmasi")), ("return", _("Kembalikan"))],
        widget=forms.RadioSelect,
    )
    comment = TextAreaField(
        label=_("Komentar"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Tulis komentar: mengapa usulan dikembalikan."))
        return data


class SheetImportForm(forms.Form):
    """A school's or the national system's verification sheet (CSV or XLSX)."""

    file = forms.FileField(
        label=_("File lembar verifikasi (CSV atau XLSX)"),
        help_text=_("Satu baris per anak dan bulan: NIK, BULAN, HARI_SEKOLAH, SAKIT, IZIN, ALPA."),
    )

    def clean_file(self):
        from imports.forms import check_upload

        return check_upload(self.cleaned_data["file"])


class SheetImportConfirmForm(forms.Form):
    skip_invalid = forms.BooleanField(
        label=_("Lewati baris yang salah (simpan hanya baris yang benar)"), required=False
    )
