"""Schools, health facilities and the members verified at them (scoped)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from commitments.models import Enrolment, HealthFacility, School
from households.models import Household, Member
from pkh.scoping import household_scope_q


def member_get(*, user, pk: int) -> Member:
    """A member of a family ``user`` may see, with the family, or 404."""
    qs = Member.objects.filter(household_scope_q(user, "household__")).select_related(
        "household__village"
    )
    return get_object_or_404(qs, pk=pk)


def _near(household: Household) -> Q:
    """The family's district (kecamatan): where its members' schools and posyandu are."""
    district = household.village_id.rsplit(".", 1)[0]
    return Q(village__code__startswith=f"{district}.")


def school_choices(*, household: Household) -> QuerySet[School]:
    return School.objects.filter(_near(household)).order_by("level", "name", "pk")


def facility_choices(*, household: Household) -> QuerySet[HealthFacility]:
    return HealthFacility.objects.filter(_near(household)).order_by("kind", "name", "pk")


def member_enrolments(*, member: Member) -> QuerySet[Enrolment]:
    """The member's enrolment periods, newest first (their dated events)."""
    return member.enrolments.select_related("school", "facility", "recorded_by").order_by(
        "sector", "-start_on", "-id"
    )
