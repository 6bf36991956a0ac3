"""Demo data: schools and health facilities of Kecamatan Jetis, every demo component
member enrolled at one, and the last three months verified with realistic results (most
comply; a few children often absent, a few toddlers missing the weighing). Run by
``seed_demo`` after the demo households. Idempotent: nothing is added once the demo
district has schools."""

from __future__ import annotations

import random

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from commitments import rules as r
from commitments.models import (
    Enrolment,
    EnrolmentChange,
    FacilityKind,
    HealthFacility,
    School,
    SchoolLevel,
    Sector,
    VerificationEntry,
)
from commitments.rules import Rules
from commitments.selectors.due import sector_of
from households.models import Household, HouseholdStatus, Member
from regions.models import Region, RegionLevel

DISTRICT = "34.02.09"
MONTHS = 3
# Share of members by habit: (share, chance of complying in a month).
HABITS = [(0.8, 0.97), (0.15, 0.75), (0.05, 0.35)]


def _places(villages: list[Region]) -> tuple[dict, dict]:
    schools: dict[tuple[str, str], list[School]] = {}
    facilities: dict[str, list[HealthFacility]] = {}
    n = 0
    for v in villages:
        for k in (1, 2):
            n += 1
            s = School.objects.create(
                name=f"SD Negeri {k} {v.name}", level=SchoolLevel.SD, village=v,
                npsn=f"2040{n:04d}",
            )  # fmt: skip
            schools.setdefault((v.code, "SD"), []).append(s)
        facilities[v.code] = [
            HealthFacility.objects.create(
                name=f"Posyandu {name} {v.name}", kind=FacilityKind.POSYANDU, village=v
            )
            for name in ("Melati", "Mawar")
        ]
    first = villages[0]
    smp = [
        School.objects.create(
            name=f"SMP Negeri {k} Jetis", level=SchoolLevel.SMP, village=v, npsn=f"2041{k:04d}"
        )
        for k, v in enumerate(villages[:2], 1)
    ]
    sma = [School.objects.create(name="SMA Negeri 1 Jetis", level=SchoolLevel.SMA, village=first, npsn="20420001"),
           School.objects.create(name="SMK Negeri 1 Jetis", level=SchoolLevel.SMA, village=villages[-1], npsn="20420002")]  # fmt: skip
    for v in villages:
        schools[(v.code, "SMP")] = smp
        schools[(v.code, "SMA")] = sma
    HealthFacility.objects.create(
        name="Puskesmas Jetis I", kind=FacilityKind.PUSKESMAS, village=first
    )
    return schools, facilities


def _finding(rng: random.Random, entry: VerificationEntry, ok: bool, rules: Rules) -> None:
    if entry.sector == Sector.EDUCATION:
        entry.school_days = 20
        absent = rng.randint(0, 2) if ok else rng.randint(4, 9)
        entry.days_sick = rng.randint(0, absent)
        entry.days_excused = rng.randint(0, absent - entry.days_sick)
        entry.days_unexcused = absent - entry.days_sick - entry.days_excused
        return
    items = r.required_items(entry.component_id, entry.age_months, rules)
    for name in items:
        setattr(entry, name, True)
    if not ok and items:
        setattr(entry, rng.choice(items), False)


@transaction.atomic
def seed_commitments_demo(*, stdout) -> None:
    if School.objects.filter(village__code__startswith=f"{DISTRICT}.").exists():
        stdout.write("Komitmen: demo schools already present, nothing to add")
        return
    villages = list(
        Region.objects.filter(code__startswith=f"{DISTRICT}.", level=RegionLevel.VILLAGE).order_by(
            "code"
        )
    )
    if not villages:
        stdout.write("Komitmen: no demo district, nothing seeded")
        return
    rules = Rules.from_settings()
    schools, facilities = _places(villages)
    rng = random.Random(16)
    today = timezone.localdate()
    this = today.replace(day=1)
    months = [r.month_add(this, -k) for k in range(MONTHS, 0, -1)]
    start_on = r.month_add(this, -12)
    links = (
        Member.components.through.objects.filter(
            component_id__in=rules.components,
            member__left_on__isnull=True,
            member__household__status__in=(HouseholdStatus.ACTIVE, HouseholdStatus.SUSPENDED),
            member__household__village__code__startswith=f"{DISTRICT}.",
            member__household__facilitator__isnull=False,
        )
        .select_related("member__household")
        .order_by("member_id", "component_id")
    )
    by_user = {u.pk: u for u in User.objects.filter(role=Role.FACILITATOR)}
    enrolments, entries = [], []
    placed: dict[tuple[int, str], tuple] = {}
    for link in links:
        member, code = link.member, link.component_id
        household: Household = member.household
        facilitator = by_user.get(household.facilitator_id)
        if facilitator is None:
            continue
        sector = sector_of(code, rules)
        if (member.pk, sector) in placed:
            school, facility = placed[(member.pk, sector)]
        else:
            school = facility = None
            if sector == Sector.EDUCATION:
                school = rng.choice(schools[(household.village_id, code)])
            else:
                facility = rng.choice(facilities[household.village_id])
            placed[(member.pk, sector)] = (school, facility)
            enrolments.append(
                Enrolment(
                    member=member, sector=sector, change=EnrolmentChange.ENROLLED, school=school,
                    grade=str(rng.randint(1, 6 if code == "SD" else 3)) if school else "",
                    facility=facility, start_on=max(start_on, member.birth_date),
                    recorded_by=facilitator,
                )
            )  # fmt: skip
        p = rng.choices([p for _s, p in HABITS], [s for s, _p in HABITS])[0]
        for month in months:
            if member.birth_date > month.replace(day=28):
                continue
            if month == months[-1] and rng.random() < 0.3:
                continue  # last month partly entered: something for the to-do list
            entry = VerificationEntry(
                household=household, member=member, component_id=code, month=month,
                sector=sector, school=school, facility=facility,
                age_months=r.age_in_months(member.birth_date, month), recorded_by=facilitator,
            )  # fmt: skip
            _finding(rng, entry, rng.random() < p, rules)
            entries.append(entry)
    Enrolment.objects.bulk_create(enrolments, batch_size=1000)
    VerificationEntry.objects.bulk_create(entries, batch_size=2000)
    stdout.write(
        f"Komitmen: {School.objects.count()} schools, {len(enrolments)} enrolments, "
        f"{len(entries)} monthly entries over {MONTHS} months"
    )
