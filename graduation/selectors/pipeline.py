"""Reads of the self-graduation pipeline (board, list, one family's entry and notes)."""

from __future__ import annotations

from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404

from accounts.models import User
from graduation.models import GraduationAssessment, PipelineEntry, PipelineEvent, Stage
from households.models import Household
from households.selectors import pengurus_name
from pkh.scoping import household_scope_q


def pipeline_list(
    *, user: User, stage: str | None = None, facilitator: int | None = None
) -> QuerySet[PipelineEntry]:
    qs = PipelineEntry.objects.filter(household_scope_q(user, "household__"))
    if stage:
        qs = qs.filter(stage=stage)
    if facilitator:
        qs = qs.filter(household__facilitator_id=facilitator)
    latest = GraduationAssessment.objects.filter(
        household=OuterRef("household"), is_latest=True
    ).order_by()
    return (
        qs.select_related("household__village", "household__facilitator")
        .annotate(
            pengurus_name=pengurus_name("household"),
            latest_score=Subquery(latest.values("score_pct")[:1]),
            latest_readiness=Subquery(latest.values("readiness")[:1]),
        )
        .order_by("stage_since", "pk")
    )


def pipeline_board(
    *, user: User, facilitator: int | None = None, per_stage: int = 30
) -> tuple[dict[str, list[PipelineEntry]], dict[str, int]]:
    """The board: the ``per_stage`` longest-waiting families of each stage, and the number
    of families per stage. Three queries whatever the number of entries: the ranking
    (a window function per stage), the rows of the board, the counts."""
    qs = PipelineEntry.objects.filter(household_scope_q(user, "household__"))
    if facilitator:
        qs = qs.filter(household__facilitator_id=facilitator)
    ranked = qs.annotate(
        rank=Window(
            RowNumber(), partition_by=[F("stage")], order_by=[F("stage_since").asc(), F("pk").asc()]
        )
    ).filter(rank__lte=per_stage)
    ids = list(ranked.values_list("pk", flat=True))
    latest = GraduationAssessment.objects.filter(
        household=OuterRef("household"), is_latest=True
    ).order_by()
    rows = (
        PipelineEntry.objects.filter(pk__in=ids)
        .select_related("household__village")
        .only(
            "household",
            "stage",
            "stage_since",
            "household__id_keluarga",
            "household__village",
            "household__village__name",
        )
        .annotate(
            pengurus_name=pengurus_name("household"),
            latest_score=Subquery(latest.values("score_pct")[:1]),
        )
        .order_by("stage_since", "pk")
    )
    columns: dict[str, list[PipelineEntry]] = {stage: [] for stage in Stage.values}
    for entry in rows:
        columns[entry.stage].append(entry)
    counts = dict(qs.order_by().values("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    return columns, counts


def pipeline_get(*, user: User, household_pk: int) -> PipelineEntry:
    qs = PipelineEntry.objects.filter(household_scope_q(user, "household__")).select_related(
        "household__facilitator"
    )
    return get_object_or_404(qs, household_id=household_pk)


def pipeline_entry(*, household: Household) -> PipelineEntry | None:
    """The family's pipeline entry, if it is on the pipeline (the caller checked scope)."""
    return PipelineEntry.objects.filter(household=household).first()


def pipeline_events(*, entry: PipelineEntry) -> QuerySet[PipelineEvent]:
    return entry.events.select_related("by", "objection").order_by("-date", "-pk")
