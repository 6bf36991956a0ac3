"""Cross-row validation and deduplication, set-based in SQL over the staging tables.

Runs on PostgreSQL and SQLite (3.33+ for ``UPDATE ... FROM``) with the same SQL,
except for a few spellings chosen by ``Dialect``. Each check is one function named for
what it does, holding its statement; two ordered lists of them are run:

* ``FILE_CHECKS`` (``check_file``): what the file alone can tell (duplicate NIK in the
  file, a family's rows disagreeing, pengurus count, probable duplicates within the
  file). Run once.
* ``REGISTRY_CHECKS`` (``check_registry``): what depends on the registry (NIK already in
  another family, family registered outside the admin's region, probable duplicates of
  registered members, and the plan: what would be created, updated or left unchanged).
  Run for the preview and again under the import lock before writing, because the
  registry may have changed in between.

With ``IMPORTS_SQL_TIMING=1`` each step logs its time under its function's name
(``pkh.sql.run_steps``). Probable duplicates use the ``member_dup_key`` index
(name_normalized, birth_date) of ``households_member``: a join on an indexed key, never
a pairwise scan.
"""

from __future__ import annotations

import datetime
import logging
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

from django.db import DatabaseError, connection
from django.utils.translation import gettext as _

from households.models import Household, Member
from imports.columns import COMPONENT_BITS
from imports.models import (
    ImportIssue,
    IssuePhase,
    RosterImport,
    StagingHousehold,
    StagingMember,
)
from imports.tables import T
from pkh.sql import Dialect, analyze, fetch, run, run_steps, timed  # noqa: F401 (imports.*)

logger = logging.getLogger(__name__)


def issue_insert() -> str:
    """The head of every statement that writes import issues."""
    return f'INSERT INTO {T.issues} (roster_import_id, kind, phase, line, "column", value, reason)'


@contextmanager
def tuned_session():
    """PostgreSQL: no JIT (compiling the big statements costs more than running them)
    and room for the hash joins and aggregates over a whole roster, for the duration
    of the block (or of the function it decorates). Reset on the way out: a worker keeps
    its connection between tasks (pkh/celery.py), and the next task, a report say, must
    not inherit an import's settings. A connection that cannot be reset is closed."""
    tuned = connection.vendor == "postgresql"
    if tuned:
        run("SET jit = off")
        run("SET work_mem = '64MB'")
    try:
        yield
    finally:
        if tuned:
            try:
                run("RESET jit")
                run("RESET work_mem")
            except DatabaseError:
                connection.close()


def split(template: str, key: str) -> tuple[str, str]:
    """A translated message with one ``%(key)s`` cut into the text before and after it."""
    before, _sep, after = template.partition(f"%({key})s")
    return before, after


def area_sql(codes: list[str], column: str) -> tuple[str, list[str]]:
    """SQL condition: ``column`` (a village code) lies in one of ``codes``."""
    if not codes:
        return "1 = 0", []
    parts, params = [], []
    for code in codes:
        parts.append(f"({column} = %s OR {column} LIKE %s)")
        params += [code, f"{code}.%"]
    return "(" + " OR ".join(parts) + ")", params


def component_mask_sql(column: str) -> str:
    whens = " ".join(f"WHEN '{code}' THEN {bit}" for code, bit in COMPONENT_BITS.items())
    return f"CASE {column} {whens} ELSE 0 END"


def component_bits_table() -> str:
    return " UNION ALL ".join(
        f"SELECT '{code}' AS code, {bit} AS bit" for code, bit in COMPONENT_BITS.items()
    )


@dataclass
class CheckContext:
    """What every check reads: the import, its id, the SQL dialect and the phase its
    issues are recorded in."""

    roster_import: RosterImport
    phase: int
    rerun: bool = False
    d: Dialect = field(default_factory=Dialect)

    @property
    def imp(self) -> int:
        return self.roster_import.pk

    @property
    def has_pengurus(self) -> bool:
        return "PENGURUS" in (self.roster_import.columns or [])

    @cached_property
    def area(self) -> tuple[str, list[str]]:
        """The admin's region as an SQL condition on ``h.village_id``, and its params."""
        return area_sql(self.roster_import.created_by.area_codes, "h.village_id")


