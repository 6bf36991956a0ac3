"""File checks: what the file alone can tell (duplicate NIK in the file, a family's rows
disagreeing, pengurus count, probable duplicates within the file). ``FILE_CHECKS`` runs
once, after the rows are loaded (``check_file``).

Every set a join depends on is materialised first (``pkh.sql.materialise``: a temporary
table with its own statistics); groups of rows that belong together (the same NIK, the
same name and birth date, the same name on one No. KK) are found with one window pass
over the rows (a sort), never by joining a grouped subquery back to the rows.
"""

from __future__ import annotations

import datetime

from django.db import connection
from django.utils.translation import gettext as _

from imports.checks.common import CheckContext, issue_insert, split
from imports.models import ImportIssue, IssuePhase, RosterImport
from imports.tables import T
from pkh.sql import analyze, drop_temp, materialise, run, run_steps

# The staging row columns the statements filter or join on (their statistics).
ROW_STATISTICS = "(import_id, line, nik, id_keluarga, no_kk, name_normalized, birth_date, rejected)"


def analyze_rows(ctx: CheckContext) -> None:
    """Planner statistics for the freshly loaded rows (PostgreSQL)."""
    analyze(f"{T.rows} {ROW_STATISTICS}")


def reject_nik_repeated_in_file(ctx: CheckContext) -> None:
    """The same NIK on two or more rows: every such row is rejected."""
    imp = ctx.imp
    n = materialise(
        "imp_repeated_nik",
        f"""SELECT nik, {ctx.d.agg("line", "line")} AS lines FROM {T.rows}
        WHERE import_id = %s AND nik IS NOT NULL AND line > 0
        GROUP BY nik HAVING COUNT(*) > 1""",
        [imp],
    )
    if n:
        before, after = split(
            _(
                "NIK ini muncul di lebih dari satu baris (%(lines)s); file tidak bisa "
                "menentukan yang benar."
            ),
            "lines",
        )
        run(
            f"""{issue_insert()}
            SELECT %s, 'rejection', %s, r.line, 'NIK', r.nik, %s || substr(d.lines, 1, 300) || %s
            FROM imp_repeated_nik d JOIN {T.rows} r ON r.import_id = %s AND r.nik = d.nik
            WHERE r.line > 0""",
            [imp, ctx.phase, before, after, imp],
        )
        run(
            f"""UPDATE {T.rows} SET rejected = (rejected | 1)
            WHERE import_id = %s AND line > 0 AND nik IN (SELECT nik FROM imp_repeated_nik)""",
            [imp],
        )
    drop_temp("imp_repeated_nik")


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
    analyze(f"{T.families} (import_id, id_keluarga, rejected, group_name, facilitator_id)")


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
    n = materialise(
        "imp_family_conflicts",
        f"""SELECT id_keluarga, n_no_kk, n_village, n_sembako, n_kks FROM {T.families}
        WHERE import_id = %s AND {_CONFLICT}""",
        [imp],
    )
    if n:
        for column, count, value in FAMILY_COLUMNS_THAT_MUST_AGREE:
            reason = _(
                "Baris-baris keluarga ini berisi %(column)s yang berbeda; semua barisnya ditolak."
            ) % {"column": column}
            run(
                f"""{issue_insert()}
                SELECT %s, 'rejection', %s, r.line, %s, {value}, %s
                FROM imp_family_conflicts c
                    JOIN {T.rows} r ON r.import_id = %s AND r.id_keluarga = c.id_keluarga
                WHERE c.{count} > 1 AND r.line > 0""",
                [imp, ctx.phase, column, reason, imp],
            )
        run(
            f"""UPDATE {T.rows} SET rejected = (rejected | 1)
            WHERE import_id = %s AND line > 0 AND id_keluarga IN (
                SELECT id_keluarga FROM imp_family_conflicts)""",
            [imp],
        )
    drop_temp("imp_family_conflicts")
    run(
        f"""UPDATE {T.families} SET rejected = CASE WHEN rejected <> 0 OR {_CONFLICT} THEN 1 ELSE 0 END
        WHERE import_id = %s""",
        [imp],
    )
    # The rejections changed the columns later steps filter on.
    analyze(f"{T.families} (import_id, id_keluarga, rejected, group_name, facilitator_id)")
    analyze(f"{T.rows} {ROW_STATISTICS}")


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


def rows_of_groups_with_several_niks(ctx: CheckContext, table: str, key: str) -> int:
    """Materialise into ``table`` the rows (line, name, nik, no_kk, name_normalized,
    birth_date) whose group of ``key`` (a column list of the rows, none of them NULL)
    holds two NIKs or more: one window pass (a sort of the rows on ``key``), no join of a
    grouped subquery back to the rows. Indexed on ``key`` for the pairing that follows.
    Returns the row count."""
    not_null = " AND ".join(f"{column.strip()} IS NOT NULL" for column in key.split(","))
    return materialise(
        table,
        f"""SELECT line, name, nik, no_kk, name_normalized, birth_date FROM (
            SELECT line, name, nik, no_kk, name_normalized, birth_date,
                MIN(nik) OVER w AS lowest, MAX(nik) OVER w AS highest
            FROM {T.rows}
            WHERE import_id = %s AND line > 0 AND nik IS NOT NULL AND {not_null}
            WINDOW w AS (PARTITION BY {key})
        ) x WHERE lowest <> highest""",
        [ctx.imp],
        indexes=[key],
    )


def warn_same_person_under_another_nik(ctx: CheckContext) -> None:
    """Probable duplicates within the file: same name and birth date, another NIK."""
    imp = ctx.imp
    key = "name_normalized, birth_date"
    if rows_of_groups_with_several_niks(ctx, "imp_same_person", key):
        before, after = split(
            _("Kemungkinan orang yang sama (nama dan tanggal lahir sama, NIK lain): %(others)s."),
            "others",
        )
        run(
            f"""{issue_insert()}
            SELECT %s, 'warning', %s, a.line, 'NAMA', a.name,
                %s || substr({ctx.d.agg(_OTHER_ROW, "b.line")}, 1, 300) || %s
            FROM imp_same_person a JOIN imp_same_person b
                ON b.name_normalized = a.name_normalized AND b.birth_date = a.birth_date
                AND b.nik <> a.nik
            GROUP BY a.line, a.name""",
            [imp, ctx.phase, before, after],
        )
    drop_temp("imp_same_person")


def warn_same_name_on_one_card(ctx: CheckContext) -> None:
    """The same name twice on one family card (No. KK) under different NIKs (and other
    birth dates: the same birth date is the probable duplicate above)."""
    imp = ctx.imp
    if rows_of_groups_with_several_niks(ctx, "imp_same_card", "no_kk, name_normalized"):
        before, after = split(
            _("Nama yang sama tercatat dua kali dalam satu No. KK dengan NIK lain: %(others)s."),
            "others",
        )
        run(
            f"""{issue_insert()}
            SELECT %s, 'warning', %s, a.line, 'NAMA', a.name,
                %s || substr({ctx.d.agg(_OTHER_ROW, "b.line")}, 1, 300) || %s
            FROM imp_same_card a JOIN imp_same_card b ON b.no_kk = a.no_kk
                AND b.name_normalized = a.name_normalized AND b.nik <> a.nik
                AND b.birth_date {ctx.d.distinct} a.birth_date
            GROUP BY a.line, a.name""",
            [imp, ctx.phase, before, after],
        )
    drop_temp("imp_same_card")


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
