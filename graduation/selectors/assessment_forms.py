"""Reads of the welfare assessment form: its versions, sections, indicators and options."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from graduation.models import AssessmentForm, Indicator, IndicatorGroup


def form_current() -> AssessmentForm | None:
    return AssessmentForm.objects.order_by("-version").first()


def form_list() -> QuerySet[AssessmentForm]:
    return AssessmentForm.objects.annotate(
        assessment_count=Count("assessments", distinct=True),
        indicator_count=Count("indicators", distinct=True),
    ).order_by("-version")


def form_get(*, pk: int) -> AssessmentForm:
    return get_object_or_404(AssessmentForm, pk=pk)


def form_groups(*, form: AssessmentForm) -> list[IndicatorGroup]:
    """The form's sections with their indicators and options: three queries."""
    indicators = Indicator.objects.prefetch_related("options").order_by("order", "pk")
    return list(
        form.groups.order_by("order", "pk").prefetch_related(Prefetch("indicators", indicators))
    )


def group_get(*, form: AssessmentForm, pk: int) -> IndicatorGroup:
    """A section of ``form`` (404 for a section of another version)."""
    return get_object_or_404(IndicatorGroup, pk=pk, form=form)


def indicator_get(*, form: AssessmentForm, pk: int) -> Indicator:
    """An indicator of ``form`` with its options (404 for one of another version)."""
    return get_object_or_404(form.indicators.prefetch_related("options"), pk=pk)


def form_assessment_count(*, form: AssessmentForm) -> int:
    """How many assessments use this version (an edit then makes a new version)."""
    return form.assessments.count()
