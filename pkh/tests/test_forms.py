"""The shared form helpers (pkh.forms), and a guard that every form of the project uses them."""

import datetime
import importlib
import pkgutil
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from pkh.forms import (
    EARLIEST_BIRTH,
    LIFE_EVENT,
    PAST_EVENT,
    PKH_START,
    PLANNED,
    PLANNED_DAYS_AHEAD,
    TEXT_MAX_LENGTH,
    BoundedDateField,
    FastSelect,
    FilterForm,
    TextAreaField,
)


class Filters(FilterForm):
    kind = forms.ChoiceField(required=False, choices=[("", "Semua"), ("a", "A"), ("b", "B")])
    later = forms.ChoiceField(required=False)
    fast = forms.ChoiceField(required=False, choices=[("x", "X")], widget=FastSelect)
    overdue = forms.BooleanField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["later"].choices = [("1", "Satu")]


def test_selects_become_fast_and_keep_the_choices_they_were_declared_with():
    form = Filters({"kind": "b"})
    for name in ("kind", "later", "fast"):
        assert type(form.fields[name].widget) is FastSelect, name
        assert form.fields[name].widget.attrs["class"] == "form-select"
    html = str(form["kind"])
    assert '<option value="a">A</option>' in html
    assert '<option value="b" selected>B</option>' in html
    assert '<option value="1">Satu</option>' in str(form["later"])
    assert '<option value="x">X</option>' in str(form["fast"])
    assert form.is_valid() and form.cleaned_data["kind"] == "b"


def test_a_checkbox_keeps_its_widget_with_the_check_class():
    widget = Filters().fields["overdue"].widget
    assert type(widget) is forms.CheckboxInput
    assert widget.attrs["class"] == "form-check-input"


# --- bounded dates and free text -----------------------------------------------------------

TODAY = timezone.localdate


@pytest.mark.parametrize(
    "bound,value,ok",
    [
        (PAST_EVENT, PKH_START, True),
        (PAST_EVENT, PKH_START - datetime.timedelta(days=1), False),
        (PAST_EVENT, datetime.date(1, 1, 1), False),
        (PAST_EVENT, TODAY(), True),
        (PAST_EVENT, TODAY() + datetime.timedelta(days=1), False),
        (LIFE_EVENT, EARLIEST_BIRTH, True),
        (LIFE_EVENT, datetime.date(1899, 12, 31), False),
        (LIFE_EVENT, TODAY() + datetime.timedelta(days=1), False),
        (PLANNED, TODAY() - datetime.timedelta(days=30), True),
        (PLANNED, TODAY() + datetime.timedelta(days=PLANNED_DAYS_AHEAD), True),
        (PLANNED, TODAY() + datetime.timedelta(days=PLANNED_DAYS_AHEAD + 1), False),
        (PLANNED, datetime.date(2999, 1, 1), False),
    ],
)
def test_a_bounded_date_field_takes_only_its_window(bound, value, ok):
    field = BoundedDateField(bound=bound)
    if ok:
        assert field.clean(value.isoformat()) == value
    else:
        with pytest.raises(ValidationError) as exc:
            field.clean(value.isoformat())
        assert "Tanggal" in exc.value.messages[0]


def test_bound_errors_name_the_limit_in_indonesian():
    with pytest.raises(ValidationError) as exc:
        BoundedDateField(bound=PAST_EVENT).clean("2006-12-31")
    assert exc.value.messages == ["Tanggal tidak boleh sebelum 1 Januari 2007 (awal PKH)."]
    with pytest.raises(ValidationError) as exc:
        BoundedDateField(bound=PLANNED).clean("2999-01-01")
    assert exc.value.messages[0].startswith("Tanggal paling lambat ")


def test_a_field_can_word_its_own_bound_error():
    field = BoundedDateField(bound=PAST_EVENT, error_messages={"too_late": "Bukan besok."})
    with pytest.raises(ValidationError) as exc:
        field.clean((TODAY() + datetime.timedelta(days=1)).isoformat())
    assert exc.value.messages == ["Bukan besok."]


def test_an_empty_optional_bounded_date_is_none():
    assert BoundedDateField(bound=PLANNED, required=False).clean("") is None


