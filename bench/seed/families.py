"""Families, members, their components and visits, streamed into COPY in chunks."""

from __future__ import annotations

import datetime
import io
import time

from bench.seed.pgcopy import _copy, _n, _next_id, _reset_sequence
from bench.seed.vocabulary import (
    DECILES,
    FAMILIES_PER_FDS_GROUP,
    FEMALE_FIRST,
    HAMLETS,
    LAST_NAMES,
    MALE_FIRST,
    STATUSES,
    VISIT_NOTES,
    VISIT_PURPOSES,
    _weighted,
    _words,
)


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
