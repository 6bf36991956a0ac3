"""Forms of the graduation app: shape only; rules live in ``graduation.services``."""

from __future__ import annotations

import re
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from graduation.models import (
    MANUAL_STAGES,
    PROPOSAL_EXIT_TYPES,
    AnswerOption,
    AssessmentForm,
    Indicator,
    IndicatorGroup,
    MonitoringOutcome,
    Objection,
    Stage,
)
from graduation.services.assessments import answer_field
from graduation.validators import validate_statement_file
from pkh.forms import PAST_EVENT, BoundedDateField, TextAreaField, model_max_length
from pkh.quarter_calendar import quarter_label


def _today():
    return timezone.localdate()


class AssessmentEntryForm(forms.Form):
    """One radio group per indicator, grouped as on the paper form."""

    assessed_on = BoundedDateField(label=_("Tanggal penilaian"), bound=PAST_EVENT, initial=_today)
    notes = TextAreaField(label=_("Catatan"), required=False)
    # Posted back unchanged: the same form sent twice records one assessment.
    client_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, groups: list[IndicatorGroup], **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("client_token", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.sections = []
        for group in groups:
            names = []
            for indicator in group.indicators.all():
                name = answer_field(indicator.pk)
                self.fields[name] = forms.TypedChoiceField(
                    label=indicator.text,
                    help_text=indicator.help_text,
                    choices=[(o.pk, o.label) for o in indicator.options.all()],
                    coerce=int,
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Indikator ini wajib dijawab.")},
                )
                names.append(name)
            self.sections.append((group.name, [self[n] for n in names]))

    def answers(self) -> dict[int, int]:
        return {
            int(name.split("_", 1)[1]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("indikator_") and value is not None
        }


class NaturalConfirmForm(forms.Form):
    date = BoundedDateField(label=_("Tanggal graduasi"), bound=PAST_EVENT, initial=_today)


def _manual_stage_choices():
    return [(s, Stage(s).label) for s in MANUAL_STAGES]


class PipelineAddForm(forms.Form):
    stage = forms.ChoiceField(label=_("Tahap"), initial=Stage.TARGETED)
    date = BoundedDateField(label=_("Tanggal"), bound=PAST_EVENT, initial=_today)
    note = TextAreaField(label=_("Catatan"), required=False, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = _manual_stage_choices()


class PipelineRecordForm(forms.Form):
    stage = forms.ChoiceField(label=_("Tahap"))
    date = BoundedDateField(label=_("Tanggal"), bound=PAST_EVENT, initial=_today)
    note = TextAreaField(label=_("Catatan"), required=False)
    objection = forms.ModelChoiceField(
        label=_("Keberatan keluarga (dari bank jawaban)"),
        queryset=Objection.objects.filter(is_archived=False),
        required=False,
    )

    def __init__(self, *args, current_stage: str, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("stage", current_stage)
        super().__init__(*args, **kwargs)
        choices = _manual_stage_choices()
        if current_stage not in MANUAL_STAGES:
            choices = [(current_stage, Stage(current_stage).label)]
        self.fields["stage"].choices = choices


class ProposalForm(forms.Form):
    exit_type = forms.ChoiceField(
        label=_("Jenis graduasi"), choices=[(t.value, t.label) for t in PROPOSAL_EXIT_TYPES]
    )
    reason = TextAreaField(
        label=_("Alasan"),
        rows=4,
        help_text=_("Mengapa keluarga ini siap keluar dari PKH."),
    )
    statement = forms.FileField(
        label=_("Surat pernyataan (PDF atau foto)"),
        error_messages={"required": _("Unggah surat pernyataan yang ditandatangani.")},
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
    )

    def clean_statement(self):
        statement = self.cleaned_data["statement"]
        try:
            validate_statement_file(statement)
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["statement"])
        return statement


class DecisionForm(forms.Form):
    APPROVE, RETURN = "approve", "return"
    decision = forms.ChoiceField(
        label=_("Keputusan"),
        choices=[(APPROVE, _("Setujui")), (RETURN, _("Kembalikan dengan komentar"))],
        widget=forms.RadioSelect,
    )
    graduation_date = BoundedDateField(
        label=_("Tanggal graduasi"), bound=PAST_EVENT, required=False, initial=_today
    )
    comment = TextAreaField(label=_("Komentar"), required=False)


class MonitoringForm(forms.Form):
    done_on = BoundedDateField(label=_("Tanggal kunjungan"), bound=PAST_EVENT, initial=_today)
    outcome = forms.ChoiceField(
        label=_("Hasil"), choices=MonitoringOutcome.choices, widget=forms.RadioSelect
    )
    note = TextAreaField(label=_("Catatan"), required=False)


def quarter_number_choices() -> list[tuple[int, str]]:
    """T1..T4 (Q1..Q4 in English), evaluated when rendered so the language applies."""
    return [(q, quarter_label(None, q)) for q in (1, 2, 3, 4)]


class QuarterForm(forms.Form):
    tahun = forms.IntegerField(label=_("Tahun"), min_value=2000, max_value=2100)
    triwulan = forms.TypedChoiceField(
        label=_("Triwulan"), coerce=int, choices=quarter_number_choices
    )


class TargetsForm(forms.Form):
    """One target per facilitator of the team for the chosen quarter."""

    def __init__(self, *args, facilitators, **kwargs):
        super().__init__(*args, **kwargs)
        for f in facilitators:
            self.fields[f"target_{f.pk}"] = forms.IntegerField(
                label=str(f),
                min_value=0,
                max_value=999,
                error_messages={
                    "min_value": _("Target tidak boleh kurang dari nol."),
                    "required": _("Isi target (boleh 0)."),
                },
            )

    def targets(self) -> dict[int, int]:
        return {int(k.split("_", 1)[1]): v for k, v in self.cleaned_data.items()}


class ObjectionForm(forms.Form):
    argument = forms.CharField(
        label=_("Keberatan keluarga"), max_length=model_max_length(Objection, "argument")
    )
    answer = TextAreaField(label=_("Jawaban yang baik"), rows=6)
    tags = forms.CharField(
        label=_("Kata kunci"),
        max_length=model_max_length(Objection, "tags"),
        required=False,
        help_text=_("Pisahkan dengan koma, mis. usaha, kesehatan."),
    )


class ObjectionSearchForm(forms.Form):
    q = forms.CharField(label=_("Cari"), required=False, max_length=100)


class FormMetaForm(forms.Form):
    name = forms.CharField(
        label=_("Nama formulir"), max_length=model_max_length(AssessmentForm, "name")
    )
    description = TextAreaField(label=_("Keterangan"), required=False, rows=2)


class GroupForm(forms.Form):
    name = forms.CharField(
        label=_("Nama kelompok"), max_length=model_max_length(IndicatorGroup, "name")
    )
    order = forms.IntegerField(label=_("Urutan"), min_value=0, max_value=999, initial=0)


_OPTION_LINE = re.compile(r"^(?P<label>.+?)\s*=\s*(?P<weight>\d{1,3})\s*$")


class IndicatorForm(forms.Form):
    group = forms.ModelChoiceField(label=_("Kelompok"), queryset=IndicatorGroup.objects.none())
    text = forms.CharField(label=_("Pertanyaan"), max_length=model_max_length(Indicator, "text"))
    help_text = forms.CharField(
        label=_("Petunjuk"), max_length=model_max_length(Indicator, "help_text"), required=False
    )
    order = forms.IntegerField(label=_("Urutan"), min_value=0, max_value=999, initial=0)
    options = TextAreaField(
        label=_("Pilihan jawaban dan bobot"),
        rows=5,
        help_text=_("Satu pilihan per baris: jawaban = bobot (mis. Tanah = 0). Bobot 0-999."),
    )

    def __init__(self, *args, form_version, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = form_version.groups.all()

    def clean_options(self):
        parsed = []
        for number, line in enumerate(self.cleaned_data["options"].splitlines(), start=1):
            if not line.strip():
                continue
            match = _OPTION_LINE.match(line.strip())
            if not match:
                raise forms.ValidationError(
                    _('Baris %(n)d: tulis "jawaban = bobot" (bobot angka 0-999).') % {"n": number}
                )
            label = match["label"].strip()
            if len(label) > model_max_length(AnswerOption, "label"):
                raise forms.ValidationError(
                    _("Baris %(n)d: jawaban paling banyak %(max)d karakter.")
                    % {"n": number, "max": model_max_length(AnswerOption, "label")}
                )
            parsed.append((label, int(match["weight"])))
        return parsed

    @staticmethod
    def options_text(indicator) -> str:
        return "\n".join(f"{o.label} = {o.weight}" for o in indicator.options.all())