# ---------------------------------------------------------------------------
# File checks
# ---------------------------------------------------------------------------
def analyze_rows(ctx: CheckContext) -> None:
    """Planner statistics for the freshly loaded rows (PostgreSQL)."""
    analyze(f"{T.rows} (import_id, nik, id_keluarga, no_kk, name_normalized, birth_date)")


def reject_nik_repeated_in_file(ctx: CheckContext) -> None:
    """The same NIK on two or more rows: every such row is rejected."""
    imp = ctx.imp
    before, after = split(
        _(
            "NIK ini muncul di lebih dari satu baris (%(lines)s); file tidak bisa menentukan yang benar."
        ),
        "lines",
    )
    run(
        f"""{issue_insert()}
        SELECT %s, 'rejection', %s, r.line, 'NIK', r.nik, %s || substr(d.lines, 1, 300) || %s
        FROM {T.rows} r JOIN (
            SELECT nik, {ctx.d.agg("line", "line")} AS lines FROM {T.rows}
            WHERE import_id = %s AND nik IS NOT NULL AND line > 0
            GROUP BY nik HAVING COUNT(*) > 1
        ) d ON d.nik = r.nik
        WHERE r.import_id = %s AND r.line > 0""",
        [imp, ctx.phase, before, after, imp, imp],
    )
    run(
        f"""UPDATE {T.rows} SET rejected = (rejected | 1)
        WHERE import_id = %s AND line > 0 AND nik IN (
            SELECT nik FROM {T.rows} WHERE import_id = %s AND nik IS NOT NULL AND line > 0
            GROUP BY nik HAVING COUNT(*) > 1)""",
        [imp, imp],
    )


def collect_families(ctx: CheckContext) -> None:
    """One staging row per family, with the counts of the values its rows disagree on."""
    imp = ctx.imp
    run(
        f"""INSERT INTO {T.families} (import_id, id_keluarga, first_line, no_kk, village_code,
            address, rt, rw, phone, facilitator_id, group_name, sembako, kks, n_no_kk,
            n_village, n_sembako, n_kks, n_facilitator, n_group, pengurus_count,
            pengurus_line, rejected)
        SELECT %s, id_keluarga, MIN(line), MIN(no_kk), MIN(village_code), MIN(address),
            MIN(rt), MIN(rw), MIN(phone), MIN(facilitator_id), MIN(group_name), MAX(sembako),
            MAX(kks), COUNT(DISTINCT no_kk), COUNT(DISTINCT village_code),
            COUNT(DISTINCT sembako), COUNT(DISTINCT kks), COUNT(DISTINCT facilitator_id),
            COUNT(DISTINCT group_name),
            SUM(CASE WHEN pengurus = 1 THEN 1 ELSE 0 END),
            COALESCE(MIN(CASE WHEN pengurus = 1 THEN line END),
                     MIN(CASE WHEN relationship = 'ISTRI' THEN line END),
                     MIN(CASE WHEN relationship = 'KEPALA_KELUARGA' THEN line END)),
            MAX(rejected)
        FROM {T.rows} WHERE import_id = %s AND id_keluarga IS NOT NULL AND line > 0
        GROUP BY id_keluarga""",
        [imp, imp],
    )
    analyze(f"{T.families} (import_id, id_keluarga)")


# The family-level columns whose rows must agree, with their count in the families table
# and the value written into the issue.
_FLAG_VALUE = "CASE r.{c} WHEN 1 THEN 'Y' WHEN 0 THEN 'T' ELSE '' END"
FAMILY_COLUMNS_THAT_MUST_AGREE = (
    ("NO_KK", "n_no_kk", "COALESCE(r.no_kk, '')"),
    ("KODE_WILAYAH", "n_village", "COALESCE(r.village_code, '')"),
    ("SEMBAKO", "n_sembako", _FLAG_VALUE.format(c="sembako")),
    ("KKS", "n_kks", _FLAG_VALUE.format(c="kks")),
)
_CONFLICT = "(n_no_kk > 1 OR n_village > 1 OR n_sembako > 1 OR n_kks > 1)"


