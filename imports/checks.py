"""Cross-row validation and deduplication, set-based in SQL over the staging tables.

Runs on PostgreSQL and SQLite (3.33+ for ``UPDATE ... FROM``) with the same SQL,
except for a few spellings chosen by ``Dialect``. Two groups of checks:

* ``check_file``: what the file alone can tell (duplicate NIK in the file, a family's
  rows disagreeing, pengurus count, probable duplicates within the file). Run once.
* ``check_registry``: what depends on the registry (NIK already in another family,
  family registered outside the admin's region, probable duplicates of registered
  members, and the diff: what would be created, updated or left unchanged). Run for
  the preview and again under the import lock before writing, because the registry
  may have changed in between.

Probable duplicates use the ``member_dup_key`` index (name_normalized, birth_date) of
``households_member``: a join on an indexed key, never a pairwise scan.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext as _

from households.models import Household, Member
from imports.columns import COMPONENT_BITS
from imports.models import ImportIssue, IssuePhase, RosterImport, StagingFamily, StagingRow

R = StagingRow._meta.db_table
F = StagingFamily._meta.db_table
I = ImportIssue._meta.db_table  # noqa: E741
H = Household._meta.db_table
M = Member._meta.db_table
MC = Member.components.through._meta.db_table
ISSUE_COLUMNS = f'INSERT INTO {I} (roster_import_id, kind, phase, line, "column", value, reason)'


class Dialect:
    def __init__(self):
        self.postgres = connection.vendor == "postgresql"

    def agg(self, expr: str, order: str) -> str:
        """Comma-separated list of ``expr`` values (ordered on PostgreSQL)."""
        if self.postgres:
            return f"string_agg(CAST({expr} AS TEXT), ', ' ORDER BY {order})"
        return f"group_concat({expr}, ', ')"

    @property
    def distinct(self) -> str:
        return "IS DISTINCT FROM" if self.postgres else "IS NOT"

    @property
    def not_distinct(self) -> str:
        return "IS NOT DISTINCT FROM" if self.postgres else "IS"


def run(sql: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def fetch(sql: str, params=()) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


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


# ---------------------------------------------------------------------------
# File checks
# ---------------------------------------------------------------------------
def check_file(*, roster_import: RosterImport) -> None:
    d = Dialect()
    imp = roster_import.pk
    file_phase = int(IssuePhase.FILE)
    has_pengurus = "PENGURUS" in (roster_import.columns or [])

    # 1. The same NIK on two or more rows: every such row is rejected.
    before, after = split(
        _(
            "NIK ini muncul di lebih dari satu baris (%(lines)s); file tidak bisa menentukan yang benar."
        ),
        "lines",
    )
    run(
        f"""{ISSUE_COLUMNS}
        SELECT %s, 'rejection', %s, r.line, 'NIK', r.nik, %s || substr(d.lines, 1, 300) || %s
        FROM {R} r JOIN (
            SELECT nik, {d.agg("line", "line")} AS lines FROM {R}
            WHERE import_id = %s AND nik IS NOT NULL AND line > 0
            GROUP BY nik HAVING COUNT(*) > 1
        ) d ON d.nik = r.nik
        WHERE r.import_id = %s AND r.line > 0""",
        [imp, file_phase, before, after, imp, imp],
    )
    run(
        f"""UPDATE {R} SET rejected = (rejected | 1)
        WHERE import_id = %s AND line > 0 AND nik IN (
            SELECT nik FROM {R} WHERE import_id = %s AND nik IS NOT NULL AND line > 0
            GROUP BY nik HAVING COUNT(*) > 1)""",
        [imp, imp],
    )

    # 2. One row per family.
    run(
        f"""INSERT INTO {F} (import_id, id_keluarga, first_line, no_kk, village_code, address,
            rt, rw, phone, facilitator_id, facilitator_final, group_name, sembako, kks,
            n_no_kk, n_village,
            n_sembako, n_kks, n_facilitator, n_group, pengurus_count, pengurus_line, rejected)
        SELECT %s, id_keluarga, MIN(line), MIN(no_kk), MIN(village_code), MIN(address),
            MIN(rt), MIN(rw), MIN(phone), MIN(facilitator_id), MIN(facilitator_id),
            MIN(group_name), MAX(sembako),
            MAX(kks), COUNT(DISTINCT no_kk), COUNT(DISTINCT village_code),
            COUNT(DISTINCT sembako), COUNT(DISTINCT kks), COUNT(DISTINCT facilitator_id),
            COUNT(DISTINCT group_name),
            SUM(CASE WHEN pengurus = 1 THEN 1 ELSE 0 END),
            COALESCE(MIN(CASE WHEN pengurus = 1 THEN line END),
                     MIN(CASE WHEN relationship = 'ISTRI' THEN line END),
                     MIN(CASE WHEN relationship = 'KEPALA_KELUARGA' THEN line END)),
            MAX(rejected)
        FROM {R} WHERE import_id = %s AND id_keluarga IS NOT NULL AND line > 0
        GROUP BY id_keluarga""",
        [imp, imp],
    )

    # 3. The rows of one family disagree on NO_KK, village or a family-level flag.
    flag_value = "CASE r.{c} WHEN 1 THEN 'Y' WHEN 0 THEN 'T' ELSE '' END"
    for column, count, value in (
        ("NO_KK", "n_no_kk", "COALESCE(r.no_kk, '')"),
        ("KODE_WILAYAH", "n_village", "COALESCE(r.village_code, '')"),
        ("SEMBAKO", "n_sembako", flag_value.format(c="sembako")),
        ("KKS", "n_kks", flag_value.format(c="kks")),
    ):
        reason = _(
            "Baris-baris keluarga ini berisi %(column)s yang berbeda; semua barisnya ditolak."
        ) % {"column": column}
        run(
            f"""{ISSUE_COLUMNS}
            SELECT %s, 'rejection', %s, r.line, %s, {value}, %s
            FROM {R} r JOIN {F} f ON f.import_id = r.import_id AND f.id_keluarga = r.id_keluarga
            WHERE r.import_id = %s AND r.line > 0 AND f.{count} > 1""",
            [imp, file_phase, column, reason, imp],
        )
    conflict = "(n_no_kk > 1 OR n_village > 1 OR n_sembako > 1 OR n_kks > 1)"
    run(
        f"""UPDATE {R} SET rejected = (rejected | 1)
        WHERE import_id = %s AND line > 0 AND id_keluarga IN (
            SELECT id_keluarga FROM {F} WHERE import_id = %s AND {conflict})""",
        [imp, imp],
    )
    run(
        f"""UPDATE {F} SET rejected = CASE WHEN rejected <> 0 OR {conflict} THEN 1 ELSE 0 END
        WHERE import_id = %s""",
        [imp],
    )

    # 4. Family-level values that differ between rows: a warning, the smallest is used.
    for column, count in (("PENDAMPING", "n_facilitator"), ("KELOMPOK", "n_group")):
        reason = _(
            "Baris-baris keluarga ini berisi %(column)s yang berbeda; dipakai satu nilai saja. "
            "Periksa kembali."
        ) % {"column": column}
        run(
            f"""{ISSUE_COLUMNS}
            SELECT %s, 'warning', %s, first_line, %s, '', %s FROM {F}
            WHERE import_id = %s AND {count} > 1""",
            [imp, file_phase, column, reason, imp],
        )

    # 5. Pengurus: exactly one per family.
    if has_pengurus:
        before, after = split(
            _("Tidak ada pengurus yang ditandai; dipakai baris %(line)s."), "line"
        )
        run(
            f"""{ISSUE_COLUMNS}
            SELECT %s, 'warning', %s, first_line, 'PENGURUS', '', %s || pengurus_line || %s
            FROM {F} WHERE import_id = %s AND pengurus_count = 0 AND pengurus_line IS NOT NULL""",
            [imp, file_phase, before, after, imp],
        )
        run(
            f"""{ISSUE_COLUMNS}
            SELECT %s, 'warning', %s, first_line, 'PENGURUS', '', %s FROM {F}
            WHERE import_id = %s AND pengurus_count = 0 AND pengurus_line IS NULL""",
            [
                imp,
                file_phase,
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
            f"""{ISSUE_COLUMNS}
            SELECT %s, 'warning', %s, first_line, 'PENGURUS', '', %s || pengurus_line || %s
            FROM {F} WHERE import_id = %s AND pengurus_count > 1""",
            [imp, file_phase, before, after, imp],
        )

    # 6. Probable duplicates within the file: same person under another NIK.
    before, after = split(
        _("Kemungkinan orang yang sama (nama dan tanggal lahir sama, NIK lain): %(others)s."),
        "others",
    )
    other = "'baris ' || b.line || ' (NIK ' || b.nik || ')'"
    run(
        f"""{ISSUE_COLUMNS}
        SELECT %s, 'warning', %s, a.line, 'NAMA', a.name,
            %s || substr({d.agg(other, "b.line")}, 1, 300) || %s
        FROM {R} a JOIN {R} b ON b.import_id = a.import_id
            AND b.name_normalized = a.name_normalized AND b.birth_date = a.birth_date
            AND b.nik <> a.nik AND b.line > 0
        WHERE a.import_id = %s AND a.line > 0
        GROUP BY a.line, a.name""",
        [imp, file_phase, before, after, imp],
    )
    # ... and the same name twice on one family card (No. KK) under different NIKs.
    before, after = split(
        _("Nama yang sama tercatat dua kali dalam satu No. KK dengan NIK lain: %(others)s."),
        "others",
    )
    run(
        f"""{ISSUE_COLUMNS}
        SELECT %s, 'warning', %s, a.line, 'NAMA', a.name,
            %s || substr({d.agg(other, "b.line")}, 1, 300) || %s
        FROM {R} a JOIN {R} b ON b.import_id = a.import_id AND b.no_kk = a.no_kk
            AND b.name_normalized = a.name_normalized AND b.nik <> a.nik AND b.line > 0
            AND b.birth_date {d.distinct} a.birth_date
        WHERE a.import_id = %s AND a.line > 0
        GROUP BY a.line, a.name""",
        [imp, file_phase, before, after, imp],
    )


# ---------------------------------------------------------------------------
# Registry checks and the diff
# ---------------------------------------------------------------------------
def check_registry(*, roster_import: RosterImport, rerun: bool = False) -> None:
    d = Dialect()
    imp = roster_import.pk
    phase = int(IssuePhase.REGISTRY)
    area, area_params = area_sql(roster_import.created_by.area_codes, "h.village_id")
    outside = _("di wilayah lain")

    # 0. Forget the previous run (the staging rows are fresh the first time).
    if rerun:
        ImportIssue.objects.filter(roster_import_id=imp, phase=IssuePhase.REGISTRY).delete()
        run(f"DELETE FROM {R} WHERE import_id = %s AND line = 0", [imp])
        run(
            f"""UPDATE {R} SET rejected = (rejected & 1), member_id = NULL,
                old_components = NULL, is_pengurus_final = NULL, action = NULL
            WHERE import_id = %s""",
            [imp],
        )
        run(
            f"""UPDATE {F} SET rejected = (rejected & 1), household_id = NULL,
                facilitator_final = facilitator_id, fds_group_id = NULL, action = NULL
            WHERE import_id = %s""",
            [imp],
        )

    # 1. Families already registered.
    run(
        f"""UPDATE {F} SET household_id = h.id FROM {H} h
        WHERE {F}.import_id = %s AND h.id_keluarga = {F}.id_keluarga""",
        [imp],
    )

    # 2. ... but in a village outside the admin's region: not theirs to change.
    run(
        f"""{ISSUE_COLUMNS}
        SELECT %s, 'rejection', %s, r.line, 'ID_KELUARGA', r.id_keluarga, %s
        FROM {R} r JOIN {F} f ON f.import_id = r.import_id AND f.id_keluarga = r.id_keluarga
            JOIN {H} h ON h.id = f.household_id
        WHERE r.import_id = %s AND r.line > 0 AND NOT {area}""",
        [
            imp,
            phase,
            _("ID keluarga ini sudah terdaftar di desa di luar wilayah Anda."),
            imp,
            *area_params,
        ],
    )
    run(
        f"""UPDATE {R} SET rejected = (rejected | 2)
        WHERE import_id = %s AND line > 0 AND id_keluarga IN (
            SELECT f.id_keluarga FROM {F} f JOIN {H} h ON h.id = f.household_id
            WHERE f.import_id = %s AND NOT {area})""",
        [imp, imp, *area_params],
    )

    # 3. NIK already registered as a member of another family.
    before, after = split(
        _("NIK ini sudah terdaftar sebagai anggota keluarga lain (%(family)s)."), "family"
    )
    run(
        f"""{ISSUE_COLUMNS}
        SELECT %s, 'rejection', %s, r.line, 'NIK', r.nik,
            %s || CASE WHEN {area} THEN 'ID ' || h.id_keluarga ELSE %s END || %s
        FROM {R} r JOIN {M} m ON m.nik = r.nik JOIN {H} h ON h.id = m.household_id
        WHERE r.import_id = %s AND r.line > 0 AND h.id_keluarga <> r.id_keluarga""",
        [imp, phase, before, *area_params, outside, after, imp],
    )
    run(
        f"""UPDATE {R} SET rejected = (rejected | 2)
        WHERE import_id = %s AND line > 0 AND nik IN (
            SELECT r.nik FROM {R} r JOIN {M} m ON m.nik = r.nik
                JOIN {H} h ON h.id = m.household_id
            WHERE r.import_id = %s AND h.id_keluarga <> r.id_keluarga)""",
        [imp, imp],
    )

    # 4. Facilitator (from the file, else the family's) and FDS group.
    run(
        f"""UPDATE {F} SET facilitator_final = h.facilitator_id FROM {H} h
        WHERE {F}.import_id = %s AND h.id = {F}.household_id AND {F}.facilitator_id IS NULL""",
        [imp],
    )
    run(
        f"""{ISSUE_COLUMNS}
        SELECT %s, 'rejection', %s, r.line, 'KELOMPOK', COALESCE(r.group_name, ''), %s
        FROM {R} r JOIN {F} f ON f.import_id = r.import_id AND f.id_keluarga = r.id_keluarga
        WHERE r.import_id = %s AND r.line > 0 AND f.group_name IS NOT NULL
            AND f.facilitator_final IS NULL""",
        [
            imp,
            phase,
            _("KELOMPOK hanya bisa diisi bila keluarga punya PENDAMPING."),
            imp,
        ],
    )
    run(
        f"""UPDATE {R} SET rejected = (rejected | 2)
        WHERE import_id = %s AND line > 0 AND id_keluarga IN (
            SELECT id_keluarga FROM {F} WHERE import_id = %s AND group_name IS NOT NULL
                AND facilitator_final IS NULL)""",
        [imp, imp],
    )
    run(
        f"""UPDATE {F} SET fds_group_id = g.id FROM fds_sessions_fdsgroup g
        WHERE {F}.import_id = %s AND {F}.group_name IS NOT NULL
            AND g.facilitator_id = {F}.facilitator_final AND g.name = {F}.group_name""",
        [imp],
    )
    # No KELOMPOK: the family keeps its group unless it moves to another facilitator.
    run(
        f"""UPDATE {F} SET fds_group_id = h.fds_group_id FROM {H} h
        WHERE {F}.import_id = %s AND h.id = {F}.household_id AND {F}.group_name IS NULL
            AND h.facilitator_id {d.not_distinct} {F}.facilitator_final""",
        [imp],
    )

    # 5. A family with any rejected row is rejected as a whole.
    run(
        f"""UPDATE {F} SET rejected = (rejected | 2)
        WHERE import_id = %s AND id_keluarga IN (
            SELECT id_keluarga FROM {R} WHERE import_id = %s AND (rejected & 2) <> 0)""",
        [imp, imp],
    )

    # 6. Pengurus: without a PENGURUS column, registered families keep theirs.
    if "PENGURUS" not in (roster_import.columns or []):
        run(
            f"""UPDATE {F} SET pengurus_line = NULL
            WHERE import_id = %s AND household_id IS NOT NULL""",
            [imp],
        )

    # 7. Members already registered (same NIK, same family) and their components.
    run(
        f"""UPDATE {R} SET member_id = m.id FROM {M} m
        WHERE {R}.import_id = %s AND {R}.line > 0 AND m.nik = {R}.nik""",
        [imp],
    )
    run(
        f"""UPDATE {R} SET old_components = x.mask FROM (
            SELECT member_id, SUM({component_mask_sql("component_id")}) AS mask FROM {MC}
            WHERE member_id IN (
                SELECT member_id FROM {R} WHERE import_id = %s AND member_id IS NOT NULL)
            GROUP BY member_id) x
        WHERE {R}.import_id = %s AND {R}.member_id = x.member_id""",
        [imp, imp],
    )
    run(
        f"""UPDATE {R} SET is_pengurus_final = CASE WHEN {R}.line = f.pengurus_line THEN 1 ELSE 0 END
        FROM {F} f
        WHERE {R}.import_id = %s AND f.import_id = {R}.import_id
            AND f.id_keluarga = {R}.id_keluarga AND f.pengurus_line IS NOT NULL""",
        [imp],
    )
    # Registered members not in the file who hold the pengurus flag lose it.
    run(
        f"""INSERT INTO {R} (import_id, line, id_keluarga, nik, name, name_normalized, sex,
            birth_date, relationship, member_id, is_pengurus_final, rejected, action)
        SELECT %s, 0, f.id_keluarga, m.nik, m.name, m.name_normalized, m.sex, m.birth_date,
            m.relationship, m.id, 0, 0, 2
        FROM {M} m JOIN {F} f ON f.household_id = m.household_id
        WHERE f.import_id = %s AND f.pengurus_line IS NOT NULL AND m.is_pengurus = TRUE
            AND NOT EXISTS (
                SELECT 1 FROM {R} r WHERE r.import_id = %s AND r.nik = m.nik AND r.line > 0)""",
        [imp, imp, imp],
    )

    # 8. The diff: 1 create, 2 update, 0 unchanged.
    run(
        f"""UPDATE {R} SET action = CASE WHEN
            m.name <> {R}.name OR m.sex <> {R}.sex OR m.birth_date <> {R}.birth_date
            OR ({R}.relationship IS NOT NULL AND m.relationship <> {R}.relationship)
            OR ({R}.is_pengurus_final IS NOT NULL AND m.is_pengurus <> ({R}.is_pengurus_final = 1))
            OR ({R}.components IS NOT NULL AND {R}.components <> COALESCE({R}.old_components, 0))
            THEN 2 ELSE 0 END
        FROM {M} m WHERE {R}.import_id = %s AND {R}.line > 0 AND m.id = {R}.member_id""",
        [imp],
    )
    run(
        f"UPDATE {R} SET action = 1 WHERE import_id = %s AND line > 0 AND member_id IS NULL",
        [imp],
    )
    run(
        f"""UPDATE {F} SET action = CASE WHEN
            h.no_kk <> {F}.no_kk OR h.village_id <> {F}.village_code
            OR ({F}.address IS NOT NULL AND h.address <> {F}.address)
            OR ({F}.rt IS NOT NULL AND h.rt <> {F}.rt)
            OR ({F}.rw IS NOT NULL AND h.rw <> {F}.rw)
            OR ({F}.phone IS NOT NULL AND h.phone <> {F}.phone)
            OR h.facilitator_id {d.distinct} {F}.facilitator_final
            OR h.fds_group_id {d.distinct} {F}.fds_group_id
            OR ({F}.group_name IS NOT NULL AND {F}.fds_group_id IS NULL)
            THEN 2 ELSE 0 END
        FROM {H} h WHERE {F}.import_id = %s AND h.id = {F}.household_id""",
        [imp],
    )
    run(
        f"UPDATE {F} SET action = 1 WHERE import_id = %s AND household_id IS NULL",
        [imp],
    )

    # 9. Probable duplicates of registered members (indexed on member_dup_key).
    before, after = split(
        _(
            "Kemungkinan orang yang sama dengan anggota terdaftar (nama dan tanggal lahir sama, "
            "NIK lain): %(other)s."
        ),
        "other",
    )
    run(
        f"""{ISSUE_COLUMNS}
        SELECT %s, 'warning', %s, r.line, 'NAMA', r.name,
            %s || CASE WHEN {area} THEN 'NIK ' || m.nik || ', ID keluarga ' || h.id_keluarga
                ELSE %s END || %s
        FROM {R} r JOIN {M} m ON m.name_normalized = r.name_normalized
            AND m.birth_date = r.birth_date
            JOIN {H} h ON h.id = m.household_id
        WHERE r.import_id = %s AND r.line > 0 AND m.nik <> r.nik""",
        [imp, phase, before, *area_params, outside, after, imp],
    )
    before, after = split(
        _("Nama yang sama sudah terdaftar dalam No. KK ini dengan NIK lain: %(other)s."),
        "other",
    )
    run(
        f"""{ISSUE_COLUMNS}
        SELECT %s, 'warning', %s, r.line, 'NAMA', r.name,
            %s || CASE WHEN {area} THEN 'NIK ' || m.nik ELSE %s END || %s
        FROM {R} r JOIN {H} h ON h.no_kk = r.no_kk
            JOIN {M} m ON m.household_id = h.id AND m.name_normalized = r.name_normalized
        WHERE r.import_id = %s AND r.line > 0 AND m.nik <> r.nik
            AND m.birth_date <> r.birth_date""",
        [imp, phase, before, *area_params, outside, after, imp],
    )


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
        FROM {R} WHERE import_id = %s AND line > 0""",
        [imp],
    )[0]
    c.warnings = ImportIssue.objects.filter(roster_import_id=imp, kind="warning").count()
    for rejected, action, n in fetch(
        f"""SELECT CASE WHEN rejected <> 0 THEN 1 ELSE 0 END, action, COUNT(*) FROM {F}
        WHERE import_id = %s GROUP BY CASE WHEN rejected <> 0 THEN 1 ELSE 0 END, action""",
        [imp],
    ):
        if rejected:
            c.households_skipped += n
        elif action == 1:
            c.households_created += n
        elif action == 2:
            c.households_updated += n
        else:
            c.households_unchanged += n
    for action, n in fetch(
        f"""SELECT r.action, COUNT(*) FROM {R} r JOIN {F} f
            ON f.import_id = r.import_id AND f.id_keluarga = r.id_keluarga
        WHERE r.import_id = %s AND f.rejected = 0 GROUP BY r.action""",
        [imp],
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
            (SELECT MAX(id) FROM {MC}),
            (SELECT MAX(id) FROM {H}), (SELECT MAX(id) FROM {M}),
            (SELECT MAX(id) FROM fds_sessions_fdsgroup)"""
    )[0]
    return ":".join(str(v or 0) for v in row)
