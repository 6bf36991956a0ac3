"""Schools, health facilities, enrolments and months of ``VerificationEntry`` rows for the
families ``bench.seed`` wrote, in set-based SQL (one transaction, idempotent: skipped when
schools already exist).

* Places: in every village that has families an SD and two posyandu (Melati, Mawar); in
  every district (kecamatan) an SMP, an SMA and a puskesmas, in its first such village.
* Enrolments (open periods since the school year began): each SD/SMP/SMA member at the
  school of their level (SD: their village, SMP/SMA: their district), 1.0 % "not
  enrolled", 1.5 % without an enrolment yet; each health member (ibu hamil, anak usia
  dini: a posyandu of their village; lansia, disabilitas only: the puskesmas), 2 %
  without one.
* Entries: every month of ``months`` for every commitment due (the rule of
  ``commitments.selectors.due``: components with a commitment, member in the family and
  born by the month's end, family active or suspended) whose member has an enrolment.
  4 % of members fail chronically (three months in four), the others one month in 20;
  a failing pupil misses 5-7 of the month's school days, a failing health member skips
  the protocol items asked (the items of ``commitments.rules`` for the component and age).
  No history rows and no sheets: the reads measured here touch neither.
"""

from __future__ import annotations

import calendar
import datetime
import time

from bench.seed.pgcopy import _reset_sequence

CHRONIC_PERCENT = 4  # members who fail three months in four
CHRONIC_FAIL_PER_MILLE = 750
OTHER_FAIL_PER_MILLE = 50


def school_days(month: datetime.date, per_week: int) -> int:
    days = calendar.monthrange(month.year, month.month)[1]
    return sum(1 for d in range(1, days + 1) if month.replace(day=d).weekday() < per_week)


def _asked_sql(item: str, rules) -> str:
    """SQL condition (over columns ``comp`` and ``age``) for "``item`` is asked"."""
    from commitments import rules as r

    limit = rules.weighing_max_age_months
    parts = []
    if item in rules.ibu_hamil_items:
        parts.append(f"comp = '{r.IBU_HAMIL}'")
    if item in rules.under_five_items:
        parts.append(f"(comp = '{r.ANAK_USIA_DINI}' AND age < {limit})")
    ages = [a for a in rules.immunisation_ages_months if 0 <= a < limit]
    if item == "immunisation_given" and ages:
        listed = ", ".join(str(a) for a in ages)
        parts.append(f"(comp = '{r.ANAK_USIA_DINI}' AND age IN ({listed}))")
    if item in rules.older_child_items:
        parts.append(f"(comp = '{r.ANAK_USIA_DINI}' AND age >= {limit})")
    if item in rules.lansia_items:
        parts.append(f"comp = '{r.LANSIA}'")
    if item in rules.disabilitas_items:
        parts.append(f"comp = '{r.DISABILITAS}'")
    return " OR ".join(parts) or "false"


def _places(cur) -> None:
    cur.execute(
        """CREATE TEMP TABLE bench_villages ON COMMIT DROP AS
           SELECT DISTINCT v.code, v.name, v.parent_id AS district
           FROM households_household h JOIN households_region v ON v.code = h.village_id"""
    )
    cur.execute(
        """CREATE TEMP TABLE bench_districts ON COMMIT DROP AS
           SELECT d.code, d.name, min(v.code) AS village
           FROM bench_villages v JOIN households_region d ON d.code = v.district
           GROUP BY d.code, d.name"""
    )
    cur.execute(
        """INSERT INTO commitments_school (name, level, npsn, village_id, created_at)
           SELECT name, level, lpad((20000000 + row_number() OVER ())::text, 8, '0'),
                  village, now()
           FROM (SELECT 'SD Negeri ' || name AS name, 'SD' AS level, code AS village
                 FROM bench_villages
                 UNION ALL SELECT 'SMP Negeri 1 ' || name, 'SMP', village FROM bench_districts
                 UNION ALL SELECT 'SMA Negeri 1 ' || name, 'SMA', village FROM bench_districts
                ) s"""
    )
    cur.execute(
        """INSERT INTO commitments_healthfacility (name, kind, village_id, created_at)
           SELECT 'Posyandu Melati ' || name, 'posyandu', code, now() FROM bench_villages
           UNION ALL SELECT 'Posyandu Mawar ' || name, 'posyandu', code, now()
                     FROM bench_villages
           UNION ALL SELECT 'Puskesmas ' || name, 'puskesmas', village, now()
                     FROM bench_districts"""
    )