def reject_family_rows_disagreeing(ctx: CheckContext) -> None:
    """The rows of one family disagree on NO_KK, village or a family-level flag: all of
    the family's rows are rejected."""
    imp = ctx.imp
    for column, count, value in FAMILY_COLUMNS_THAT_MUST_AGREE:
        reason = _(
            "Baris-baris keluarga ini berisi %(column)s yang berbeda; semua barisnya ditolak."
        ) % {"column": column}
        run(
            f"""{issue_insert()}
            SELECT %s, 'rejection', %s, r.line, %s, {value}, %s FROM {T.rows} r
            WHERE r.import_id = %s AND r.line > 0 AND r.id_keluarga IN (
                SELECT id_keluarga FROM {T.families} WHERE import_id = %s AND {count} > 1)""",
            [imp, ctx.phase, column, reason, imp, imp],
        )
    run(
        f"""UPDATE {T.rows} SET rejected = (rejected | 1)
        WHERE import_id = %s AND line > 0 AND id_keluarga IN (
            SELECT id_keluarga FROM {T.families} WHERE import_id = %s AND {_CONFLICT})""",
        [imp, imp],
    )
    run(
        f"""UPDATE {T.families} SET rejected = CASE WHEN rejected <> 0 OR {_CONFLICT} THEN 1 ELSE 0 END
        WHERE import_id = %s""",
        [imp],
    )


def warn_family_values_differing(ctx: CheckContext) -> None:
    """Family-level values that differ between rows: a warning, the smallest is used."""
    for column, count in (("PENDAMPING", "n_facilitator"), ("KELOMPOK", "n_group")):
        reason = _(
            "Baris-baris keluarga ini berisi %(column)s yang berbeda; dipakai satu nilai saja. "
            "Periksa kembali."
        ) % {"column": column}
        run(
            f"""{issue_insert()}
            SELECT %s, 'warning', %s, first_line, %s, '', %s FROM {T.families}
            WHERE import_id = %s AND {count} > 1""",
            [ctx.imp, ctx.phase, column, reason, ctx.imp],
        )


def warn_pengurus_not_exactly_one(ctx: CheckContext) -> None:
    """Pengurus: exactly one per family (only when the file has the PENGURUS column)."""
    if not ctx.has_pengurus:
        return
    imp, phase = ctx.imp, ctx.phase
    before, after = split(_("Tidak ada pengurus yang ditandai; dipakai baris %(line)s."), "line")
    run(
        f"""{issue_insert()}
        SELECT %s, 'warning', %s, first_line, 'PENGURUS', '', %s || pengurus_line || %s
        FROM {T.families} WHERE import_id = %s AND pengurus_count = 0 AND pengurus_line IS NOT NULL""",
        [imp, phase, before, after, imp],
    )
    run(
        f"""{issue_insert()}
        SELECT %s, 'warning', %s, first_line, 'PENGURUS', '', %s FROM {T.families}
        WHERE import_id = %s AND pengurus_count = 0 AND pengurus_line IS NULL""",
        [
            imp,
            phase,
            _(
                "Tidak ada pengurus yang ditandai, dan tidak ada ISTRI atau KEPALA "
                "KELUARGA; pengurus tidak diubah."
            ),
            imp,
        ],
    )
    before, after = split(
        _("Lebih dari satu pengurus ditandai; dipakai yang pertama (baris %(line)s)."),
        "line",
    )
    run(
        f"""{issue_insert()}
        SELECT %s, 'warning', %s, first_line, 'PENGURUS', '', %s || pengurus_line || %s
        FROM {T.families} WHERE import_id = %s AND pengurus_count > 1""",
        [imp, phase, before, after, imp],
    )


_OTHER_ROW = "'baris ' || b.line || ' (NIK ' || b.nik || ')'"