def test_text_area_counts_line_breaks_as_the_browser_does():
    field = TextAreaField(required=False)
    lines = ["x" * 99] * (TEXT_MAX_LENGTH // 100)  # 50 lines of 99 + 49 breaks = 4999
    assert len("\n".join(lines)) < TEXT_MAX_LENGTH
    # The browser sends CRLF (5048 characters) but let the user type 4999: accepted, as LF.
    assert field.clean("\r\n".join(lines)) == "\n".join(lines)
    assert "\r" not in field.clean("satu\rdua\r\ntiga")
    with pytest.raises(ValidationError) as exc:
        field.clean("x" * (TEXT_MAX_LENGTH + 1))
    assert exc.value.messages == [
        f"Teks terlalu panjang: paling banyak {TEXT_MAX_LENGTH} karakter "
        f"(kini {TEXT_MAX_LENGTH + 1})."
    ]
    assert field.widget.attrs["maxlength"] == str(TEXT_MAX_LENGTH)


# --- the guard: every form of the project follows the rules above -------------------------

PROJECT_PACKAGES = ("pkh", *(app.split(".")[0] for app in settings.INSTALLED_APPS))


def _project_packages():
    base = Path(settings.BASE_DIR).resolve()
    for name in dict.fromkeys(PROJECT_PACKAGES):
        package = importlib.import_module(name)
        path = Path(package.__file__).resolve().parent
        if path.is_relative_to(base) and "site-packages" not in path.parts:
            yield package


def project_form_classes() -> list[type[forms.BaseForm]]:
    """Every form class defined in the project's code (tests and migrations aside).

    Each module of each project package is imported, so a form declared in a view module
    is found as well as those of the ``forms`` modules.
    """
    names = set()
    for package in _project_packages():
        names.add(package.__name__)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
            parts = module.name.split(".")
            if {"tests", "migrations", "management", "settings"} & set(parts):
                continue
            importlib.import_module(module.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        top, *rest = cls.__module__.split(".")
        if top in names and "tests" not in rest:
            found.append(cls)
    return sorted(set(found), key=lambda c: (c.__module__, c.__qualname__))


def form_problems(form_class: type[forms.BaseForm]) -> list[str]:
    """What breaks the rules in a form's declared fields (``base_fields``).

    Fields a form adds in ``__init__`` are not seen; today those are choices and numbers.
    """
    problems = []
    for name, field in form_class.base_fields.items():
        where = f"{form_class.__module__}.{form_class.__qualname__}.{name}"
        if isinstance(field, (forms.DateField, forms.DateTimeField)) and not isinstance(
            field, BoundedDateField
        ):
            problems.append(f"{where}: a date field without bounds (use BoundedDateField)")
        if isinstance(field.widget, forms.Textarea) and not isinstance(field, TextAreaField):
            problems.append(f"{where}: a textarea that is not a TextAreaField")
        if (
            isinstance(field, forms.CharField)
            and not isinstance(field, forms.UUIDField)
            and field.max_length is None
        ):
            problems.append(f"{where}: free text without max_length")
        if isinstance(field, TextAreaField) and field.max_length > TEXT_MAX_LENGTH:
            problems.append(f"{where}: longer than TEXT_MAX_LENGTH")
    return problems


def test_the_walk_finds_the_forms_of_every_app():
    found = {f"{c.__module__}.{c.__name__}" for c in project_form_classes()}
    for expected in (
        "households.forms.VisitForm",
        "households.forms.MemberForm",
        "graduation.forms.AssessmentEntryForm",
        "assistance.forms.CaseOpenForm",
        "fds_sessions.forms.SessionPlanForm",
        "accounts.forms.UserForm",
        "imports.forms.RosterUploadForm",
        "reports.forms.QuarterForm",
        "pkh.forms.FilterForm",
    ):
        assert expected in found
    assert not any(".tests." in name for name in found)


def test_every_form_bounds_its_dates_and_its_free_text():
    problems = [p for form_class in project_form_classes() for p in form_problems(form_class)]
    assert problems == []


def test_the_guard_catches_an_unbounded_form():
    class Careless(forms.Form):
        when = forms.DateField()
        note = forms.CharField(widget=forms.Textarea)
        name = forms.CharField()
        token = forms.UUIDField()

    assert len(form_problems(Careless)) == 4  # when; note twice (widget, length); name
