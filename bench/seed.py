"""Seed a PostgreSQL database with a national-scale registry, fast (COPY), idempotently.

    python -m bench.seed --families 200000            # DATABASE_URL must point at PostgreSQL

or from Python (after ``bench.common.setup_django()``)::

    from bench.seed import seed
    info = seed(families=200_000, facilitators=800, visits_months=6)
    info["facilitator"]        # id of a facilitator with exactly 400 families
    info["supervisor"]         # id of that facilitator's supervisor (a team of 10)
    info["admin"]              # id of the admin of the whole seeded region

What it creates (see bench/README.md): the Kemendagri regions, one admin for a
province (or regency), supervisors, facilitators in teams, FDS groups, families with
members (names, NIKs that agree with birth date and sex, components, exactly one
pengurus), visits over the last months, and the "created" rows of the audit trail.

Safety: it refuses a SQLite database, a database whose name starts with ``test_``
(the suite's), and a database that already holds users or families it did not seed.
Rerunning with the same parameters does nothing and returns the stored ids; other
parameters need ``reset=True`` (``--reset``), which empties what it seeded first.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import math
import random
import sys
import time
from collections.abc import Callable

MARKER_TABLE = "bench_seed"


def _words(text: str) -> list[str]:
    return text.split()


DEFAULT_REGION = "33"  # Jawa Tengah: 35 regencies, 576 districts, ~8,500 villages
PASSWORD = "bench-pass-2025"  # every seeded user; a benchmark database only
BIG_CASELOAD = 400
SMALL_CASELOAD = 10
FAMILIES_PER_FDS_GROUP = 25
VILLAGES_PER_FACILITATOR = 12
DECILES = (1, 1, 2, 2, 3, 4, None)  # DTSEN welfare decile, unknown for some

FEMALE_FIRST = _words(
    "Siti Sri Endang Sumarni Lestari Wahyuni Tutik Sukini Dewi Rini Nur Sumiyati Suparmi "
    "Ngatini Tukiyem Painem Wagiyem Sarinah Yuliani Ratna Ani Eni Kasmini Murni Parmi "
    "Suharti Sulastri Supriyati Tri Umi Wartini Yanti Puji Dwi Fitri Indah Retno Rina "
    "Kartini Lasmi Marsinah Nining Partini Rukmini Sunarti Tumini Warsini Yatmi Aminah "
    "Fatimah Khotimah Maryam Musrifah Rohmah Salamah Zubaidah Anisa Ayu Novi Putri"
)
MALE_FIRST = _words(
    "Ngadiman Sutrisno Agus Heru Mujiono Sukirman Sugeng Budi Slamet Joko Bambang Darmo "
    "Edi Gunawan Hadi Iwan Jumadi Karno Legiman Margono Nur Paijo Parjo Rahmat Sarno "
    "Sugiyono Suparno Tukiman Untung Wagimin Yanto Ahmad Ali Arif Dwi Eko Fajar Hendra "
    "Imam Kusno Marno Mulyadi Nanang Purwanto Riyadi Rohmat Sodiq Sukardi Sumadi Supri "
    "Tarno Teguh Wahyu Widodo Yusuf Zainal Muhammad Rizki Bagus Dimas Adit"
)
LAST_NAMES = _words(
    "Rahayu Wibowo Widodo Lestari Saputra Prasetyo Sulistyo Haryanto Susanti Kurniawan "
    "Setiawan Santoso Purnomo Suryani Hidayat Nugroho Wulandari Pratiwi Handayani "
    "Kusumawati Utami Sari Astuti Maryani Ningsih Fitriani Hartono Susilo Wijaya "
    "Hermawan Yulianto Suharto Rohman Hakim Syahputra Mulyani Puspita Anggraini "
    "Permana Firmansyah Ramadhan Aprilia Safitri Nurhayati Kristanto Sutanto"
)
HAMLETS = _words(
    "Krajan Ngasem Kauman Karanganyar Sidomulyo Sukorejo Tegalrejo Kedungsari Ngemplak "
    "Gondang Jatisari Banaran Mangunan Pandean Sendangsari Wonosari Kalibening Ngablak"
)
VISIT_NOTES = (
    "Verifikasi kehadiran anak di sekolah, sudah sesuai.",
    "Ibu hamil sudah periksa ke posyandu bulan ini.",
    "Keluarga menanyakan jadwal penyaluran bansos.",
    "Tindak lanjut materi P2K2 pengelolaan keuangan.",
    "Membantu pengurusan KIS untuk anggota keluarga.",
    "Diskusi rencana usaha untuk persiapan graduasi.",
    "Anak belum imunisasi lengkap, diingatkan jadwal posyandu.",
    "Rumah kosong, akan dikunjungi kembali.",
    "",
)
VISIT_PURPOSES = (
    ("verifikasi", 40),
    ("tindak_lanjut_p2k2", 25),
    ("advokasi_bansos", 15),
    ("graduasi", 8),
    ("lainnya", 12),
)
STATUSES = (
    ("active", 92, "", "", ""),
    ("suspended", 3, "Tidak memenuhi komitmen 3 bulan berturut-turut", "", ""),
    ("graduated", 3, "Sudah sejahtera mandiri", "mandiri", ""),
    ("exited", 2, "Tidak ada lagi komponen", "alamiah", ""),
)


# --- safety and bookkeeping ---------------------------------------------------------


class SeedRefused(RuntimeError):
    """The database is not one this seeder may write to."""


def _check_database() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SeedRefused("bench.seed needs PostgreSQL: set DATABASE_URL=postgres://...")
    name = connection.settings_dict["NAME"] or ""
    test_name = (connection.settings_dict.get("TEST") or {}).get("NAME")
    if name.startswith("test_") or name == test_name:
        raise SeedRefused(f"refusing to seed {name!r}: it looks like a test database")


def _marker() -> dict | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [MARKER_TABLE])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(f"SELECT params, result FROM {MARKER_TABLE} ORDER BY seeded_at DESC LIMIT 1")
        row = cursor.fetchone()
    if row is None:
        return None
    # Django's PostgreSQL backend hands jsonb back as text.
    params, result = (json.loads(v) if isinstance(v, str) else v for v in row)
    return {"params": params, "result": result}


def _has_rows(table: str) -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
        return cursor.fetchone()[0]


def _reset() -> None:
    """Empty what the seeder wrote (and anything built on it): only on a seeded database."""
    from django.db import connection

    from accounts.models import User
    from fds_sessions.models import FdsGroup
    from households.models import Household, HouseholdTransfer, Member, Visit

    tables = [
        User._meta.db_table,
        Household._meta.db_table,
        Member._meta.db_table,
        Visit._meta.db_table,
        HouseholdTransfer._meta.db_table,
        FdsGroup._meta.db_table,
        Household.history.model._meta.db_table,
        Member.history.model._meta.db_table,
        Visit.history.model._meta.db_table,
        "django_session",
        MARKER_TABLE,
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


# --- the API ------------------------------------------------------------------------


def seed(
    *,
    families: int = 200_000,
    facilitators: int = 800,
    team_size: int = 10,
    visits_months: int = 6,
    visit_rate: float = 0.6,
    region: str = DEFAULT_REGION,
    history: bool = True,
    random_seed: int = 2025,
    reset: bool = False,
    log: Callable[[str], None] | None = None,
) -> dict:
    """Seed the database (idempotent) and return ids for the benchmarks.

    ``families`` spread over ``facilitators`` in teams of ``team_size`` (one supervisor
    per team). The first facilitator has exactly 400 families (if there are enough),
    the last one 10 (a small caseload for query-count comparisons), the others share
    the rest. ``visit_rate`` is the chance that a family is visited in a given month,
    over the last ``visits_months`` months. ``region`` is the admin's area (a
    province or regency code) whose villages the families live in.

    Returns a dict with ``admin``, ``supervisor`` (team of the 400-family facilitator),
    ``facilitator`` (400 families), ``small_facilitator`` (10 families),
    ``facilitators``, ``supervisors``, ``families``, ``members``, ``visits`` and
    ``password`` (every seeded user's).
    """
    from django.db import connection, transaction

    say = log or (lambda message: None)
    params = {
        "families": families,
        "facilitators": facilitators,
        "team_size": team_size,
        "visits_months": visits_months,
        "visit_rate": visit_rate,
        "region": region,
        "history": history,
        "random_seed": random_seed,
    }
    if families < 1 or facilitators < 1 or team_size < 1 or visits_months < 0:
        raise ValueError("families, facilitators and team_size must be positive")
    _check_database()
    marker = _marker()
    if marker and marker["params"] == params and not reset:
        say("already seeded with these parameters: nothing to do")
        return marker["result"]
    if marker is None and (_has_rows("accounts_user") or _has_rows("households_household")):
        raise SeedRefused(
            "the database already holds users or families that bench.seed did not create; "
            "use an empty database"
        )
    if marker and not reset:
        raise SeedRefused(
            f"the database was seeded with other parameters ({marker['params']}); "
            "pass reset=True (--reset) to empty and reseed it"
        )

    started = time.monotonic()
    _ensure_regions(say)
    if marker:
        say("reset: emptying the seeded tables")
        _reset()
    with transaction.atomic():
        result = _seed(params, say)
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} "
                "(params jsonb NOT NULL, result jsonb NOT NULL, seeded_at timestamptz NOT NULL)"
            )
            cursor.execute(
                f"INSERT INTO {MARKER_TABLE} VALUES (%s, %s, now())",
                [json.dumps(params), json.dumps(result)],
            )
    say("VACUUM ANALYZE")  # statistics, and visibility maps for index-only scans
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    say(f"seeded in {time.monotonic() - started:.0f} s: {result}")
    return result


def _ensure_regions(say) -> None:
    import csv

    from regions.management.commands.load_regions import BUNDLED
    from regions.models import Region
    from regions.services import regions_load

    if Region.objects.filter(level=4).count() >= 80_000:
        return
    say("loading the Kemendagri regions")
    with open(BUNDLED, encoding="utf-8-sig", newline="") as handle:
        regions_load(rows=csv.DictReader(handle))


# --- the data -----------------------------------------------------------------------


def _caseloads(families: int, facilitators: int) -> list[int]:
    """Families per facilitator: first exactly 400, last 10, the rest shared evenly."""
    if facilitators == 1:
        return [families]
    big = min(BIG_CASELOAD, families // 2)
    small = min(SMALL_CASELOAD, max(families - big, 0) // facilitators)
    counts = [big] + [0] * (facilitators - 2) + [small]
    rest = families - big - small
    middle = facilitators - 2
    if middle == 0:
        counts[0] += rest
    else:
        base, extra = divmod(rest, middle)
        for i in range(1, facilitators - 1):
            counts[i] = base + (1 if i - 1 < extra else 0)
    return counts


def _weighted(rng: random.Random, choices):
    values = [c[0] for c in choices]
    weights = [c[1] for c in choices]
    return lambda: rng.choices(values, weights)[0]


def _copy(table: str, columns: tuple[str, ...], buffer: io.StringIO) -> None:
    from django.db import connection

    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT text)", buffer
        )


def _next_id(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        return cursor.fetchone()[0]


def _reset_sequence(table: str, column: str = "id") -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, %s), "
            f"(SELECT COALESCE(MAX({column}), 0) + 1 FROM {table}), false)",
            [table, column],
        )


def _n(value) -> str:
    """A value in COPY text format."""
    return "\\N" if value is None else str(value)


def _person(rng, sex: str) -> str:
    first = rng.choice(FEMALE_FIRST if sex == "P" else MALE_FIRST)
    if rng.random() < 0.25:
        return first  # many Javanese adults have a single name
    return f"{first} {rng.choice(LAST_NAMES)}"


def _seed(params: dict, say) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import Role, User
    from fds_sessions.models import FdsGroup
    from regions.models import Region

    rng = random.Random(params["random_seed"])
    region_code = params["region"]
    n_fac = params["facilitators"]
    team_size = params["team_size"]
    n_sup = math.ceil(n_fac / team_size)
    today = timezone.localdate()
    now = timezone.now().isoformat()

    region = Region.objects.filter(code=region_code).first()
    if region is None or region.level > 2:
        raise ValueError(f"region {region_code!r} must be a loaded province or regency code")
    villages = list(
        Region.objects.filter(level=4, code__startswith=f"{region_code}.")
        .order_by("code")
        .values_list("code", "name")
    )

    # Users: one admin, supervisors, facilitators (one password hash for all: fast).
    say(f"users: 1 admin, {n_sup} supervisors, {n_fac} facilitators")
    password = make_password(PASSWORD)

    def user(username: str, role: str, sex: str, **extra) -> User:
        name = _person(rng, sex).split(" ", 1)
        return User(
            username=username,
            password=password,
            role=role,
            first_name=name[0],
            last_name=name[1] if len(name) > 1 else "",
            email=f"{username}@pkh.invalid",
            **extra,
        )

    admin = user("bench_admin", Role.ADMIN, "P")
    admin.save()
    admin.areas.add(region_code)
    supervisors = User.objects.bulk_create(
        [user(f"bench_spv{i + 1:03d}", Role.SUPERVISOR, rng.choice("LP")) for i in range(n_sup)]
    )
    facs = User.objects.bulk_create(
        [
            user(
                f"bench_pdp{i + 1:04d}",
                Role.FACILITATOR,
                rng.choice("LP"),
                supervisor=supervisors[i // team_size],
            )
            for i in range(n_fac)
        ]
    )

    # Each facilitator covers a contiguous run of villages (neighbours share a team), at
    # most 12 as in the field, even when few facilitators are seeded.
    per = max(1, min(len(villages) // n_fac, VILLAGES_PER_FACILITATOR))
    fac_villages = [
        [villages[(i * per + k) % len(villages)] for k in range(per)] for i in range(n_fac)
    ]
    Through = User.areas.through
    Through.objects.bulk_create(
        [
            Through(user_id=f.pk, region_id=code)
            for f, vs in zip(facs, fac_villages, strict=True)
            for code, _name in vs
        ]
    )

    caseloads = _caseloads(params["families"], n_fac)
    say(f"FDS groups (~{FAMILIES_PER_FDS_GROUP} families each)")
    groups = FdsGroup.objects.bulk_create(
        [
            FdsGroup(facilitator=f, name=f"Kelompok {fac_villages[i][g % per][1]} {g + 1}")
            for i, f in enumerate(facs)
            for g in range(math.ceil(caseloads[i] / FAMILIES_PER_FDS_GROUP))
        ],
        batch_size=5000,
    )
    groups_by_fac: dict[int, list[int]] = {}
    for g in groups:
        groups_by_fac.setdefault(g.facilitator_id, []).append(g.pk)

    counts = _write_families(
        params=params,
        rng=rng,
        facs=facs,
        caseloads=caseloads,
        fac_villages=fac_villages,
        groups_by_fac=groups_by_fac,
        today=today,
        now=now,
        say=say,
    )
    if params["history"]:
        say("audit trail: one 'created' row per family, member and visit")
        _write_history(admin_id=admin.pk)

    supervisor = supervisors[0]
    return {
        "admin": admin.pk,
        "supervisor": supervisor.pk,
        "facilitator": facs[0].pk,
        "small_facilitator": facs[-1].pk if n_fac > 1 else facs[0].pk,
        "facilitator_families": caseloads[0],
        "small_facilitator_families": caseloads[-1],
        "supervisor_team_size": sum(1 for f in facs if f.supervisor_id == supervisor.pk),
        "facilitators": n_fac,
        "supervisors": n_sup,
        "region": region_code,
        "password": PASSWORD,
        **counts,
    }


def _write_families(
    *, params, rng, facs, caseloads, fac_villages, groups_by_fac, today, now, say
) -> dict:
    """Stream families, members, their components and visits into COPY, in chunks."""
    from households.models import Household, Member, Visit

    hh_table = Household._meta.db_table
    m_table = Member._meta.db_table
    mc_table = Member.components.through._meta.db_table
    v_table = Visit._meta.db_table
    hh_cols = _words(
        "id id_keluarga no_kk village_id address rt rw phone facilitator_id fds_group_id "
        "status status_date status_reason exit_type year_joined welfare_decile "
        "last_visit_on created_at updated_at component_mask"
    )
    m_cols = _words(
        "id household_id nik name name_normalized sex birth_date relationship is_pengurus "
        "disability school_level left_on left_reason created_at updated_at"
    )
    mc_cols = ("member_id", "component_id")
    v_cols = _words(
        "id household_id facilitator_id date purpose notes follow_up_date client_token "
        "created_at updated_at"
    )

    hh_id = _next_id(hh_table)
    m_id = _next_id(m_table)
    v_id = _next_id(v_table)
    first_hh = hh_id
    serials: dict[str, int] = {}  # NIK prefix (region + birth date) -> last serial
    kk_serials: dict[str, int] = {}
    purpose = _weighted(rng, VISIT_PURPOSES)
    status_pick = _weighted(rng, [(s, s[1]) for s in STATUSES])
    year = today.year
    totals = {"families": 0, "members": 0, "member_components": 0, "visits": 0}
    months = params["visits_months"]
    rate = params["visit_rate"]

    def nik(district6: str, birth: datetime.date, sex: str) -> str:
        day = birth.day + (40 if sex == "P" else 0)
        prefix = f"{district6}{day:02d}{birth.month:02d}{birth.year % 100:02d}"
        serial = serials.get(prefix, 0) + 1
        if serial > 9999:  # practically impossible; keep unique anyway
            prefix = f"{district6[:4]}99{day:02d}{birth.month:02d}{birth.year % 100:02d}"
            serial = serials.get(prefix, 0) + 1
        serials[prefix] = serial
        return f"{prefix}{serial:04d}"

    def birth(age_min: float, age_max: float) -> datetime.date:
        days = rng.randint(int(age_min * 365.25), int(age_max * 365.25))
        return today - datetime.timedelta(days=days)

    def age_on(b: datetime.date) -> int:
        return today.year - b.year - ((today.month, today.day) < (b.month, b.day))

    buffers = {k: io.StringIO() for k in ("hh", "m", "mc", "v")}
    pending = 0

    def flush() -> None:
        nonlocal pending
        _copy(hh_table, hh_cols, buffers["hh"])
        _copy(m_table, m_cols, buffers["m"])
        _copy(mc_table, mc_cols, buffers["mc"])
        _copy(v_table, v_cols, buffers["v"])
        for key in buffers:
            buffers[key] = io.StringIO()
        pending = 0

    started = time.monotonic()
    for fi, fac in enumerate(facs):
        villages = fac_villages[fi]
        groups = groups_by_fac.get(fac.pk, [])
        for k in range(caseloads[fi]):
            village_code, _village_name = villages[k % len(villages)]
            district6 = village_code.replace(".", "")[:6]
            status, _w, reason, exit_type, _ = status_pick()
            status_date = (
                today - datetime.timedelta(days=rng.randint(10, 400))
                if status != "active"
                else None
            )

            # Members: a mother (pengurus), often a husband, children, sometimes a grandparent.
            mother_birth = birth(22, 55)
            people: list[tuple] = []  # (sex, birth, relationship, is_pengurus, components)
            components_mother = []
            if age_on(mother_birth) < 45 and rng.random() < 0.08:
                components_mother.append("IBU_HAMIL")
            has_husband = rng.random() < 0.8
            mother_rel = "ISTRI" if has_husband else "KEPALA_KELUARGA"
            if has_husband:
                husband_birth = mother_birth - datetime.timedelta(days=rng.randint(0, 3650))
                people.append(("L", husband_birth, "KEPALA_KELUARGA", False, []))
            people.append(("P", mother_birth, mother_rel, True, components_mother))
            max_child_age = max(0, min(age_on(mother_birth) - 17, 20))
            n_children = rng.choices((0, 1, 2, 3, 4), (5, 25, 38, 22, 10))[0]
            if max_child_age == 0:
                n_children = min(n_children, 1)
            for _c in range(n_children):
                youngest = max(0.1, min(age_on(mother_birth) - 42, max_child_age - 1))
                b = birth(youngest, max(max_child_age, 0.5))
                people.append((rng.choice("LP"), b, "ANAK", False, None))
            if rng.random() < 0.12:
                people.append(
                    (
                        "P" if rng.random() < 0.6 else "L",
                        birth(60, 85),
                        "ORANG_TUA",
                        False,
                        ["LANSIA"],
                    )
                )
            any_component = False
            member_rows = []
            for sex, b, rel, pengurus, comps in people:
                age = age_on(b)
                school = ""
                if comps is None:
                    comps = []
                    if age <= 6:
                        comps.append("ANAK_USIA_DINI")
                        school = "PAUD" if age >= 4 else ""
                    elif age <= 12:
                        comps.append("SD")
                        school = "SD"
                    elif age <= 15:
                        comps.append("SMP")
                        school = "SMP"
                    elif age <= 18:
                        comps.append("SMA")
                        school = "SMA"
                    else:
                        school = "LULUS"
                disability = ""
                if rng.random() < 0.02:
                    disability = "berat"
                    comps = [*comps, "DISABILITAS"]
                any_component = any_component or bool(comps)
                member_rows.append([sex, b, rel, pengurus, comps, school, disability])
            if not any_component:  # a KPM has at least one component: add a toddler
                b = birth(0.2, 5)
                member_rows.append([rng.choice("LP"), b, "ANAK", False, ["ANAK_USIA_DINI"], "", ""])

            # Visits over the window (none in the future), the latest denormalised.
            last_visit = None
            visit_lines = []
            if status == "active" or rng.random() < 0.3:
                for m in range(months):
                    if rng.random() < rate:
                        offset = m * 30 + rng.randint(0, 29)
                        d = today - datetime.timedelta(days=offset)
                        follow = (
                            d + datetime.timedelta(days=rng.randint(7, 45))
                            if rng.random() < 0.2
                            else None
                        )
                        visit_lines.append(
                            f"{v_id}\t{hh_id}\t{fac.pk}\t{d}\t{purpose()}\t"
                            f"{rng.choice(VISIT_NOTES)}\t{_n(follow)}\t\\N\t{now}\t{now}\n"
                        )
                        v_id += 1
                        if last_visit is None or d > last_visit:
                            last_visit = d

            kk_prefix = f"{district6}{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(5, 24):02d}"
            kk_serial = kk_serials.get(kk_prefix, 0) + 1
            kk_serials[kk_prefix] = kk_serial
            no_kk = f"{kk_prefix}{kk_serial % 10000:04d}"
            id_keluarga = f"{district6[:4]}{hh_id:012d}"
            phone = (
                f"08{rng.randint(11, 59)}{rng.randint(10_000_000, 99_999_999)}"
                if rng.random() < 0.7
                else ""
            )
            group = groups[k // FAMILIES_PER_FDS_GROUP] if groups else None
            buffers["hh"].write(
                f"{hh_id}\t{id_keluarga}\t{no_kk}\t{village_code}\t"
                f"Dusun {rng.choice(HAMLETS)}\t{rng.randint(1, 12):03d}\t{rng.randint(1, 8):03d}\t"
                f"{phone}\t{fac.pk}\t{_n(group)}\t{status}\t{_n(status_date)}\t{reason}\t"
                f"{exit_type}\t{rng.randint(2008, year)}\t{_n(rng.choice(DECILES))}"
                # component_mask starts empty: the member triggers (households/0004) set it.
                f"\t{_n(last_visit)}\t{now}\t{now}\t0\n"
            )
            for line in visit_lines:
                buffers["v"].write(line)
            totals["visits"] += len(visit_lines)

            family_name = rng.choice(LAST_NAMES)
            for sex, b, rel, pengurus, comps, school, disability in member_rows:
                first = rng.choice(FEMALE_FIRST if sex == "P" else MALE_FIRST)
                name = first if rng.random() < 0.25 else f"{first} {family_name}"
                left_on, left_reason = "\\N", ""
                if not pengurus and rel == "ORANG_TUA" and rng.random() < 0.1:
                    left_on, left_reason = (
                        str(today - datetime.timedelta(days=rng.randint(30, 700))),
                        "meninggal",
                    )
                buffers["m"].write(
                    f"{m_id}\t{hh_id}\t{nik(district6, b, sex)}\t{name}\t{name.upper()}\t{sex}\t"
                    f"{b}\t{rel}\t{'t' if pengurus else 'f'}\t{disability}\t{school}\t"
                    f"{left_on}\t{left_reason}\t{now}\t{now}\n"
                )
                for code in comps:
                    buffers["mc"].write(f"{m_id}\t{code}\n")
                    totals["member_components"] += 1
                m_id += 1
                totals["members"] += 1
            hh_id += 1
            totals["families"] += 1
            pending += 1
            if pending >= 20_000:
                flush()
                say(
                    f"  {totals['families']:,} families, {totals['members']:,} members, "
                    f"{totals['visits']:,} visits ({time.monotonic() - started:.0f} s)"
                )
    if pending:
        flush()
    for table in (hh_table, m_table, v_table, mc_table):
        _reset_sequence(table)
    totals["first_household"] = first_hh
    return totals


def _write_history(*, admin_id: int) -> None:
    """One '+' audit row per family, member and visit, as an import by the admin would."""
    from django.db import connection

    from households.models import Household, Member, Visit

    for model in (Household, Member, Visit):
        history = model.history.model
        columns = [
            f.column for f in history._meta.concrete_fields if not f.column.startswith("history_")
        ]
        cols = ", ".join(columns)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {history._meta.db_table} "
                f"({cols}, history_date, history_type, history_user_id, history_change_reason) "
                f"SELECT {cols}, created_at, '+', %s, 'bench seed' FROM {model._meta.db_table}",
                [admin_id],
            )


# --- command line -------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.seed", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--families", type=int, default=200_000)
    parser.add_argument("--facilitators", type=int, default=800)
    parser.add_argument("--team-size", type=int, default=10)
    parser.add_argument("--visits-months", type=int, default=6)
    parser.add_argument("--visit-rate", type=float, default=0.6)
    parser.add_argument("--region", default=DEFAULT_REGION, help="province or regency code")
    parser.add_argument("--no-history", action="store_true", help="skip the audit-trail rows")
    parser.add_argument("--random-seed", type=int, default=2025)
    parser.add_argument("--reset", action="store_true", help="empty and reseed a seeded database")
    args = parser.parse_args(argv)

    from bench.common import database_name, setup_django

    setup_django()
    from django.core.management import call_command

    print(f"database: {database_name()}", flush=True)
    try:
        _check_database()
        call_command("migrate", verbosity=0)
        info = seed(
            families=args.families,
            facilitators=args.facilitators,
            team_size=args.team_size,
            visits_months=args.visits_months,
            visit_rate=args.visit_rate,
            region=args.region,
            history=not args.no_history,
            random_seed=args.random_seed,
            reset=args.reset,
            log=lambda message: print(message, flush=True),
        )
    except SeedRefused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(info, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