def warn_same_person_under_another_nik(ctx: CheckContext) -> None:
    """Probable duplicates within the file: same name and birth date, another NIK."""
    imp = ctx.imp
    before, after = split(
        _("Kemungkinan orang yang sama (nama dan tanggal lahir sama, NIK lain): %(others)s."),
        "others",
    )
    run(
        f"""{issue_insert()}
        SELECT %s, 'warning', %s, a.line, 'NAMA', a.name,
            %s || substr({ctx.d.agg(_OTHER_ROW, "b.line")}, 1, 300) || %s
        FROM {T.rows} a JOIN {T.rows} b ON b.import_id = a.import_id
            AND b.name_normalized = a.name_normalized AND b.birth_date = a.birth_date
            AND b.nik <> a.nik AND b.line > 0
        WHERE a.import_id = %s AND a.line > 0
        GROUP BY a.line, a.name""",
        [imp, ctx.phase, before, after, imp],
    )


def warn_same_name_on_one_card(ctx: CheckContext) -> None:
    """The same name twice on one family card (No. KK) under different NIKs."""
    imp = ctx.imp
    before, after = split(
        _("Nama yang sama tercatat dua kali dalam satu No. KK dengan NIK lain: %(others)s."),
        "others",
    )
    # Grouped first, so that only the (few) rows of such groups are paired.
    same_name_rows = f"""(SELECT r.line, r.name, r.nik, r.no_kk, r.name_normalized, r.birth_date
        FROM {T.rows} r JOIN (
            SELECT no_kk, name_normalized FROM {T.rows}
            WHERE import_id = %s AND line > 0 AND nik IS NOT NULL
                AND no_kk IS NOT NULL AND name_normalized IS NOT NULL
            GROUP BY no_kk, name_normalized HAVING COUNT(DISTINCT nik) > 1
        ) g ON g.no_kk = r.no_kk AND g.name_normalized = r.name_normalized
        WHERE r.import_id = %s AND r.line > 0)"""
    run(
        f"""{issue_insert()}
        SELECT %s, 'warning', %s, a.line, 'NAMA', a.name,
            %s || substr({ctx.d.agg(_OTHER_ROW, "b.line")}, 1, 300) || %s
        FROM {same_name_rows} a JOIN {same_name_rows} b ON b.no_kk = a.no_kk
            AND b.name_normalized = a.name_normalized AND b.nik <> a.nik
            AND b.birth_date {ctx.d.distinct} a.birth_date
        GROUP BY a.line, a.name""",
        [imp, ctx.phase, before, after, imp, imp, imp, imp],
    )


# Roster columns that say a member receives a per-member aid, by aid code.
AID_COLUMNS = {"KIP": "kip", "KIS": "kis"}
AID_BATCH = 5_000