def _enrolments(cur, rules, school_start: datetime.date) -> None:
    edu = list(rules.education_components)
    health = list(rules.health_components)
    # Education: the school of the member's level in their village (SD) or district.
    cur.execute(
        """INSERT INTO commitments_enrolment (member_id, sector, change, school_id, grade,
               facility_id, start_on, end_on, note, recorded_by_id, recorded_at)
           SELECT DISTINCT ON (m.id) m.id, 'pendidikan',
               CASE WHEN p < 10 THEN 'tidak_terdaftar' ELSE 'terdaftar' END,
               CASE WHEN p < 10 THEN NULL ELSE s.id END,
               CASE WHEN p < 10 THEN '' ELSE greatest(1, least(12,
                   extract(year FROM age(%(start)s, m.birth_date))::int - 5))::text END,
               NULL, %(start)s, NULL, '', h.facilitator_id, now()
           FROM households_member m
           JOIN households_member_components mc ON mc.member_id = m.id
           JOIN households_household h ON h.id = m.household_id
           JOIN bench_villages v ON v.code = h.village_id
           JOIN bench_districts d ON d.code = v.district
           JOIN commitments_school s ON s.level = mc.component_id AND s.village_id =
               CASE WHEN mc.component_id = 'SD' THEN v.code ELSE d.village END
           CROSS JOIN LATERAL (SELECT abs(hashtext('e' || m.id)) %% 1000 AS p) r
           WHERE mc.component_id = ANY(%(edu)s) AND NOT (p BETWEEN 10 AND 24)
           ORDER BY m.id, mc.component_id""",
        {"start": school_start, "edu": edu},
    )
    # Health: a posyandu of the village for mothers and young children, else the
    # puskesmas of the district.
    cur.execute(
        """INSERT INTO commitments_enrolment (member_id, sector, change, school_id, grade,
               facility_id, start_on, end_on, note, recorded_by_id, recorded_at)
           SELECT DISTINCT ON (m.id) m.id, 'kesehatan', 'terdaftar', NULL, '', f.id,
               %(start)s, NULL, '', h.facilitator_id, now()
           FROM households_member m
           JOIN households_member_components mc ON mc.member_id = m.id
           JOIN households_household h ON h.id = m.household_id
           JOIN bench_villages v ON v.code = h.village_id
           JOIN bench_districts d ON d.code = v.district
           CROSS JOIN LATERAL (SELECT mc.component_id IN ('IBU_HAMIL', 'ANAK_USIA_DINI')
                               AS posyandu) k
           JOIN commitments_healthfacility f
               ON f.village_id = CASE WHEN posyandu THEN v.code ELSE d.village END
               AND f.name = CASE WHEN NOT posyandu THEN 'Puskesmas ' || d.name
                                 WHEN h.id %% 2 = 0 THEN 'Posyandu Melati ' || v.name
                                 ELSE 'Posyandu Mawar ' || v.name END
           WHERE mc.component_id = ANY(%(health)s)
               AND abs(hashtext('k' || m.id)) %% 1000 >= 20
           ORDER BY m.id, posyandu DESC""",
        {"start": school_start, "health": health},
    )


def _entries(cur, rules, month: datetime.date, days: int) -> int:
    from commitments import rules as r

    end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    items = {item: _asked_sql(item, rules) for item in r.HEALTH_ITEMS}
    health_cols = ",\n".join(
        f"CASE WHEN enrolled AND sector = 'kesehatan' AND ({cond}) THEN NOT fails END"
        for cond in items.values()
    )
    cur.execute(
        f"""INSERT INTO commitments_verificationentry (household_id, member_id, component_id,
               month, sector, school_id, facility_id, sheet_id, age_months, enrolled,
               school_days, days_sick, days_excused, days_unexcused,
               {", ".join(r.HEALTH_ITEMS)}, recorded_by_id, recorded_at, updated_at)
           SELECT household_id, member_id, comp, %(month)s, sector, school_id, facility_id,
               NULL, age, enrolled,
               CASE WHEN edu THEN %(days)s END,
               CASE WHEN edu THEN CASE WHEN fails THEN 2 ELSE (q %% 3 = 0)::int END END,
               CASE WHEN edu THEN CASE WHEN fails THEN 1 ELSE 0 END END,
               CASE WHEN edu THEN CASE WHEN fails THEN 2 + q %% 3 ELSE 0 END END,
               {health_cols},
               facilitator_id, now(), now()
           FROM (
               SELECT m.household_id, m.id AS member_id, mc.component_id AS comp, e.sector,
                   e.school_id, e.facility_id, h.facilitator_id,
                   e.change <> 'tidak_terdaftar' AS enrolled,
                   e.change <> 'tidak_terdaftar' AND e.sector = 'pendidikan' AS edu,
                   (extract(year FROM %(month)s::date) - extract(year FROM m.birth_date))::int
                       * 12 + (extract(month FROM %(month)s::date)
                               - extract(month FROM m.birth_date))::int AS age,
                   q,
                   e.change <> 'tidak_terdaftar' AND CASE
                       WHEN abs(hashtext('c' || m.id)) %% 100 < {CHRONIC_PERCENT}
                       THEN q < {CHRONIC_FAIL_PER_MILLE} ELSE q < {OTHER_FAIL_PER_MILLE}
                   END AS fails
               FROM households_member_components mc
               JOIN households_member m ON m.id = mc.member_id
               JOIN households_household h ON h.id = m.household_id
               JOIN commitments_enrolment e ON e.member_id = m.id AND e.end_on IS NULL
                   AND e.sector = CASE WHEN mc.component_id = ANY(%(edu)s)
                                       THEN 'pendidikan' ELSE 'kesehatan' END
               CROSS JOIN LATERAL (SELECT abs(hashtext(m.id || '-' || %(month)s::text
                                   || mc.component_id)) %% 1000 AS q) rr
               WHERE mc.component_id = ANY(%(components)s)
                   AND h.status IN ('active', 'suspended')
                   AND (m.left_on IS NULL OR m.left_on >= %(month)s)
                   AND m.birth_date <= %(end)s
           ) x""",
        {
            "month": month,
            "end": end,
            "days": days,
            "edu": list(rules.education_components),
            "components": list(rules.components),
        },
    )
    return cur.rowcount


