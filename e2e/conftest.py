"""Seed data for the journeys: realistic families with fixed names (a search must find
exactly the families the journey expects), and the rows of the data migrations that a
transactional test's flush removed (components, curriculum, assessment form)."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps

from fds_sessions.models import GroupMembership
from graduation.tests.factories import ensure_default_form
from households.models import Household, Relationship, Sex
from households.tests.factories import HouseholdFactory, MemberFactory


@pytest.fixture
def migration_rows(regions):
    """Components, the P2K2 curriculum and the default assessment form, as migrated."""
    importlib.import_module("fds_sessions.migrations.0003_seed_curriculum").seed(apps, None)
    ensure_default_form()


def family(
    *,
    facilitator,
    pengurus: str,
    head: str,
    children: list[tuple[str, datetime.date, str, str]] = (),
    **kwargs,
) -> Household:
    """A KPM: the mother (pengurus), the father, and children as (name, birth, sex,
    component)."""
    household = HouseholdFactory(facilitator=facilitator, **kwargs)
    MemberFactory(
        household=household,
        name=pengurus,
        sex=Sex.FEMALE,
        birth_date=datetime.date(1987, 2, 5),
        is_pengurus=True,
    )
    MemberFactory(
        household=household,
        name=head,
        sex=Sex.MALE,
        birth_date=datetime.date(1983, 11, 20),
        relationship=Relationship.HEAD,
    )
    for name, birth, sex, component in children:
        MemberFactory(
            household=household,
            name=name,
            sex=sex,
            birth_date=birth,
            relationship=Relationship.CHILD,
            components=[component],
        )
    return household


def join_group(group, households, *, joined_on=datetime.date(2025, 1, 6)) -> None:
    Household.objects.filter(pk__in=[h.pk for h in households]).update(fds_group=group)
    GroupMembership.objects.bulk_create(
        [GroupMembership(household=h, group=group, joined_on=joined_on) for h in households]
    )