def warn_aid_outside_age_limits(ctx: CheckContext) -> None:
    """Warnings: a row says the member receives an aid (KIP, KIS = Y) that the catalogue
    limits to ages the member, by the file's birth date, is outside of. The rule is the
    aid module's (``assistance.services.roster.roster_aid_problems``); only rows flagged for an
    aid that has an age limit are read, in batches."""
    from assistance.models import Aid
    from assistance.services.roster import roster_aid_problems

    imp = ctx.imp
    present = [code for code in AID_COLUMNS if code in (ctx.roster_import.columns or [])]
    limited = set(
        Aid.objects.filter(code__in=present)
        .exclude(min_age__isnull=True, max_age__isnull=True)
        .values_list("code", flat=True)
    )
    for code in present:
        if code not in limited:
            continue
        column = AID_COLUMNS[code]
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT line, birth_date FROM {T.rows} WHERE import_id = %s AND line > 0
                AND {column} = 1 AND birth_date IS NOT NULL ORDER BY line""",
                [imp],
            )
            while rows := cursor.fetchmany(AID_BATCH):
                dates = {
                    line: day
                    if isinstance(day, datetime.date)
                    else datetime.date.fromisoformat(day)
                    for line, day in rows
                }
                problems = roster_aid_problems(
                    member_flags={line: {code: True} for line in dates}, birth_dates=dates
                )
                ImportIssue.objects.bulk_create(
                    ImportIssue(
                        roster_import_id=imp,
                        kind="warning",
                        phase=IssuePhase.FILE,
                        line=line,
                        column=code,
                        value="Y",
                        reason=reason,
                    )
                    for line, reason in problems.items()
                )


FILE_CHECKS = (
    analyze_rows,
    reject_nik_repeated_in_file,
    collect_families,
    reject_family_rows_disagreeing,
    warn_family_values_differing,
    warn_pengurus_not_exactly_one,
    warn_same_person_under_another_nik,
    warn_same_name_on_one_card,
    warn_aid_outside_age_limits,
)


def check_file(*, roster_import: RosterImport) -> None:
    ctx = CheckContext(roster_import=roster_import, phase=int(IssuePhase.FILE))
    run_steps(FILE_CHECKS, ctx, group="check_file")


# ---------------------------------------------------------------------------
# Registry checks and the plan
# ---------------------------------------------------------------------------
def forget_previous_registry_run(ctx: CheckContext) -> None:
    """On a rerun, the previous registry checks' issues, plans and rejections go
    (targeted: only the few rows it rejected)."""
    if not ctx.rerun:
        return
    imp = ctx.imp
    ImportIssue.objects.filter(roster_import_id=imp, phase=IssuePhase.REGISTRY).delete()
    StagingHousehold.objects.filter(import_id=imp).delete()
    StagingMember.objects.filter(import_id=imp).delete()
    for table in (T.rows, T.families):
        run(
            f"UPDATE {table} SET rejected = (rejected & 1) "
            "WHERE import_id = %s AND (rejected & 2) <> 0",
            [imp],
        )


def reject_family_outside_region(ctx: CheckContext) -> None:
    """A family registered in a village outside the admin's region: not theirs."""
    area, area_params = ctx.area
    run(
        f"""{issue_insert()}
        SELECT %s, 'rejection', %s, r.line, 'ID_KELUARGA', r.id_keluarga, %s
        FROM {T.families} f JOIN {T.households} h ON h.id_keluarga = f.id_keluarga
            JOIN {T.rows} r ON r.import_id = f.import_id AND r.id_keluarga = f.id_keluarga
        WHERE f.import_id = %s AND r.line > 0 AND NOT {area}""",
        [
            ctx.imp,
            ctx.phase,
            _("ID keluarga ini sudah terdaftar di desa di luar wilayah Anda."),
            ctx.imp,
            *area_params,
        ],
    )


def reject_nik_of_another_family(ctx: CheckContext) -> None:
    """A NIK already registered as a member of another family."""
    area, area_params = ctx.area
    before, after = split(
        _("NIK ini sudah terdaftar sebagai anggota keluarga lain (%(family)s)."), "family"
    )
    run(
        f"""{issue_insert()}
        SELECT %s, 'rejection', %s, r.line, 'NIK', r.nik,
            %s || CASE WHEN {area} THEN 'ID ' || h.id_keluarga ELSE %s END || %s
        FROM {T.rows} r JOIN {T.members} m ON m.nik = r.nik
            JOIN {T.households} h ON h.id = m.household_id
        WHERE r.import_id = %s AND r.line > 0 AND h.id_keluarga <> r.id_keluarga""",
        [ctx.imp, ctx.phase, before, *area_params, _("di wilayah lain"), after, ctx.imp],
    )


def reject_group_without_facilitator(ctx: CheckContext) -> None:
    """KELOMPOK needs a facilitator (from the file or the registered family)."""
    run(
        f"""{issue_insert()}
        SELECT %s, 'rejection', %s, r.line, 'KELOMPOK', COALESCE(r.group_name, ''), %s
        FROM {T.families} f LEFT JOIN {T.households} h ON h.id_keluarga = f.id_keluarga
            JOIN {T.rows} r ON r.import_id = f.import_id AND r.id_keluarga = f.id_keluarga
        WHERE f.import_id = %s AND r.line > 0 AND f.group_name IS NOT NULL
            AND f.facilitator_id IS NULL AND h.facilitator_id IS NULL""",
        [
            ctx.imp,
            ctx.phase,
            _("KELOMPOK hanya bisa diisi bila keluarga punya PENDAMPING."),
            ctx.imp,
        ],
    )


