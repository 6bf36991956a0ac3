"""Registry checks: what depends on the registry (NIK already in another family, family
registered outside the admin's region, probable duplicates of registered members) and,
through ``imports.checks.plan``, the plan. ``REGISTRY_CHECKS`` runs for the preview and
again under the import lock before writing if the registry changed in between.

The first step materialises the registry's matches of the file once
(``imp_reg_families``: the file's families that are registered; ``imp_reg_members``: its
rows whose NIK is registered), each a temporary table with its own statistics, and the
later steps join those instead of joining the registry again. Probable duplicates use
the ``member_dup_key`` index (name_normalized, birth_date) of ``households_member``: a
join on an indexed key, never a pairwise scan.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from imports.checks.common import CheckContext, issue_insert, split
from imports.checks.file import ROW_STATISTICS
from imports.checks.plan import plan_households, plan_members, plan_pengurus_flag_removals
from imports.models import ImportIssue, IssuePhase, RosterImport, StagingHousehold, StagingMember
from imports.tables import T
from pkh.sql import analyze, drop_temp, materialise, run, run_steps

REGISTRY_TEMP_TABLES = (
    "imp_reg_families",
    "imp_reg_members",
    "imp_member_masks",
    "imp_rejected_lines",
    "imp_reg_dups",
    "imp_card_members",
)


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


def collect_registry_matches(ctx: CheckContext) -> None:
    """The file's registered families and registered NIKs, each materialised once (a
    join of the staging table with a unique index of the registry: linear whatever the
    plan), for the steps that follow."""
    imp = ctx.imp
    materialise(
        "imp_reg_families",
        f"""SELECT f.id_keluarga, h.id AS household_id, h.no_kk, h.village_id, h.address,
            h.rt, h.rw, h.phone, h.facilitator_id, h.fds_group_id
        FROM {T.families} f JOIN {T.households} h ON h.id_keluarga = f.id_keluarga
        WHERE f.import_id = %s""",
        [imp],
        indexes=["id_keluarga"],
    )
    materialise(
        "imp_reg_members",
        f"""SELECT r.line, r.nik, r.id_keluarga, m.id AS member_id, m.household_id, m.name,
            m.name_normalized, m.sex, m.birth_date, m.relationship, m.is_pengurus
        FROM {T.rows} r JOIN {T.members} m ON m.nik = r.nik
        WHERE r.import_id = %s AND r.line > 0""",
        [imp],
        indexes=["line", "member_id"],
    )


def reject_family_outside_region(ctx: CheckContext) -> None:
    """A family registered in a village outside the admin's region: not theirs."""
    area, area_params = ctx.area
    run(
        f"""{issue_insert()}
        SELECT %s, 'rejection', %s, r.line, 'ID_KELUARGA', r.id_keluarga, %s
        FROM imp_reg_families h
            JOIN {T.rows} r ON r.import_id = %s AND r.id_keluarga = h.id_keluarga
        WHERE r.line > 0 AND NOT {area}""",
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
        SELECT %s, 'rejection', %s, rm.line, 'NIK', rm.nik,
            %s || CASE WHEN {area} THEN 'ID ' || h.id_keluarga ELSE %s END || %s
        FROM imp_reg_members rm JOIN {T.households} h ON h.id = rm.household_id
        WHERE h.id_keluarga <> rm.id_keluarga""",
        [ctx.imp, ctx.phase, before, *area_params, _("di wilayah lain"), after],
    )


def reject_group_without_facilitator(ctx: CheckContext) -> None:
    """KELOMPOK needs a facilitator (from the file or the registered family)."""
    run(
        f"""{issue_insert()}
        SELECT %s, 'rejection', %s, r.line, 'KELOMPOK', COALESCE(r.group_name, ''), %s
        FROM {T.families} f LEFT JOIN imp_reg_families h ON h.id_keluarga = f.id_keluarga
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
    """Mark the rows and families the registry checks rejected: their lines materialised
    first, then joined (never ``line IN (subquery)`` against an unindexed column)."""
    imp = ctx.imp
    n = materialise(
        "imp_rejected_lines",
        f"""SELECT DISTINCT line FROM {T.issues} WHERE roster_import_id = %s AND phase = %s
            AND kind = 'rejection'""",
        [imp, ctx.phase],
        indexes=["line"],
    )
    if n:
        run(
            f"""UPDATE {T.rows} SET rejected = (rejected | 2)
            FROM imp_rejected_lines x
            WHERE {T.rows}.import_id = %s AND {T.rows}.line = x.line""",
            [imp],
        )
        run(
            f"""UPDATE {T.families} SET rejected = (rejected | 2)
            FROM (SELECT DISTINCT r.id_keluarga FROM imp_rejected_lines x
                JOIN {T.rows} r ON r.import_id = %s AND r.line = x.line
                WHERE r.id_keluarga IS NOT NULL) y
            WHERE {T.families}.import_id = %s AND {T.families}.id_keluarga = y.id_keluarga""",
            [imp, imp],
        )
        analyze(f"{T.families} (import_id, id_keluarga, rejected, group_name, facilitator_id)")
        analyze(f"{T.rows} {ROW_STATISTICS}")
    drop_temp("imp_rejected_lines")


def _not_the_files_own_pair(alias: str, same_card: str = "") -> str:
    """Not when the file has the registered member too, with the name and birth date
    (and, for the family card, the No. KK) that make the pair: the file checks report
    that pair already; naming it again here would warn twice, and would double every
    probable duplicate of a file imported a second time. An anti-join on the staging
    rows' (import_id, nik) index; its one parameter is the import id."""
    return f"""NOT EXISTS (SELECT 1 FROM {T.rows} rf WHERE rf.import_id = %s
        AND rf.nik = {alias}.nik AND rf.line > 0
        AND rf.name_normalized = {alias}.name_normalized
        AND rf.birth_date = {alias}.birth_date{same_card})"""


def warn_same_person_as_registered(ctx: CheckContext) -> None:
    """Probable duplicates of registered members (indexed on member_dup_key)."""
    area, area_params = ctx.area
    imp = ctx.imp
    n = materialise(
        "imp_reg_dups",
        f"""SELECT r.line, r.name, m.nik, m.name_normalized, m.birth_date, m.household_id
        FROM {T.rows} r JOIN {T.members} m ON m.name_normalized = r.name_normalized
            AND m.birth_date = r.birth_date
        WHERE r.import_id = %s AND r.line > 0 AND m.nik <> r.nik""",
        [imp],
    )
    if n:
        before, after = split(
            _(
                "Kemungkinan orang yang sama dengan anggota terdaftar (nama dan tanggal lahir "
                "sama, NIK lain): %(other)s."
            ),
            "other",
        )
        run(
            f"""{issue_insert()}
            SELECT %s, 'warning', %s, x.line, 'NAMA', x.name,
                %s || CASE WHEN {area} THEN 'NIK ' || x.nik || ', ID keluarga ' || h.id_keluarga
                    ELSE %s END || %s
            FROM imp_reg_dups x JOIN {T.households} h ON h.id = x.household_id
            WHERE {_not_the_files_own_pair("x")}""",
            [imp, ctx.phase, before, *area_params, _("di wilayah lain"), after, imp],
        )
    drop_temp("imp_reg_dups")


def warn_same_name_registered_on_card(ctx: CheckContext) -> None:
    """The same name registered under another NIK on the same family card."""
    area, area_params = ctx.area
    imp = ctx.imp
    n = materialise(
        "imp_card_members",
        f"""SELECT h.id_keluarga, h.village_id, m.nik, m.name_normalized, m.birth_date
        FROM imp_reg_families h JOIN {T.members} m ON m.household_id = h.household_id""",
        indexes=["id_keluarga, name_normalized"],
    )
    if n:
        before, after = split(
            _("Nama yang sama sudah terdaftar dalam No. KK ini dengan NIK lain: %(other)s."),
            "other",
        )
        run(
            f"""{issue_insert()}
            SELECT %s, 'warning', %s, r.line, 'NAMA', r.name,
                %s || CASE WHEN {area} THEN 'NIK ' || h.nik ELSE %s END || %s
            FROM imp_card_members h JOIN {T.rows} r ON r.import_id = %s
                AND r.id_keluarga = h.id_keluarga AND r.name_normalized = h.name_normalized
            WHERE r.line > 0 AND h.nik <> r.nik AND h.birth_date <> r.birth_date
                AND {_not_the_files_own_pair("h", " AND rf.no_kk = r.no_kk")}""",
            [imp, ctx.phase, before, *area_params, _("di wilayah lain"), after, imp, imp],
        )
    drop_temp("imp_card_members")


def forget_registry_matches(ctx: CheckContext) -> None:
    """The temporary tables go (a worker's session outlives the import)."""
    drop_temp(*REGISTRY_TEMP_TABLES)


REGISTRY_CHECKS = (
    forget_previous_registry_run,
    collect_registry_matches,
    reject_family_outside_region,
    reject_nik_of_another_family,
    reject_group_without_facilitator,
    mark_registry_rejections,
    plan_households,
    plan_members,
    plan_pengurus_flag_removals,
    warn_same_person_as_registered,
    warn_same_name_registered_on_card,
    forget_registry_matches,
)


def check_registry(*, roster_import: RosterImport, rerun: bool = False) -> None:
    ctx = CheckContext(roster_import=roster_import, phase=int(IssuePhase.REGISTRY), rerun=rerun)
    run_steps(REGISTRY_CHECKS, ctx, group="check_registry")
