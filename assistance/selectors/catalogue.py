"""The aid catalogue and its eligibility rule for one member."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from assistance.models import Aid, EligibilityRule


def age_on(birth_date: datetime.date, on: datetime.date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def aid_list(*, active_only: bool = False) -> QuerySet[Aid]:
    qs = Aid.objects.prefetch_related("components")
    return qs.filter(is_active=True) if active_only else qs


def aid_choices() -> QuerySet[Aid]:
    """Active aids in catalogue order, as offered in a form's aid choice."""
    return Aid.objects.filter(is_active=True).order_by("order", "code")


def aid_get(*, code: str) -> Aid:
    return get_object_or_404(Aid.objects.prefetch_related("components"), code=code)


def age_limit_problem(*, aid: Aid, birth_date: datetime.date, on: datetime.date) -> str | None:
    """Why a member of this birth date cannot have ``aid`` at all, or None."""
    from django.utils.translation import gettext as _

    age = age_on(birth_date, on)
    too_young = aid.min_age is not None and age < aid.min_age
    too_old = aid.max_age is not None and age > aid.max_age
    if not (too_young or too_old):
        return None
    if aid.min_age is not None and aid.max_age is not None:
        limits = _("usia %(min)d-%(max)d tahun") % {"min": aid.min_age, "max": aid.max_age}
    elif aid.min_age is not None:
        limits = _("usia minimal %(min)d tahun") % {"min": aid.min_age}
    else:
        limits = _("usia maksimal %(max)d tahun") % {"max": aid.max_age}
    return _("%(aid)s hanya untuk %(limits)s; anggota ini berusia %(age)d tahun.") % {
        "aid": aid.code,
        "limits": limits,
        "age": age,
    }


def member_rule_eligible(
    *, aid: Aid, component_codes: set[str], birth_date: datetime.date, on: datetime.date
) -> bool:
    """The catalogue rule for one active member of an active family (per-member aid)."""
    if aid.eligibility == EligibilityRule.ASSESSED:
        return False
    if age_limit_problem(aid=aid, birth_date=birth_date, on=on):
        return False
    if aid.eligibility == EligibilityRule.COMPONENTS:
        return bool(component_codes & {c.code for c in aid.components.all()})
    return True