def mark_registry_rejections(ctx: CheckContext) -> None:
    """Mark the rows and families the registry checks rejected (few rows: targeted)."""
    imp = ctx.imp
    run(
        f"""UPDATE {T.rows} SET rejected = (rejected | 2)
        WHERE import_id = %s AND line IN (
            SELECT line FROM {T.issues} WHERE roster_import_id = %s AND phase = %s
                AND kind = 'rejection')""",
        [imp, imp, ctx.phase],
    )
    run(
        f"""UPDATE {T.families} SET rejected = (rejected | 2)
        WHERE import_id = %s AND id_keluarga IN (
            SELECT id_keluarga FROM {T.rows} WHERE import_id = %s AND (rejected & 2) <> 0)""",
        [imp, imp],
    )


def plan_households(ctx: CheckContext) -> None:
    """The plan of every accepted family, in one pass: its household, facilitator (from
    the file, else the family's), FDS group (named in the file; else the family keeps its
    group unless it moves to another facilitator) and action (1 create, 2 update, 0 none)."""
    d = ctx.d
    run(
        f"""INSERT INTO {T.household_plans} (import_id, id_keluarga, household_id,
            facilitator_final, fds_group_id, pengurus_line, action)
        SELECT x.import_id, x.id_keluarga, x.household_id, x.facilitator_final,
            x.fds_group_id, x.pengurus_line,
            CASE WHEN x.household_id IS NULL THEN 1 WHEN
                x.h_no_kk <> x.no_kk OR x.h_village <> x.village_code
                OR (x.address IS NOT NULL AND x.h_address <> x.address)
                OR (x.rt IS NOT NULL AND x.h_rt <> x.rt)
                OR (x.rw IS NOT NULL AND x.h_rw <> x.rw)
                OR (x.phone IS NOT NULL AND x.h_phone <> x.phone)
                OR x.h_facilitator {d.distinct} x.facilitator_final
                OR x.h_group {d.distinct} x.fds_group_id
                OR (x.group_name IS NOT NULL AND x.fds_group_id IS NULL)
            THEN 2 ELSE 0 END
        FROM (
            SELECT y.*, CASE
                WHEN y.group_name IS NOT NULL THEN (
                    SELECT g.id FROM {T.fds_groups} g
                    WHERE g.facilitator_id = y.facilitator_final AND g.name = y.group_name)
                WHEN y.h_facilitator {d.not_distinct} y.facilitator_final THEN y.h_group
                ELSE NULL END AS fds_group_id
            FROM (
                SELECT f.import_id, f.id_keluarga, f.no_kk, f.village_code, f.address, f.rt,
                    f.rw, f.phone, f.group_name, h.id AS household_id, h.no_kk AS h_no_kk,
                    h.village_id AS h_village, h.address AS h_address, h.rt AS h_rt,
                    h.rw AS h_rw, h.phone AS h_phone, h.facilitator_id AS h_facilitator,
                    h.fds_group_id AS h_group,
                    COALESCE(f.facilitator_id, h.facilitator_id) AS facilitator_final,
                    CASE WHEN %s AND h.id IS NOT NULL THEN NULL
                        ELSE f.pengurus_line END AS pengurus_line
                FROM {T.families} f LEFT JOIN {T.households} h ON h.id_keluarga = f.id_keluarga
                WHERE f.import_id = %s AND f.rejected = 0
            ) y
        ) x""",
        [not ctx.has_pengurus, ctx.imp],
    )
    analyze(f"{T.household_plans} (import_id, id_keluarga)")


