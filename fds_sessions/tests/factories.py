"""Factories for P2K2 tests: groups in Kecamatan Jetis with realistic families."""

from __future__ import annotations

import datetime

import factory

from accounts.tests.factories import FacilitatorFactory
from fds_sessions.models import (
    Attendance,
    FdsGroup,
    FdsModuleSession,
    FdsSession,
    GroupMembership,
    SessionStatus,
)
from households.models import Household
from households.tests.factories import ensure_regions, household_with_members, households_bulk
from regions.models import Region


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FdsGroup

    name = factory.Sequence(lambda n: f"Melati {n}")
    facilitator = factory.SubFactory(FacilitatorFactory)
    village = factory.LazyFunction(
        lambda: (ensure_regions(), Region.objects.get(code="34.02.09.2001"))[1]
    )
    meeting_place = "Rumah Bu Sri, Dusun Kertan"


def curriculum(n: int | None = None) -> list[FdsModuleSession]:
    qs = FdsModuleSession.objects.filter(is_active=True, module__is_active=True).order_by(
        "module__number", "order"
    )
    return list(qs[:n] if n else qs)


def add_families(
    group: FdsGroup,
    n: int,
    *,
    joined_on: datetime.date = datetime.date(2024, 1, 1),
    bulk: bool = False,
    **kwargs,
) -> list[Household]:
    """``n`` new families of the group's facilitator, in the group since ``joined_on``.

    ``bulk``: written with ``bulk_create`` (``households_bulk``: no audit or aid rows),
    for query-count tests that need many families and nothing else of them."""
    if bulk:
        families = households_bulk(n, facilitator=group.facilitator, **kwargs)
    else:
        families = [
            household_with_members(facilitator=group.facilitator, **kwargs) for _ in range(n)
        ]
    Household.objects.filter(pk__in=[h.pk for h in families]).update(fds_group=group)
    GroupMembership.objects.bulk_create(
        [GroupMembership(household=h, group=group, joined_on=joined_on) for h in families]
    )
    for h in families:
        h.fds_group = group
    return families


def held_session(
    group: FdsGroup,
    date: datetime.date,
    statuses: dict[int, str],
    module_session: FdsModuleSession | None = None,
) -> FdsSession:
    """A held session with the given attendance, written directly (fast test data)."""
    session = FdsSession.objects.create(
        group=group,
        date=date,
        place=group.meeting_place,
        module_session=module_session or curriculum(1)[0],
        status=SessionStatus.HELD,
        created_by=group.facilitator,
    )
    Attendance.objects.bulk_create(
        [
            Attendance(
                session=session,
                household_id=pk,
                session_date=date,
                status=status,
                recorded_by=group.facilitator,
            )
            for pk, status in statuses.items()
        ]
    )
    return session
