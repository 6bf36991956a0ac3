"""Demo data: P2K2 groups of about 25 families per facilitator, a year of monthly meetings
with realistic attendance, and next month's meeting planned. Run by ``seed_demo`` after the
demo households exist. Idempotent: a facilitator who already has groups is left alone."""

from __future__ import annotations

import datetime
import math
import random
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from fds_sessions.models import (
    Attendance,
    AttendanceStatus,
    FdsGroup,
    FdsSession,
    GroupMembership,
    SessionStatus,
)
from fds_sessions.selectors.modules import module_session_choices
from households.models import Household, HouseholdStatus, Member

GROUP_SIZE = 25
MONTHS = 12
FLOWERS = ["Melati", "Mawar", "Anggrek", "Kenanga", "Dahlia", "Cempaka", "Teratai", "Flamboyan"]
PLACES = ["Rumah ketua kelompok", "Balai dusun", "Pendopo kalurahan", "Mushola", "Posyandu"]
# Share of families by habit, and each habit's chance of "present" at a meeting.
HABITS = [(0.7, 0.93), (0.2, 0.75), (0.1, 0.45)]


def _months_back(today: datetime.date, n: int) -> datetime.date:
    month = today.month - n
    year = today.year + (month - 1) // 12
    return datetime.date(year, (month - 1) % 12 + 1, 1)


def _status(rng: random.Random, p_present: float) -> str:
    if rng.random() < p_present:
        return AttendanceStatus.PRESENT
    return rng.choices(
        [AttendanceStatus.SICK, AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT], [3, 3, 4]
    )[0]


@transaction.atomic
def _seed_facilitator(facilitator: User, today: datetime.date, curriculum: list) -> int:
    rng = random.Random(facilitator.pk)
    households = list(
        Household.objects.filter(facilitator=facilitator, status=HouseholdStatus.ACTIVE)
        .select_related("village")
        .order_by("village_id", "pk")
    )
    by_village: dict[str, list[Household]] = defaultdict(list)
    for h in households:
        by_village[h.village_id].append(h)
    pengurus = dict(
        Member.objects.filter(
            household__in=households, is_pengurus=True, left_on__isnull=True
        ).values_list("household_id", "pk")
    )
    joined = _months_back(today, MONTHS + 1)
    sessions, attendance, memberships = [], [], []
    flower = 0
    for families in by_village.values():
        count = max(1, math.ceil(len(families) / GROUP_SIZE))
        size = math.ceil(len(families) / count)
        for i in range(count):
            members = families[i * size : (i + 1) * size]
            if not members:
                continue
            village = members[0].village
            suffix = f" {i // len(FLOWERS) + 1}" if i >= len(FLOWERS) else ""
            group = FdsGroup.objects.create(
                name=f"{FLOWERS[i % len(FLOWERS)]} {village.name}{suffix}",
                facilitator=facilitator,
                village=village,
                meeting_place=rng.choice(PLACES),
                leader_id=pengurus.get(members[0].pk),
            )
            flower += 1
            Household.objects.filter(pk__in=[h.pk for h in members]).update(fds_group=group)
            memberships += [
                GroupMembership(household=h, group=group, joined_on=joined) for h in members
            ]
            habits = {
                h.pk: rng.choices([p for _s, p in HABITS], [s for s, _p in HABITS])[0]
                for h in members
            }
            for n in range(MONTHS, 0, -1):
                month = _months_back(today, n - 1)
                day = min(month.replace(day=rng.randint(5, 22)), today)
                module_session = curriculum[(MONTHS - n) % len(curriculum)]
                session = FdsSession(
                    group=group,
                    date=day,
                    place=group.meeting_place,
                    module_session=module_session,
                    status=SessionStatus.HELD,
                    notes="",
                    held_at=timezone.now(),
                    created_by=facilitator,
                )
                sessions.append(session)
                attendance.append((session, habits))
            sessions.append(
                FdsSession(
                    group=group,
                    date=_months_back(today, -1).replace(day=10),
                    place=group.meeting_place,
                    module_session=curriculum[MONTHS % len(curriculum)],
                    created_by=facilitator,
                )
            )
    GroupMembership.objects.bulk_create(memberships, batch_size=1000)
    FdsSession.objects.bulk_create(sessions, batch_size=500)
    rows = [
        Attendance(
            session=session,
            household_id=pk,
            session_date=session.date,
            status=_status(rng, p),
            recorded_by=facilitator,
        )
        for session, habits in attendance
        for pk, p in habits.items()
    ]
    Attendance.objects.bulk_create(rows, batch_size=2000)
    return flower


def seed_fds_demo(*, stdout) -> None:
    today = timezone.localdate()
    curriculum = list(module_session_choices())
    if not curriculum:
        stdout.write("P2K2: no curriculum sessions, nothing seeded")
        return
    facilitators = User.objects.filter(role=Role.FACILITATOR, is_active=True).exclude(
        fds_groups__isnull=False
    )
    total = 0
    for facilitator in facilitators.order_by("pk"):
        total += _seed_facilitator(facilitator, today, curriculum)
    stdout.write(f"P2K2: {total} groups created with {MONTHS} months of meetings")