def plan_members(ctx: CheckContext) -> None:
    """The plan of every member of an accepted family, in one pass."""
    mask = component_mask_sql("mc.component_id")
    run(
        f"""INSERT INTO {T.member_plans} (import_id, line, nik, id_keluarga, member_id,
            is_pengurus_final, action)
        SELECT r.import_id, r.line, r.nik, r.id_keluarga, m.id,
            CASE WHEN sh.pengurus_line IS NULL THEN NULL
                WHEN r.line = sh.pengurus_line THEN 1 ELSE 0 END,
            CASE WHEN m.id IS NULL THEN 1 WHEN
                m.name <> r.name OR m.sex <> r.sex OR m.birth_date <> r.birth_date
                OR (r.relationship IS NOT NULL AND m.relationship <> r.relationship)
                OR (sh.pengurus_line IS NOT NULL
                    AND m.is_pengurus <> (r.line = sh.pengurus_line))
                OR (r.components IS NOT NULL AND r.components <> COALESCE((
                    SELECT SUM({mask}) FROM {T.member_components} mc
                    WHERE mc.member_id = m.id), 0))
            THEN 2 ELSE 0 END
        FROM {T.household_plans} sh
            JOIN {T.rows} r ON r.import_id = sh.import_id AND r.id_keluarga = sh.id_keluarga
            LEFT JOIN {T.members} m ON m.nik = r.nik
        WHERE sh.import_id = %s AND r.line > 0""",
        [ctx.imp],
    )


def plan_pengurus_flag_removals(ctx: CheckContext) -> None:
    """Registered members not in the file who hold the pengurus flag lose it."""
    run(
        f"""INSERT INTO {T.member_plans} (import_id, line, nik, id_keluarga, member_id,
            is_pengurus_final, action)
        SELECT sh.import_id, 0, m.nik, sh.id_keluarga, m.id, 0, 2
        FROM {T.household_plans} sh JOIN {T.members} m ON m.household_id = sh.household_id
        WHERE sh.import_id = %s AND sh.pengurus_line IS NOT NULL AND m.is_pengurus = TRUE
            AND NOT EXISTS (
                SELECT 1 FROM {T.rows} r WHERE r.import_id = sh.import_id AND r.nik = m.nik
                    AND r.line > 0)""",
        [ctx.imp],
    )
    analyze(f"{T.member_plans} (import_id, nik, action)")


def _not_the_files_own_pair(same_card: str = "") -> str:
    """Not when the file has the registered member too, with the name and birth date
    (and, for the family card, the No. KK) that make the pair: the file checks report
    that pair already; naming it again here would warn twice, and would double every
    probable duplicate of a file imported a second time."""
    return f"""NOT EXISTS (SELECT 1 FROM {T.rows} rf WHERE rf.import_id = r.import_id
        AND rf.nik = m.nik AND rf.line > 0 AND rf.name_normalized = m.name_normalized
        AND rf.birth_date = m.birth_date{same_card})"""


def warn_same_person_as_registered(ctx: CheckContext) -> None:
    """Probable duplicates of registered members (indexed on member_dup_key)."""
    area, area_params = ctx.area
    before, after = split(
        _(
            "Kemungkinan orang yang sama dengan anggota terdaftar (nama dan tanggal lahir sama, "
            "NIK lain): %(other)s."
        ),
        "other",
    )
    run(
        f"""{issue_insert()}
        SELECT %s, 'warning', %s, r.line, 'NAMA', r.name,
            %s || CASE WHEN {area} THEN 'NIK ' || m.nik || ', ID keluarga ' || h.id_keluarga
                ELSE %s END || %s
        FROM {T.rows} r JOIN {T.members} m ON m.name_normalized = r.name_normalized
            AND m.birth_date = r.birth_date
            JOIN {T.households} h ON h.id = m.household_id
        WHERE r.import_id = %s AND r.line > 0 AND m.nik <> r.nik
            AND {_not_the_files_own_pair()}""",
        [ctx.imp, ctx.phase, before, *area_params, _("di wilayah lain"), after, ctx.imp],
    )


