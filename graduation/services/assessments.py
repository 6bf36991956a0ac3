"""Writes of welfare assessments."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from graduation.models import AssessmentAnswer, AssessmentForm, GraduationAssessment, Readiness
from graduation.services.assessment_forms import current_form_locked
from graduation.services.checks import lock_household, not_in_future, require_family_facilitator
from households.models import Household


def readiness_for(score_pct: int) -> str:
    """The readiness class of a score (percent), by the thresholds in settings."""
    if score_pct >= settings.PKH_GRADUATION_READY_SCORE:
        return Readiness.READY
    if score_pct >= settings.PKH_GRADUATION_APPROACHING_SCORE:
        return Readiness.APPROACHING
    return Readiness.NOT_READY


def answer_field(indicator_pk: int) -> str:
    """The form field (and error key) of an indicator's answer."""
    return f"indikator_{indicator_pk}"


@transaction.atomic
def assessment_create(
    *,
    household: Household,
    form: AssessmentForm,
    answers: dict[int, int],
    by: User,
    assessed_on: datetime.date,
    notes: str = "",
    client_token: uuid.UUID | None = None,
) -> tuple[GraduationAssessment, bool]:
    """Record a welfare assessment: every indicator of ``form`` answered (indicator pk ->
    option pk). Computes the score (percent of the form's maximum) and readiness.
    Returns ``(assessment, created)``.

    A repeated ``client_token`` for the family (the entry form posted twice: a double
    tap, back and resubmit) returns the assessment already made and changes nothing."""
    require_family_facilitator(household, by)
    if client_token and (existing := _by_token(household, client_token)):
        return existing, False
    not_in_future(assessed_on, "assessed_on")
    form = current_form_locked(form)
    indicators = list(form.indicators.prefetch_related("options"))
    errors = {}
    chosen = []
    for indicator in indicators:
        options = {o.pk: o for o in indicator.options.all()}
        option = options.get(answers.get(indicator.pk))
        if option is None:
            errors[answer_field(indicator.pk)] = _("Indikator ini wajib dijawab.")
            continue
        chosen.append((indicator, option, max(o.weight for o in options.values())))
    if errors:
        raise ValidationError(errors)
    if not indicators:
        raise ValidationError(_("Formulir ini belum punya indikator."))
    score = sum(option.weight for _i, option, _m in chosen)
    max_score = sum(best for _i, _o, best in chosen)
    score_pct = round(100 * score / max_score) if max_score else 0
    household = lock_household(household)
    if client_token and (existing := _by_token(household, client_token)):
        return existing, False  # the other post of the pair held the lock first
    assessment = GraduationAssessment(
        household=household,
        form=form,
        assessed_on=assessed_on,
        assessed_by=by,
        score=score,
        max_score=max_score,
        score_pct=score_pct,
        readiness=readiness_for(score_pct),
        notes=notes.strip(),
        is_latest=False,
        client_token=client_token,
    )
    try:
        with transaction.atomic():
            assessment.save()
    except IntegrityError:
        if not client_token:
            raise
        # Where row locks do nothing (SQLite) two posts can still race past the lookup.
        return _by_token(household, client_token), False
    AssessmentAnswer.objects.bulk_create(
        AssessmentAnswer(assessment=assessment, indicator=i, option=o, weight=o.weight)
        for i, o, _m in chosen
    )
    _refresh_latest(household)
    assessment.refresh_from_db(fields=["is_latest"])
    return assessment, True


def _by_token(household: Household, client_token: uuid.UUID) -> GraduationAssessment | None:
    return GraduationAssessment.objects.filter(
        household=household, client_token=client_token
    ).first()


def _refresh_latest(household: Household) -> None:
    qs = GraduationAssessment.objects.filter(household=household)
    newest = qs.order_by("-assessed_on", "-pk").values_list("pk", flat=True).first()
    qs.filter(is_latest=True).exclude(pk=newest).update(is_latest=False)
    qs.filter(pk=newest).update(is_latest=True)
