"""Reads of welfare assessments, scoped through ``pkh.scoping``."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from graduation.models import AssessmentAnswer, GraduationAssessment
from households.models import Household
from pkh.scoping import household_scope_q


def assessment_scope(*, user: User) -> QuerySet[GraduationAssessment]:
    return GraduationAssessment.objects.filter(household_scope_q(user, "household__"))


def assessment_get(*, user: User, pk: int) -> GraduationAssessment:
    qs = assessment_scope(user=user).select_related("household", "form", "assessed_by")
    return get_object_or_404(qs, pk=pk)


def assessment_latest(*, household: Household) -> GraduationAssessment | None:
    return (
        GraduationAssessment.objects.filter(household=household, is_latest=True)
        .select_related("form")
        .first()
    )


@dataclass
class HistoryRow:
    group: str
    text: str
    cells: list  # one (label, weight) or None per assessment column


def assessment_history(
    *, household: Household, limit: int = 6
) -> tuple[list[GraduationAssessment], list[HistoryRow]]:
    """A family's latest ``limit`` assessments side by side, newest first.

    Rows line up by the indicator's ``key`` (stable across form versions); an indicator
    missing from an older version shows an empty cell. Three queries."""
    answers = AssessmentAnswer.objects.select_related("option", "indicator__group")
    assessments = list(
        household.graduation_assessments.select_related("form", "assessed_by")
        .prefetch_related(Prefetch("answers", answers))
        .order_by("-assessed_on", "-pk")[:limit]
    )
    rows: dict[str, HistoryRow] = {}
    order: dict[str, tuple] = {}
    for col, assessment in enumerate(assessments):
        for answer in assessment.answers.all():
            indicator = answer.indicator
            row = rows.get(indicator.key)
            if row is None:
                row = rows[indicator.key] = HistoryRow(
                    group=indicator.group.name, text=indicator.text, cells=[None] * len(assessments)
                )
                order[indicator.key] = (col, indicator.group.order, indicator.order)
            row.cells[col] = (answer.option.label, answer.weight)
    return assessments, [rows[k] for k in sorted(rows, key=lambda k: order[k])]


def assessment_answers(*, assessment: GraduationAssessment) -> QuerySet[AssessmentAnswer]:
    """The answers of an assessment in the order of the form, with indicator and option."""
    return assessment.answers.select_related("indicator__group", "option").order_by(
        "indicator__group__order", "indicator__order", "indicator__pk"
    )