def warn_same_name_registered_on_card(ctx: CheckContext) -> None:
    """The same name registered under another NIK on the same family card."""
    area, area_params = ctx.area
    before, after = split(
        _("Nama yang sama sudah terdaftar dalam No. KK ini dengan NIK lain: %(other)s."),
        "other",
    )
    run(
        f"""{issue_insert()}
        SELECT %s, 'warning', %s, r.line, 'NAMA', r.name,
            %s || CASE WHEN {area} THEN 'NIK ' || m.nik ELSE %s END || %s
        FROM {T.families} f JOIN {T.households} h ON h.id_keluarga = f.id_keluarga
            JOIN {T.members} m ON m.household_id = h.id
            JOIN {T.rows} r ON r.import_id = f.import_id AND r.id_keluarga = f.id_keluarga
                AND r.name_normalized = m.name_normalized
        WHERE f.import_id = %s AND r.line > 0 AND m.nik <> r.nik
            AND m.birth_date <> r.birth_date
            AND {_not_the_files_own_pair(" AND rf.no_kk = r.no_kk")}""",
        [ctx.imp, ctx.phase, before, *area_params, _("di wilayah lain"), after, ctx.imp],
    )


REGISTRY_CHECKS = (
    forget_previous_registry_run,
    reject_family_outside_region,
    reject_nik_of_another_family,
    reject_group_without_facilitator,
    mark_registry_rejections,
    plan_households,
    plan_members,
    plan_pengurus_flag_removals,
    warn_same_person_as_registered,
    warn_same_name_registered_on_card,
)


def check_registry(*, roster_import: RosterImport, rerun: bool = False) -> None:
    ctx = CheckContext(roster_import=roster_import, phase=int(IssuePhase.REGISTRY), rerun=rerun)
    run_steps(REGISTRY_CHECKS, ctx, group="check_registry")


@dataclass
class Counts:
    rows: int = 0
    rows_rejected: int = 0
    warnings: int = 0
    households_created: int = 0
    households_updated: int = 0
    households_unchanged: int = 0
    households_skipped: int = 0
    members_created: int = 0
    members_updated: int = 0
    members_unchanged: int = 0

    def as_fields(self) -> dict[str, int]:
        return dict(self.__dict__)


def count(*, roster_import: RosterImport) -> Counts:
    imp = roster_import.pk
    c = Counts()
    c.rows, c.rows_rejected = fetch(
        f"""SELECT COUNT(*), COALESCE(SUM(CASE WHEN rejected <> 0 THEN 1 ELSE 0 END), 0)
        FROM {T.rows} WHERE import_id = %s AND line > 0""",
        [imp],
    )[0]
    c.warnings = ImportIssue.objects.filter(roster_import_id=imp, kind="warning").count()
    c.households_skipped = fetch(
        f"SELECT COUNT(*) FROM {T.families} WHERE import_id = %s AND rejected <> 0", [imp]
    )[0][0]
    for action, n in fetch(
        f"SELECT action, COUNT(*) FROM {T.household_plans} WHERE import_id = %s GROUP BY action",
        [imp],
    ):
        if action == 1:
            c.households_created += n
        elif action == 2:
            c.households_updated += n
        else:
            c.households_unchanged += n
    for action, n in fetch(
        f"SELECT action, COUNT(*) FROM {T.member_plans} WHERE import_id = %s GROUP BY action", [imp]
    ):
        if action == 1:
            c.members_created += n
        elif action == 2:
            c.members_updated += n
        else:
            c.members_unchanged += n
    return c


def registry_signature() -> str:
    """Changes whenever a family, a member or a member's components change (every write
    to them leaves a history row or a through row): if it is the same as at preview
    time, the registry checks need not run again."""
    hh = Household.history.model._meta.db_table
    hm = Member.history.model._meta.db_table
    row = fetch(
        f"""SELECT (SELECT MAX(history_id) FROM {hh}), (SELECT MAX(history_id) FROM {hm}),
            (SELECT MAX(id) FROM {T.member_components}),
            (SELECT MAX(id) FROM {T.households}), (SELECT MAX(id) FROM {T.members}),
            (SELECT MAX(id) FROM {T.fds_groups})"""
    )[0]
    return ":".join(str(v or 0) for v in row)
