from django import forms
from django.utils.translation import gettext_lazy as _

from reports.quarters import Quarter, recent_quarters


def quarter_choices() -> list[tuple[str, str]]:
    return [(str(q), q.display) for q in recent_quarters(12)]


class QuarterField(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=quarter_choices, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return Quarter.parse(value) if value else None


class QuarterForm(forms.Form):
    """The quarter picker on the team, district and report list pages (GET)."""

    triwulan = QuarterField(label=_("Triwulan"), required=False)


class RunStartForm(forms.Form):
    """An admin starts a quarter's reports for every facilitator of their region (POST)."""

    triwulan = QuarterField(label=_("Triwulan"))
