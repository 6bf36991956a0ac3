"""Writes of the national welfare assessment form. An edit of a version that assessments
use lands in a new version, so old assessments keep theirs."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from graduation.models import AnswerOption, AssessmentForm, Indicator, IndicatorGroup
from graduation.services.checks import require_catalogue_keeper


def current_form_locked(form: AssessmentForm) -> AssessmentForm:
    locked = AssessmentForm.objects.select_for_update().get(pk=form.pk)
    latest = AssessmentForm.objects.order_by("-version").values_list("pk", flat=True).first()
    if locked.pk != latest:
        raise ValidationError(
            _("Formulir ini sudah diganti versi yang lebih baru; buka versi terbaru.")
        )
    return locked


def _clone_form(form: AssessmentForm, *, by: User) -> tuple[AssessmentForm, dict]:
    """Copy ``form`` with its groups, indicators and options as the next version."""
    new = AssessmentForm.objects.create(
        version=form.version + 1,
        name=form.name,
        description=form.description,
        previous=form,
        created_by=by,
    )
    groups = {}
    indicators = {}
    options = {}
    for group in form.groups.all():
        groups[group.pk] = IndicatorGroup.objects.create(
            form=new, name=group.name, order=group.order
        )
    for indicator in form.indicators.all():
        indicators[indicator.pk] = Indicator.objects.create(
            form=new,
            group=groups[indicator.group_id],
            key=indicator.key,
            text=indicator.text,
            help_text=indicator.help_text,
            order=indicator.order,
        )
    for option in AnswerOption.objects.filter(indicator__form=form):
        options[option.pk] = AnswerOption.objects.create(
            indicator=indicators[option.indicator_id],
            label=option.label,
            weight=option.weight,
            order=option.order,
        )
    return new, {"group": groups, "indicator": indicators, "option": options}


def _editable(form: AssessmentForm, *, by: User) -> tuple[AssessmentForm, dict]:
    """The version an edit of ``form`` lands in: ``form`` itself while no assessment uses
    it, else a new version (old assessments keep theirs). Returns (version, pk maps)."""
    require_catalogue_keeper(by)
    form = current_form_locked(form)
    if form.assessments.exists():
        return _clone_form(form, by=by)
    return form, {}


def _mapped(maps: dict, kind: str, obj):
    return maps.get(kind, {}).get(obj.pk, obj) if obj is not None else None


@transaction.atomic
def form_update(
    *, form: AssessmentForm, by: User, name: str, description: str = ""
) -> AssessmentForm:
    form, _maps = _editable(form, by=by)
    form.name, form.description = name.strip(), description.strip()
    form.save(update_fields=["name", "description", "updated_at"])
    return form


@transaction.atomic
def group_save(
    *, form: AssessmentForm, by: User, name: str, order: int, group: IndicatorGroup | None = None
) -> AssessmentForm:
    """Add a section to the form, or rename/reorder ``group``. Returns the form version."""
    if group is not None and group.form_id != form.pk:
        raise ValidationError(_("Kelompok ini bukan bagian formulir tersebut."))
    form, maps = _editable(form, by=by)
    group = _mapped(maps, "group", group)
    if group is None:
        group = IndicatorGroup(form=form)
    group.name, group.order = name.strip(), order
    group.save()
    return form


def _parse_options(options: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    cleaned = [(label.strip(), weight) for label, weight in options if label.strip()]
    if len(cleaned) < 2:
        raise ValidationError({"options": _("Isi minimal dua pilihan jawaban.")})
    if any(weight < 0 for _label, weight in cleaned):
        raise ValidationError({"options": _("Bobot tidak boleh negatif.")})
    labels = [label.lower() for label, _weight in cleaned]
    if len(set(labels)) != len(labels):
        raise ValidationError({"options": _("Ada pilihan jawaban yang sama.")})
    return cleaned


@transaction.atomic
def indicator_save(
    *,
    form: AssessmentForm,
    by: User,
    group: IndicatorGroup,
    text: str,
    options: Iterable[tuple[str, int]],
    help_text: str = "",
    order: int = 0,
    indicator: Indicator | None = None,
) -> AssessmentForm:
    """Add an indicator or change one (text, group, options and weights).

    Options are replaced as a whole. Returns the form version the change landed in."""
    options = _parse_options(options)
    if group.form_id != form.pk or (indicator is not None and indicator.form_id != form.pk):
        raise ValidationError(_("Indikator atau kelompok ini bukan bagian formulir tersebut."))
    form, maps = _editable(form, by=by)
    group = _mapped(maps, "group", group)
    indicator = _mapped(maps, "indicator", indicator)
    if indicator is None:
        base = slugify(text)[:50].replace("-", "_") or "indikator"
        key, n = base, 1
        while form.indicators.filter(key=key).exists():
            n += 1
            key = f"{base}_{n}"
        indicator = Indicator(form=form, key=key)
    indicator.group = group
    indicator.text, indicator.help_text, indicator.order = text.strip(), help_text.strip(), order
    indicator.save()
    # Safe: this version has no assessments (else _editable made a fresh copy).
    indicator.options.all().delete()
    AnswerOption.objects.bulk_create(
        AnswerOption(indicator=indicator, label=label, weight=weight, order=i)
        for i, (label, weight) in enumerate(options, start=1)
    )
    return form


@transaction.atomic
def indicator_remove(*, form: AssessmentForm, by: User, indicator: Indicator) -> AssessmentForm:
    """Take an indicator out of the form (out of a new version if this one was used)."""
    if indicator.form_id != form.pk:
        raise ValidationError(_("Indikator ini bukan bagian formulir tersebut."))
    form, maps = _editable(form, by=by)
    indicator = _mapped(maps, "indicator", indicator)
    if form.indicators.count() <= 1:
        raise ValidationError(_("Formulir harus punya minimal satu indikator."))
    indicator.options.all().delete()
    indicator.delete()
    return form
