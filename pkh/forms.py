"""Form helpers shared by every app.

Every date a form takes is a ``BoundedDateField`` with one of the named bounds below, and
every free-text box is a ``TextAreaField`` (at most ``TEXT_MAX_LENGTH`` characters);
``pkh/tests/test_forms.py`` walks every form of the project and fails on one that is not.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms import Form
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

# PKH began in 2007: no visit, session, assessment or aid date of the programme is older.
PKH_START = datetime.date(2007, 1, 1)
# The oldest birth (or leaving) date a member may have; the roster import uses it too.
EARLIEST_BIRTH = datetime.date(1900, 1, 1)
# A planned date (a follow-up, a session, a case's next step) is at most this far ahead.
PLANNED_DAYS_AHEAD = 366
# The longest note, reason or description a form takes, counted with LF line breaks.
TEXT_MAX_LENGTH = 5000


@dataclass(frozen=True)
class DateBound:
    """The window a date must fall in: ``earliest`` .. today + ``days_ahead``."""

    earliest: datetime.date
    days_ahead: int
    too_early: Promise
    too_late: Promise

    def latest(self, today: datetime.date | None = None) -> datetime.date:
        return (today or timezone.localdate()) + datetime.timedelta(days=self.days_ahead)

    def check(self, value: datetime.date) -> None:
        """Raise a ValidationError (codes ``too_early`` / ``too_late``) outside the window."""
        if value < self.earliest:
            raise ValidationError(
                self.too_early,
                code="too_early",
                params={"earliest": date_format(self.earliest, "j F Y")},
            )
        latest = self.latest()
        if value > latest:
            raise ValidationError(
                self.too_late, code="too_late", params={"latest": date_format(latest, "j F Y")}
            )


# Something that happened in the programme: a visit, an attendance, an assessment, an
# aid or case date, a graduation.
PAST_EVENT = DateBound(
    earliest=PKH_START,
    days_ahead=0,
    too_early=_("Tanggal tidak boleh sebelum %(earliest)s (awal PKH)."),
    too_late=_("Tanggal tidak boleh di masa depan."),
)
# Something in a member's life: a birth, a leaving of the family.
LIFE_EVENT = DateBound(
    earliest=EARLIEST_BIRTH,
    days_ahead=0,
    too_early=_("Tanggal tidak boleh sebelum %(earliest)s."),
    too_late=_("Tanggal tidak boleh di masa depan."),
)
# Something planned: a follow-up, a P2K2 session, a case's next step, a report period.
# It may lie in the past (a visit recorded late, a session recorded after the fact, a
# due date that has passed on a case being edited), but not more than a year ahead.
PLANNED = DateBound(
    earliest=PKH_START,
    days_ahead=PLANNED_DAYS_AHEAD,
    too_early=_("Tanggal tidak boleh sebelum %(earliest)s (awal PKH)."),
    too_late=_("Tanggal paling lambat %(latest)s (setahun dari hari ini)."),
)


class DateInput(forms.DateInput):
    """A native date picker (the phone's own), with the ISO value it needs."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class BoundedDateField(forms.DateField):
    """A date within a named ``DateBound`` (``PAST_EVENT``, ``LIFE_EVENT``, ``PLANNED``).

    A field-specific message can replace a bound's own through ``error_messages``
    (keys ``too_early`` and ``too_late``, with ``%(earliest)s`` / ``%(latest)s``).
    """

    def __init__(self, *, bound: DateBound, **kwargs):
        kwargs.setdefault("widget", DateInput())
        self.bound = bound
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value in self.empty_values:
            return
        try:
            self.bound.check(value)
        except ValidationError as exc:
            if exc.code in self.error_messages:
                exc.message = self.error_messages[exc.code]
            raise


class TextAreaField(forms.CharField):
    """Free text in a ``<textarea>``, at most ``TEXT_MAX_LENGTH`` characters.

    Browsers send a textarea's line breaks as CRLF but count them as one character for
    ``maxlength``; the value is normalised to LF first, so the server counts (and stores)
    what the browser let the user type.
    """

    def __init__(self, *, rows: int = 3, max_length: int = TEXT_MAX_LENGTH, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(max_length=max_length, **kwargs)
        self.error_messages.setdefault(
            "max_length",
            _(
                "Teks terlalu panjang: paling banyak %(limit_value)d karakter (kini %(show_value)d)."
            ),
        )

    def to_python(self, value):
        value = super().to_python(value)
        if not isinstance(value, str):
            return value
        return value.replace("\r\n", "\n").replace("\r", "\n")


def model_max_length(model: type[Model], name: str) -> int:
    """The ``max_length`` of a model's CharField: a form's field takes no more than it stores."""
    return model._meta.get_field(name).max_length


class FastSelect(forms.Select):
    """A ``<select>`` whose options are written in Python.

    Django renders one template per option: for a supervisor's or an admin's hundreds
    of villages, groups and facilitators that was most of the caseload's CPU time
    (bench/RESULTS.md). Same markup, same attributes, same selected option.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (
                    "" if option["value"] is None else option["value"],
                    mark_safe(" selected") if option["selected"] else "",
                    option["label"],
                )
                for _group, group_options, _index in widget["optgroups"]
                for option in group_options
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options
        )


class FilterForm(forms.Form):
    """A GET filter form, rendered by ``templates/includes/filter_fields.html``.

    Its selects are ``FastSelect`` (an admin's filter can hold hundreds of villages,
    districts and facilitators), with the choices they were declared with, and every
    widget carries its Bootstrap class.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
                continue
            if isinstance(field.widget, forms.Select) and not isinstance(field.widget, FastSelect):
                declared = field.widget
                field.widget = FastSelect(attrs=declared.attrs, choices=declared.choices)
                field.widget.is_required = declared.is_required
            field.widget.attrs["class"] = "form-select"


def add_service_errors(form: Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
