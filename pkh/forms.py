"""Form helpers shared by every app."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import Form
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class DateInput(forms.DateInput):
    """A native date picker (the phone's own), with the ISO value it needs."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


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
