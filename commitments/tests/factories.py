"""Factories for commitment verification: schools and posyandu of Kecamatan Jetis."""

from __future__ import annotations

import datetime

import factory

from commitments.models import (
    Enrolment,
    EnrolmentChange,
    FacilityKind,
    HealthFacility,
    School,
    SchoolLevel,
    Sector,
)
from households.tests.factories import ensure_regions
from regions.models import Region


def patalan() -> Region:
    ensure_regions()
    return Region.objects.get(code="34.02.09.2001")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"SD Negeri {n + 1} Patalan")
    level = SchoolLevel.SD
    npsn = factory.Sequence(lambda n: f"2040{n:04d}")
    village = factory.LazyFunction(patalan)


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HealthFacility

    name = factory.Sequence(lambda n: f"Posyandu Mawar {n + 1}")
    kind = FacilityKind.POSYANDU
    village = factory.LazyFunction(patalan)


def enrol(member, place, *, by, start_on=datetime.date(2024, 7, 15), grade="3") -> Enrolment:
    """An open enrolment period at ``place`` (a School or a HealthFacility)."""
    if isinstance(place, School):
        return Enrolment.objects.create(
            member=member,
            sector=Sector.EDUCATION,
            change=EnrolmentChange.ENROLLED,
            school=place,
            grade=grade,
            start_on=start_on,
            recorded_by=by,
        )
    return Enrolment.objects.create(
        member=member,
        sector=Sector.HEALTH,
        change=EnrolmentChange.ENROLLED,
        facility=place,
        start_on=start_on,
        recorded_by=by,
    )
