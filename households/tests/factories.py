"""Factories whose data looks like the field: Kemendagri codes, NIKs that agree with
birth date and sex, Javanese names."""

import datetime
import random

import factory

from accounts.tests.factories import FacilitatorFactory
from households.models import Household, Member, Relationship, Sex, Visit, normalize_name
from pkh.extensions import families_changed
from regions.models import Region, RegionLevel

JETIS_VILLAGES = {
    "34.02.09.2001": "Patalan",
    "34.02.09.2002": "Canden",
    "34.02.09.2003": "Sumberagung",
    "34.02.09.2004": "Trimulyo",
}
OTHER_REGENCY_VILLAGE = ("33.74.01.1001", "Mijen")  # Kota Semarang, another admin's region

FIRST_NAMES_F = [
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
]
FIRST_NAMES_M = [
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
]
LAST_NAMES = [
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
]


def ensure_regions() -> None:
    """Province 34, Kabupaten Bantul, Kecamatan Jetis and its villages, plus one village
    of Kota Semarang (outside Bantul): enough geography for most tests."""
    if Region.objects.filter(code=OTHER_REGENCY_VILLAGE[0]).exists():
        return  # the last row written below: every row is there (one query, not eleven)
    rows = [
        ("34", "Daerah Istimewa Yogyakarta", RegionLevel.PROVINCE),
        ("34.02", "Kabupaten Bantul", RegionLevel.REGENCY),
        ("34.02.09", "Jetis", RegionLevel.DISTRICT),
        *[(code, name, RegionLevel.VILLAGE) for code, name in JETIS_VILLAGES.items()],
        ("33", "Jawa Tengah", RegionLevel.PROVINCE),
        ("33.74", "Kota Semarang", RegionLevel.REGENCY),
        ("33.74.01", "Mijen", RegionLevel.DISTRICT),
        (*OTHER_REGENCY_VILLAGE, RegionLevel.VILLAGE),
    ]
    for code, name, level in rows:
        Region.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "level": level,
                "parent_id": code.rsplit(".", 1)[0] if "." in code else None,
            },
        )


def ensure_components() -> None:
    """The components and benefit table the data migration seeds. Transactional tests
    flush the database (migration data included), so factories put them back."""
    import importlib

    from households.models import Component

    if Component.objects.exists():
        return
    from django.apps import apps

    migration = importlib.import_module("households.migrations.0002_components_and_benefits")
    migration.seed(apps, None)


def make_nik(*, region6: str, birth_date: datetime.date, sex: str, serial: int) -> str:
    day = birth_date.day + (40 if sex == Sex.FEMALE else 0)
    return (
        f"{region6}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial % 10000:04d}"
    )


_serials = iter(range(1, 10**9))


def next_serial() -> int:
    return next(_serials)


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    id_keluarga = factory.Sequence(lambda n: f"34000{n:07d}")
    no_kk = factory.Sequence(lambda n: f"340209{n:010d}")
    village = factory.LazyFunction(
        lambda: (ensure_regions(), Region.objects.get(code="34.02.09.2001"))[1]
    )
    address = factory.Iterator(["Dusun Kertan", "Dusun Ngablak", "Dusun Bakulan", "Dusun Tegalan"])
    rt = factory.LazyFunction(lambda: str(random.randint(1, 12)))
    rw = factory.LazyFunction(lambda: str(random.randint(1, 6)))
    phone = factory.Sequence(lambda n: f"0812{n:08d}")
    facilitator = factory.SubFactory(FacilitatorFactory)
    year_joined = 2019


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member
        skip_postgeneration_save = True

    household = factory.SubFactory(HouseholdFactory)
    sex = Sex.FEMALE
    birth_date = datetime.date(1985, 3, 14)
    name = factory.LazyAttribute(
        lambda o: (
            f"{random.choice(FIRST_NAMES_F if o.sex == Sex.FEMALE else FIRST_NAMES_M)} "
            f"{random.choice(LAST_NAMES)}"
        )
    )
    nik = factory.LazyAttribute(
        lambda o: make_nik(
            region6=o.household.village_id.replace(".", "")[:6],
            birth_date=o.birth_date,
            sex=o.sex,
            serial=next_serial(),
        )
    )
    relationship = Relationship.WIFE
    is_pengurus = False

    @factory.post_generation
    def components(self, create, extracted, **kwargs):
        if create and extracted:
            ensure_components()
            self.components.set(extracted)

    @factory.post_generation
    def announced(self, create, extracted, **kwargs):
        """As ``member_save`` does after its write: ``families_changed``, so that the
        upper apps' reactions (aid eligibility) run. Not for ``build``."""
        if create:
            families_changed({self.household_id}, fields={"members"})


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    household = factory.SubFactory(HouseholdFactory)
    facilitator = factory.LazyAttribute(lambda o: o.household.facilitator)
    date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=3))
    purpose = "verifikasi"
    notes = "Keluarga dalam keadaan baik."


# A typical KPM: mother (pengurus), father, a child in SD and a toddler.
TYPICAL_MEMBERS = [
    # sex, birth date, relationship, pengurus, components
    (Sex.FEMALE, datetime.date(1987, 2, 5), Relationship.WIFE, True, []),
    (Sex.MALE, datetime.date(1984, 11, 20), Relationship.HEAD, False, []),
    (Sex.MALE, datetime.date(2016, 7, 9), Relationship.CHILD, False, ["SD"]),
    (Sex.FEMALE, datetime.date(2022, 4, 30), Relationship.CHILD, False, ["ANAK_USIA_DINI"]),
]


def household_with_members(**kwargs) -> Household:
    """A typical KPM (``TYPICAL_MEMBERS``), saved one row at a time: the audit trail and
    the announcement of each member (``MemberFactory``) happen as in the app."""
    household = HouseholdFactory(**kwargs)
    for sex, birth_date, relationship, pengurus, components in TYPICAL_MEMBERS:
        MemberFactory(
            household=household,
            sex=sex,
            birth_date=birth_date,
            relationship=relationship,
            is_pengurus=pengurus,
            components=components,
        )
    return household


def households_bulk(
    n: int, *, facilitator, village_code: str = "34.02.09.2001", **fields
) -> list[Household]:
    """``n`` typical families written with ``bulk_create``, for tests that need many
    rows (query counts, pagination) and none of a write's side effects: no audit rows
    and no aid rows (``families_changed`` is not called). The database triggers still set the pengurus
    name and the component mask, as they do for an import."""
    ensure_regions()
    ensure_components()
    village = Region.objects.get(code=village_code)
    households = Household.objects.bulk_create(
        HouseholdFactory.build_batch(n, facilitator=facilitator, village=village, **fields)
    )
    members = [
        (
            MemberFactory.build(
                household=household,
                sex=sex,
                birth_date=birth_date,
                relationship=relationship,
                is_pengurus=pengurus,
            ),
            components,
        )
        for household in households
        for sex, birth_date, relationship, pengurus, components in TYPICAL_MEMBERS
    ]
    for member, _components in members:
        member.name_normalized = normalize_name(member.name)
    Member.objects.bulk_create([member for member, _components in members])
    link = Member.components.through
    link.objects.bulk_create(
        [
            link(member_id=member.pk, component_id=code)
            for member, components in members
            for code in components
        ]
    )
    return households