def seed_commitments(*, months: list[datetime.date], log) -> dict:
    """Seed places, enrolments and the entries of ``months`` (idempotent)."""
    from django.conf import settings
    from django.db import connection, transaction

    from commitments.models import Enrolment, HealthFacility, School, VerificationEntry
    from commitments.rules import Rules

    rules = Rules.from_settings()
    if School.objects.exists():
        log("commitments: already seeded")
    else:
        started = time.perf_counter()
        first = min(months)
        school_start = datetime.date(first.year if first.month >= 7 else first.year - 1, 7, 14)
        with transaction.atomic(), connection.cursor() as cur:
            _places(cur)
            log(f"  places ({time.perf_counter() - started:.0f} s)")
            _enrolments(cur, rules, school_start)
            log(f"  enrolments ({time.perf_counter() - started:.0f} s)")
            for month in months:
                days = school_days(month, settings.PKH_COMMITMENT_SCHOOL_WEEK_DAYS)
                n = _entries(cur, rules, month, days)
                log(f"  {month:%Y-%m}: {n:,} entries ({time.perf_counter() - started:.0f} s)")
            for model in (School, HealthFacility, Enrolment, VerificationEntry):
                _reset_sequence(model._meta.db_table)
        with connection.cursor() as cur:  # as autovacuum would, before the measurements
            for model in (School, HealthFacility, Enrolment, VerificationEntry):
                cur.execute(f"VACUUM ANALYZE {model._meta.db_table}")
        log(f"commitments seeded in {time.perf_counter() - started:.0f} s")
    counts = {
        "schools": School.objects.count(),
        "facilities": HealthFacility.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "entries": VerificationEntry.objects.count(),
        "months": sorted({str(m) for m in VerificationEntry.objects.dates("month", "month")}),
    }
    log(
        "commitments: {schools:,} schools, {facilities:,} facilities, {enrolments:,} "
        "enrolments, {entries:,} entries".format(**counts)
    )
    return counts


def backdate_caseload(*, facilitator_id: int, before: datetime.datetime) -> int:
    """Date one facilitator's families back in the audit trail to ``before``, so that the
    quarterly report, which reads the caseload and the members "as they were", finds
    them in the quarters that have entries (``bench.seed`` dates its "created" rows
    now). Also one history row per member component, which the report reads for the
    components a member held. Only that caseload (the report measured is that
    facilitator's; ``bench/bench_reports.py`` prepares a whole registry). Idempotent.
    Returns the families dated back by this call."""
    from django.db import connection, transaction

    hh = "SELECT id FROM households_household WHERE facilitator_id = %(f)s"
    with transaction.atomic(), connection.cursor() as cur:
        params = {"f": facilitator_id, "before": before}
        cur.execute(
            f"UPDATE households_household SET created_at = %(before)s "
            f"WHERE id IN ({hh}) AND created_at > %(before)s",
            params,
        )
        moved = cur.rowcount
        cur.execute(
            f"UPDATE households_member SET created_at = %(before)s "
            f"WHERE household_id IN ({hh}) AND created_at > %(before)s",
            params,
        )
        for table, key in (
            ("households_historicalhousehold", "id"),
            ("households_historicalmember", "household_id"),
        ):
            cur.execute(
                f"UPDATE {table} SET history_date = %(before)s, created_at = %(before)s "
                f"WHERE {key} IN ({hh}) AND history_change_reason = 'bench seed' "
                "AND history_date > %(before)s",
                params,
            )
        cur.execute(
            "INSERT INTO households_historicalmember_components "
            "(id, member_id, component_id, history_id) "
            "SELECT mc.id, mc.member_id, mc.component_id, hm.history_id "
            "FROM households_member_components mc "
            "JOIN households_historicalmember hm ON hm.id = mc.member_id "
            f"AND hm.history_type = '+' AND hm.household_id IN ({hh}) "
            "WHERE NOT EXISTS (SELECT 1 FROM households_historicalmember_components x "
            "WHERE x.history_id = hm.history_id AND x.component_id = mc.component_id)",
            params,
        )
    return moved
