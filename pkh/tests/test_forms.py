"""The shared GET filter form (pkh.forms.FilterForm)."""

from django import forms

from pkh.forms import FastSelect, FilterForm


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
