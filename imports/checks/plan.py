"""The plan: what the write will do to each accepted family and member (1 create,
2 update, 0 none), computed in one pass each from the staging tables and the registry
matches ``imports.checks.registry.collect_registry_matches`` materialised. Steps of
``REGISTRY_CHECKS``. No correlated subquery: the FDS group is a join on its unique key,
the members' component masks are materialised first."""

from __future__ import annotations

from imports.checks.common import CheckContext, component_mask_sql
from imports.tables import T
from pkh.sql import analyze, drop_temp, materialise, run


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
                WHEN y.group_name IS NOT NULL THEN g.id
                WHEN y.h_facilitator {d.not_distinct} y.facilitator_final THEN y.h_group
                ELSE NULL END AS fds_group_id
            FROM (
                SELECT f.import_id, f.id_keluarga, f.no_kk, f.village_code, f.address, f.rt,
                    f.rw, f.phone, f.group_name, h.household_id, h.no_kk AS h_no_kk,
                    h.village_id AS h_village, h.address AS h_address, h.rt AS h_rt,
                    h.rw AS h_rw, h.phone AS h_phone, h.facilitator_id AS h_facilitator,
                    h.fds_group_id AS h_group,
                    COALESCE(f.facilitator_id, h.facilitator_id) AS facilitator_final,
                    CASE WHEN %s AND h.household_id IS NOT NULL THEN NULL
                        ELSE f.pengurus_line END AS pengurus_line
                FROM {T.families} f LEFT JOIN imp_reg_families h ON h.id_keluarga = f.id_keluarga
                WHERE f.import_id = %s AND f.rejected = 0
            ) y
            -- (facilitator, name) is unique: at most one group per family.
            LEFT JOIN {T.fds_groups} g ON g.facilitator_id = y.facilitator_final
                AND g.name = y.group_name
        ) x""",
        [not ctx.has_pengurus, ctx.imp],
    )
    analyze(T.household_plans)  # every column: later steps filter on most of them


def plan_members(ctx: CheckContext) -> None:
    """The plan of every member of an accepted family, in one pass."""
    mask = component_mask_sql("mc.component_id")
    materialise(
        "imp_member_masks",
        f"""SELECT mc.member_id, SUM({mask}) AS mask
        FROM imp_reg_members rm JOIN {T.member_components} mc ON mc.member_id = rm.member_id
        GROUP BY mc.member_id""",
        indexes=["member_id"],
    )
    run(
        f"""INSERT INTO {T.member_plans} (import_id, line, nik, id_keluarga, member_id,
            is_pengurus_final, action)
        SELECT r.import_id, r.line, r.nik, r.id_keluarga, m.member_id,
            CASE WHEN sh.pengurus_line IS NULL THEN NULL
                WHEN r.line = sh.pengurus_line THEN 1 ELSE 0 END,
            CASE WHEN m.member_id IS NULL THEN 1 WHEN
                m.name <> r.name OR m.sex <> r.sex OR m.birth_date <> r.birth_date
                OR (r.relationship IS NOT NULL AND m.relationship <> r.relationship)
                OR (sh.pengurus_line IS NOT NULL
                    AND m.is_pengurus <> (r.line = sh.pengurus_line))
                OR (r.components IS NOT NULL AND r.components <> COALESCE(mk.mask, 0))
            THEN 2 ELSE 0 END
        FROM {T.household_plans} sh
            JOIN {T.rows} r ON r.import_id = sh.import_id AND r.id_keluarga = sh.id_keluarga
            LEFT JOIN imp_reg_members m ON m.line = r.line
            LEFT JOIN imp_member_masks mk ON mk.member_id = m.member_id
        WHERE sh.import_id = %s AND r.line > 0""",
        [ctx.imp],
    )
    drop_temp("imp_member_masks")


def plan_pengurus_flag_removals(ctx: CheckContext) -> None:
    """Registered members not in the file who hold the pengurus flag lose it."""
    run(
        f"""INSERT INTO {T.member_plans} (import_id, line, nik, id_keluarga, member_id,
            is_pengurus_final, action)
        SELECT sh.import_id, 0, m.nik, sh.id_keluarga, m.id, 0, 2
        FROM {T.household_plans} sh JOIN {T.members} m ON m.household_id = sh.household_id
        WHERE sh.import_id = %s AND sh.household_id IS NOT NULL
            AND sh.pengurus_line IS NOT NULL AND m.is_pengurus = TRUE
            AND NOT EXISTS (
                SELECT 1 FROM {T.rows} r WHERE r.import_id = sh.import_id AND r.nik = m.nik
                    AND r.line > 0)""",
        [ctx.imp],
    )
    analyze(T.member_plans)
