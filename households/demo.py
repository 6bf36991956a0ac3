"""Realistic demo data for Kecamatan Jetis, Kabupaten Bantul (the seed stories' home).

1 admin, 1 supervisor, 5 facilitators, about 1,200 families with members whose NIKs
agree with their birth dates and sex, and home visits over the last six months.
Idempotent: a second run finds the demo admin and its families and changes nothing.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import Role, User
from accounts.services import user_create
from households.models import (
    Disability,
    ExitType,
    Household,
    HouseholdStatus,
    Member,
    Relationship,
    SchoolLevel,
    Sex,
    Visit,
    VisitPurpose,
    normalize_name,
)
from regions.models import Region

DEMO_PASSWORD = "demo12345"  # noqa: S105 (demo logins, printed by make run)
DISTRICT = "34.02.09"
REGENCY = "34.02"
FACILITATORS = [
    ("pendamping1", "Sri", "Wahyuni", ["34.02.09.2001"]),
    ("pendamping2", "Agus", "Prasetyo", ["34.02.09.2002"]),
    ("pendamping3", "Dewi", "Lestari", ["34.02.09.2003"]),
    ("pendamping4", "Heru", "Santoso", ["34.02.09.2004"]),
    ("pendamping5", "Rina", "Kurniasih", ["34.02.09.2001", "34.02.09.2003"]),
]
FAMILIES_PER_FACILITATOR = 240
DUSUN = {
    "34.02.09.2001": ["Kertan", "Karangsemut", "Bakulan", "Patalan", "Ponggok"],
    "34.02.09.2002": ["Canden", "Kedung", "Suren", "Gaduh", "Bendosari"],
    "34.02.09.2003": ["Ngablak", "Tegalan", "Sumberagung", "Kembangsongo", "Kanutan"],
    "34.02.09.2004": ["Trimulyo", "Ngasem", "Bembem", "Kwagon", "Gading"],
}
WOMEN = [
    "Siti",
    "Sri",
    "Endang",
    "Sumarni",
    "Lestari",
    "Wahyuni",
    "Tutik",
    "Sukini",
    "Dewi",
    "Rini",
    "Ngatini",
    "Suparmi",
    "Yuli",
    "Ika",
    "Nur",
    "Wartini",
    "Painem",
    "Tumini",
    "Sulastri",
    "Rubiyem",
    "Kasmini",
    "Surati",
    "Indah",
    "Fitri",
    "Ani",
]
MEN = [
    "Ngadiman",
    "Sutrisno",
    "Agus",
    "Heru",
    "Mujiono",
    "Sukirman",
    "Sugeng",
    "Budi",
    "Slamet",
    "Joko",
    "Wagiman",
    "Paijo",
    "Tukiran",
    "Sarjono",
    "Rudi",
    "Ilham",
    "Yusuf",
    "Bambang",
    "Wahyu",
    "Teguh",
    "Suparno",
    "Marjuki",
    "Dwi",
    "Eko",
    "Muhammad",
]
FAMILY = [
    "Rahayu",
    "Wibowo",
    "Widodo",
    "Lestari",
    "Saputra",
    "Prasetyo",
    "Sulistyo",
    "Haryanto",
    "Susanti",
    "Kurniawan",
    "Santoso",
    "Nugroho",
    "Wulandari",
    "Purnomo",
    "Setiawan",
    "Hidayat",
    "Utomo",
    "Rahmawati",
    "Suryani",
    "Mulyono",
]
NOTES = [
    "Keluarga dalam keadaan baik, anak rajin sekolah.",
    "Ibu sudah memeriksakan kehamilan di puskesmas.",
    "KKS belum diterima, akan ditanyakan ke desa.",
    "Balita ditimbang rutin di posyandu.",
    "Keluarga mulai usaha warung kecil.",
    "Lansia sehat, rutin ke posyandu lansia.",
    "Anak sempat tidak masuk sekolah seminggu karena sakit.",
    "Diskusi rencana graduasi mandiri, keluarga belum siap.",
]


def _age_on(birth: datetime.date, today: datetime.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _birth(rng: random.Random, today: datetime.date, age_from: int, age_to: int) -> datetime.date:
    start = today - datetime.timedelta(days=365 * (age_to + 1) - 1)
    end = today - datetime.timedelta(days=365 * age_from)
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


class _Niks:
    """Unique NIKs: region of first registration + birth date (+40 for women) + serial."""

    def __init__(self) -> None:
        self.serials: dict[str, int] = {}

    def make(self, region6: str, birth: datetime.date, sex: str) -> str:
        day = birth.day + (40 if sex == Sex.FEMALE else 0)
        stem = f"{region6}{day:02d}{birth.month:02d}{birth.year % 100:02d}"
        self.serials[stem] = self.serials.get(stem, 0) + 1
        return f"{stem}{self.serials[stem]:04d}"


def _school_component(age: int) -> tuple[str, str | None]:
    if age < 6:
        return (SchoolLevel.PAUD if age >= 4 else SchoolLevel.NONE), "ANAK_USIA_DINI"
    if age <= 12:
        return SchoolLevel.SD, "SD"
    if age <= 15:
        return SchoolLevel.SMP, "SMP"
    if age <= 18:
        return SchoolLevel.SMA, "SMA"
    return SchoolLevel.DONE, None


def demo_users(*, stdout=None) -> tuple[User, User, list[User]]:
    admin = User.objects.filter(username="admin").first() or user_create(
        username="admin",
        password=DEMO_PASSWORD,
        role=Role.ADMIN,
        first_name="Operator",
        last_name="Dinsos Bantul",
        areas=[Region.objects.get(code=REGENCY)],
    )
    supervisor = User.objects.filter(username="supervisor").first() or user_create(
        username="supervisor",
        password=DEMO_PASSWORD,
        role=Role.SUPERVISOR,
        first_name="Bambang",
        last_name="Hartono",
        areas=[Region.objects.get(code=DISTRICT)],
    )
    facilitators = []
    for username, first, last, villages in FACILITATORS:
        user = User.objects.filter(username=username).first() or user_create(
            username=username,
            password=DEMO_PASSWORD,
            role=Role.FACILITATOR,
            first_name=first,
            last_name=last,
            supervisor=supervisor,
            areas=list(Region.objects.filter(code__in=villages)),
        )
        facilitators.append(user)
    return admin, supervisor, facilitators


@transaction.atomic
def demo_seed(*, stdout=None, seed: int = 20261122) -> int:
    """Create the demo families; returns how many were created (0 when already there)."""
    admin, supervisor, facilitators = demo_users()
    if Household.objects.filter(facilitator__in=facilitators).exists():
        return 0
    rng = random.Random(seed)
    today = timezone.localdate()
    niks = _Niks()
    households: list[Household] = []
    pending_members: list[tuple[int, Member, list[str]]] = []
    serial = 0
    for facilitator, (_u, _f, _l, villages) in zip(facilitators, FACILITATORS, strict=True):
        for _ in range(FAMILIES_PER_FACILITATOR):
            serial += 1
            village = rng.choice(villages)
            family_name = rng.choice(FAMILY)
            status = rng.choices(
                [
                    HouseholdStatus.ACTIVE,
                    HouseholdStatus.SUSPENDED,
                    HouseholdStatus.GRADUATED,
                    HouseholdStatus.EXITED,
                ],
                weights=[92, 3, 3, 2],
            )[0]
            household = Household(
                id_keluarga=f"3402{serial:08d}",
                no_kk=f"{village.replace('.', '')[:6]}{rng.randint(1, 28):02d}"
                f"{rng.randint(1, 12):02d}{rng.randint(5, 22):02d}{serial % 10000:04d}",
                village_id=village,
                address=f"Dusun {rng.choice(DUSUN[village])}",
                rt=str(rng.randint(1, 12)),
                rw=str(rng.randint(1, 6)),
                phone=f"08{rng.choice(['12', '13', '52', '57', '77', '95'])}{rng.randint(10_000_000, 99_999_999)}",
                facilitator=facilitator,
                status=status,
                year_joined=rng.randint(2012, 2024),
                welfare_decile=rng.choices([1, 2, 3, 4, None], weights=[30, 30, 20, 10, 10])[0],
            )
            if status != HouseholdStatus.ACTIVE:
                household.status_date = today - datetime.timedelta(days=rng.randint(10, 300))
                household.status_reason = {
                    HouseholdStatus.SUSPENDED: "Tidak memenuhi komitmen pendidikan satu triwulan",
                    HouseholdStatus.GRADUATED: "Usaha keluarga sudah mapan",
                    HouseholdStatus.EXITED: "Pindah domisili ke luar kabupaten",
                }[status]
                household.exit_type = {
                    HouseholdStatus.GRADUATED: ExitType.GRADUASI_MANDIRI,
                    HouseholdStatus.EXITED: ExitType.MOVED,
                }.get(status, "")
            households.append(household)
            region6 = village.replace(".", "")[:6]
            index = len(households) - 1
            # Mother (pengurus), usually a father, children, sometimes a grandparent.
            mother_birth = _birth(rng, today, 24, 48)
            mother = Member(
                nik=niks.make(region6, mother_birth, Sex.FEMALE),
                name=f"{rng.choice(WOMEN)} {rng.choice(FAMILY)}",
                sex=Sex.FEMALE,
                birth_date=mother_birth,
                is_pengurus=True,
                relationship=Relationship.WIFE,
            )
            mother_components = ["IBU_HAMIL"] if rng.random() < 0.06 else []
            if mother_components:
                # The HPL the component ends after (no draw: the seeded families stay
                # the same); some within the nifas period, most still ahead.
                mother.expected_delivery_date = today + datetime.timedelta(
                    days=(index * 37) % 280 - 30
                )
            pending_members.append((index, mother, mother_components))
            if rng.random() < 0.85:
                father_birth = _birth(rng, today, 27, 55)
                pending_members.append(
                    (
                        index,
                        Member(
                            nik=niks.make(region6, father_birth, Sex.MALE),
                            name=f"{rng.choice(MEN)} {family_name}",
                            sex=Sex.MALE,
                            birth_date=father_birth,
                            relationship=Relationship.HEAD,
                        ),
                        [],
                    )
                )
            else:
                mother.relationship = Relationship.HEAD
            for _child in range(rng.choice([1, 1, 2, 2, 2, 3])):
                child_birth = _birth(rng, today, 0, 17)
                sex = rng.choice([Sex.MALE, Sex.FEMALE])
                school, component = _school_component(_age_on(child_birth, today))
                child = Member(
                    nik=niks.make(region6, child_birth, sex),
                    name=f"{rng.choice(WOMEN if sex == Sex.FEMALE else MEN)} {family_name}",
                    sex=sex,
                    birth_date=child_birth,
                    relationship=Relationship.CHILD,
                    school_level=school,
                )
                if rng.random() < 0.03:
                    child.disability = Disability.SEVERE
                pending_members.append((index, child, [component] if component else []))
            if rng.random() < 0.2:
                sex = rng.choice([Sex.MALE, Sex.FEMALE])
                elder_birth = _birth(rng, today, 60, 85)
                pending_members.append(
                    (
                        index,
                        Member(
                            nik=niks.make(region6, elder_birth, sex),
                            name=f"{rng.choice(WOMEN if sex == Sex.FEMALE else MEN)} {rng.choice(FAMILY)}",
                            sex=sex,
                            birth_date=elder_birth,
                            relationship=Relationship.PARENT,
                        ),
                        ["LANSIA"],
                    )
                )
    bulk_create_with_history(
        households, Household, batch_size=500, default_user=admin, default_change_reason="demo"
    )
    saved = {h.id_keluarga: h for h in Household.objects.filter(facilitator__in=facilitators)}
    members = []
    for index, member, _components in pending_members:
        member.household = saved[households[index].id_keluarga]
        member.name_normalized = normalize_name(member.name)
        members.append(member)
    bulk_create_with_history(
        members, Member, batch_size=500, default_user=admin, default_change_reason="demo"
    )
    member_ids = dict(
        Member.objects.filter(household__facilitator__in=facilitators).values_list("nik", "pk")
    )
    through = Member.components.through
    through.objects.bulk_create(
        [
            through(member_id=member_ids[member.nik], component_id=code)
            for _i, member, components in pending_members
            for code in components
        ],
        batch_size=1000,
    )
    _demo_visits(rng=rng, today=today, households=list(saved.values()), by=admin)
    return len(households)


def _demo_visits(*, rng, today, households, by) -> None:
    visits = []
    for household in households:
        if household.status in (HouseholdStatus.GRADUATED, HouseholdStatus.EXITED):
            continue
        count = rng.choices([0, 1, 2, 3, 4, 5], weights=[6, 14, 25, 25, 18, 12])[0]
        for day in sorted(rng.sample(range(1, 182), count), reverse=True):
            date = today - datetime.timedelta(days=day)
            follow_up = None
            if rng.random() < 0.25:
                follow_up = date + datetime.timedelta(days=rng.randint(7, 45))
            visits.append(
                Visit(
                    household=household,
                    facilitator=household.facilitator,
                    date=date,
                    purpose=rng.choices(list(VisitPurpose.values), weights=[40, 15, 20, 10, 15])[0],
                    notes=rng.choice(NOTES),
                    follow_up_date=follow_up,
                )
            )
    bulk_create_with_history(
        visits, Visit, batch_size=1000, default_user=by, default_change_reason="demo"
    )
    latest = (
        Visit.objects.filter(household=OuterRef("pk"))
        .values("household")
        .annotate(last=Max("date"))
        .values("last")
    )
    Household.objects.filter(pk__in=[h.pk for h in households]).update(
        last_visit_on=Subquery(latest)
    )
