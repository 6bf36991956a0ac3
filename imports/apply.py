"""Write an import into the registry: bulk upserts from the staging tables, in SQL.

Called inside the import's one transaction, under the import lock, after
``check_registry`` has computed the plan. Only families without a rejected row
(``StagingFamily.rejected = 0``) are written; only created or changed records get a
row in the audit trail (``households_historicalhousehold`` /
``households_historicalmember``, with the importing admin and the import named in
``history_change_reason``). Column lists are taken from the models, so a field added
to Household or Member later gets its default here without a change.

``WRITE_STEPS`` is the ordered list of named steps ``apply`` runs, each with its
statement; each reports its phase to the progress bar, and with ``IMPORTS_SQL_TIMING=1``
logs its time under its name.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection

from fds_sessions.models import FdsGroup
from households.models import Household, HouseholdTransfer, Member
from imports.checks.common import component_bits_table
from imports.models import RosterImport
from imports.progress import Progress
from imports.tables import T
from pkh.sql import (
    Dialect,
    drop_temp,
    fetch,
    insert_history,
    insert_select,
    materialise,
    run,
    run_steps,
)

# The joins from a plan row to its staging family and from a member plan to its row.
PLAN_FAMILY = "JOIN {families} f ON f.import_id = sh.import_id AND f.id_keluarga = sh.id_keluarga"
# A member plan points at its row by line alone (a file line is one row of one import,
# and the plan copied that row's NIK; the pengurus-flag removals have line 0, which no
# row has). Not also on the NIK: the planner multiplies the selectivities of the two
# equal keys as if independent and expects one row where there are hundreds of
# thousands, and then picks nested loops for everything joined after it.
PLAN_ROW = "JOIN {rows} {r} ON {r}.import_id = {sm}.import_id AND {r}.line = {sm}.line"


def plan_row(r: str = "r", sm: str = "sm") -> str:
    """The join from the member plans (alias ``sm``) to their staging rows (``r``)."""
    return PLAN_ROW.format(rows=T.rows, r=r, sm=sm)


@dataclass
class WriteContext:
    roster_import: RosterImport
    progress: Progress
    now: datetime.datetime
    d: Dialect = field(default_factory=Dialect)

    @property
    def imp(self) -> int:
        return self.roster_import.pk

    @property
    def by(self) -> int | None:
        return self.roster_import.created_by_id

    @property
    def reason(self) -> str:
        return self.roster_import.change_reason

    @property
    def ts(self):
        """``now`` as the database stores ``updated_at``."""
        return Household._meta.get_field("updated_at").get_db_prep_save(self.now, connection)

    @property
    def plan_family(self) -> str:
        return PLAN_FAMILY.format(families=T.families)

    @property
    def member_row(self) -> str:
        return plan_row()


def write_settings(ctx: WriteContext | None = None) -> None:
    """PostgreSQL, for this transaction only: a large pending list for the trigram GIN
    index, so that new names are merged into it in a few large batches (in work_mem)
    instead of one small merge every 4 MB of new entries."""
    if connection.vendor == "postgresql":
        run("SET LOCAL gin_pending_list_limit = '256MB'")
        run("SET LOCAL work_mem = '256MB'")


def insert_new_fds_groups(ctx: WriteContext) -> None:
    """New FDS groups (few): through the ORM, so FdsGroup's own defaults apply; then
    the plans of their families point at them."""
    SH = T.household_plans
    wanted = fetch(
        f"""SELECT DISTINCT f.group_name, sh.facilitator_final FROM {SH} sh {ctx.plan_family}
        WHERE sh.import_id = %s AND f.group_name IS NOT NULL AND sh.fds_group_id IS NULL""",
        [ctx.imp],
    )
    if not wanted:
        return
    FdsGroup.objects.bulk_create(
        [FdsGroup(name=name, facilitator_id=fac) for name, fac in wanted],
        ignore_conflicts=True,
    )
    # An UPDATE ... FROM a join on the groups' unique key (facilitator, name): no
    # subquery run for every plan row.
    run(
        f"""UPDATE {SH} SET fds_group_id = x.group_id
        FROM (SELECT f.id_keluarga, g.id AS group_id, g.facilitator_id
            FROM {T.families} f JOIN {T.fds_groups} g ON g.name = f.group_name
            WHERE f.import_id = %s AND f.group_name IS NOT NULL) x
        WHERE {SH}.import_id = %s AND {SH}.fds_group_id IS NULL
            AND {SH}.id_keluarga = x.id_keluarga AND {SH}.facilitator_final = x.facilitator_id""",
        [ctx.imp, ctx.imp],
    )


def insert_new_households(ctx: WriteContext) -> None:
    """New families, with their component mask and pengurus name computed first into a
    temporary table (one grouped pass over their members' rows) and joined: no grouped
    subquery joined blind, no subquery per family."""
    bits = component_bits_table()
    materialise(
        "imp_new_household_masks",
        f"""SELECT mr.id_keluarga, SUM(DISTINCT hc.flag) AS mask
        FROM {T.member_plans} msm {plan_row("mr", "msm")}
            JOIN ({bits}) c ON (mr.components & c.bit) <> 0
            JOIN {T.components} hc ON hc.code = c.code
        WHERE msm.import_id = %s AND msm.action = 1 AND mr.components IS NOT NULL
        GROUP BY mr.id_keluarga""",
        [ctx.imp],
        indexes=["id_keluarga"],
    )
    insert_select(
        Household,
        {
            "id_keluarga": ("f.id_keluarga", []),
            "no_kk": ("f.no_kk", []),
            "village_id": ("f.village_code", []),
            "address": ("COALESCE(f.address, '')", []),
            "rt": ("COALESCE(f.rt, '')", []),
            "rw": ("COALESCE(f.rw, '')", []),
            "phone": ("COALESCE(f.phone, '')", []),
            "facilitator_id": ("sh.facilitator_final", []),
            "fds_group_id": ("sh.fds_group_id", []),
            # Written right away, so the registry's trigger that keeps this cache finds
            # nothing to change when the members arrive (a household update touches
            # every index of the table).
            # Likewise the OR of the members' component flags (the trigger of households
            # 0004 then finds every mask right when the components arrive: no UPDATE).
            "component_mask": ("COALESCE(cm.mask, 0)", []),
            "pengurus_name_cache": ("pr.name", []),
        },
        f"""FROM {T.household_plans} sh {ctx.plan_family}
            LEFT JOIN imp_new_household_masks cm ON cm.id_keluarga = sh.id_keluarga
            LEFT JOIN {T.rows} pr ON pr.import_id = sh.import_id
                AND pr.id_keluarga = sh.id_keluarga AND pr.line = sh.pengurus_line
        WHERE sh.import_id = %s AND sh.action = 1 ORDER BY f.first_line""",
        [ctx.imp],
        ctx.now,
    )
    drop_temp("imp_new_household_masks")


def record_facilitator_transfers(ctx: WriteContext) -> None:
    """A transfer record for each changed family whose facilitator changes."""
    batch = HouseholdTransfer._meta.get_field("batch").get_db_prep_save(uuid.uuid4(), connection)
    run(
        f"""INSERT INTO {T.transfers}
            (household_id, from_facilitator_id, to_facilitator_id, moved_by_id, moved_at,
             batch, reason)
        SELECT h.id, h.facilitator_id, sh.facilitator_final, %s, %s, %s, %s
        FROM {T.household_plans} sh JOIN {T.households} h ON h.id = sh.household_id
        WHERE sh.import_id = %s AND sh.action = 2 AND sh.facilitator_final IS NOT NULL
            AND h.facilitator_id {ctx.d.distinct} sh.facilitator_final""",
        [ctx.by, ctx.ts, batch, ctx.reason, ctx.imp],
    )


def update_changed_households(ctx: WriteContext) -> None:
    H = T.households
    run(
        f"""UPDATE {H} SET no_kk = f.no_kk, village_id = f.village_code,
            address = COALESCE(f.address, {H}.address), rt = COALESCE(f.rt, {H}.rt),
            rw = COALESCE(f.rw, {H}.rw), phone = COALESCE(f.phone, {H}.phone),
            facilitator_id = sh.facilitator_final, fds_group_id = sh.fds_group_id,
            updated_at = %s
        FROM {T.household_plans} sh {ctx.plan_family}
        WHERE sh.import_id = %s AND sh.action = 2 AND {H}.id = sh.household_id""",
        [ctx.ts, ctx.imp],
    )


def insert_household_audit_rows(ctx: WriteContext) -> None:
    """Audit rows for created and changed households."""
    insert_history(
        Household,
        source_alias="h",
        from_sql=f"""FROM {T.household_plans} sh
            JOIN {T.households} h ON h.id_keluarga = sh.id_keluarga
            WHERE sh.import_id = %s AND sh.action IN (1, 2)""",
        from_params=[ctx.imp],
        history_type_sql="CASE WHEN sh.action = 1 THEN '+' ELSE '~' END",
        when=ctx.now,
        reason=ctx.reason,
        user_id=ctx.by,
    )


def remove_pengurus_flags(ctx: WriteContext) -> None:
    """First take the pengurus flag from those who lose it (one per family)."""
    M = T.members
    run(
        f"""UPDATE {M} SET is_pengurus = FALSE, updated_at = %s FROM {T.member_plans} sm
        WHERE sm.import_id = %s AND sm.action = 2 AND sm.is_pengurus_final = 0
            AND {M}.id = sm.member_id AND {M}.is_pengurus = TRUE""",
        [ctx.ts, ctx.imp],
    )


def update_changed_members(ctx: WriteContext) -> None:
    M = T.members
    run(
        f"""UPDATE {M} SET name = r.name, name_normalized = r.name_normalized, sex = r.sex,
            birth_date = r.birth_date,
            relationship = COALESCE(r.relationship, {M}.relationship),
            is_pengurus = COALESCE(sm.is_pengurus_final = 1, {M}.is_pengurus),
            updated_at = %s
        FROM {T.member_plans} sm {ctx.member_row}
        WHERE sm.import_id = %s AND sm.action = 2 AND sm.line > 0 AND {M}.id = sm.member_id""",
        [ctx.ts, ctx.imp],
    )


def insert_new_members(ctx: WriteContext) -> None:
    insert_select(
        Member,
        {
            "household_id": ("h.id", []),
            "nik": ("r.nik", []),
            "name": ("r.name", []),
            "name_normalized": ("r.name_normalized", []),
            "sex": ("r.sex", []),
            "birth_date": ("r.birth_date", []),
            "relationship": ("COALESCE(r.relationship, %s)", ["LAINNYA"]),
            "is_pengurus": ("COALESCE(sm.is_pengurus_final = 1, FALSE)", []),
        },
        f"""FROM {T.member_plans} sm {ctx.member_row}
            JOIN {T.households} h ON h.id_keluarga = sm.id_keluarga
        WHERE sm.import_id = %s AND sm.action = 1 ORDER BY sm.line""",
        [ctx.imp],
        ctx.now,
    )


def replace_member_components(ctx: WriteContext) -> None:
    """Components of created and changed members (only the roster's seven codes)."""
    bits = component_bits_table()
    run(
        f"""DELETE FROM {T.member_components} WHERE member_id IN (
                SELECT sm.member_id FROM {T.member_plans} sm {ctx.member_row}
                WHERE sm.import_id = %s AND sm.action = 2 AND r.components IS NOT NULL)
            AND component_id IN (SELECT code FROM ({bits}) c)""",
        [ctx.imp],
    )
    run(
        f"""INSERT INTO {T.member_components} (member_id, component_id)
        SELECT m.id, c.code FROM {T.member_plans} sm {ctx.member_row}
            JOIN {T.members} m ON m.nik = sm.nik
            JOIN ({bits}) c ON (r.components & c.bit) <> 0
            JOIN {T.components} hc ON hc.code = c.code
        WHERE sm.import_id = %s AND sm.action IN (1, 2) AND r.components IS NOT NULL""",
        [ctx.imp],
    )


def insert_member_audit_rows(ctx: WriteContext) -> None:
    """Audit rows for created and changed members, with their components."""
    insert_history(
        Member,
        source_alias="m",
        from_sql=f"""FROM {T.member_plans} sm JOIN {T.members} m ON m.nik = sm.nik
            WHERE sm.import_id = %s AND sm.action IN (1, 2)""",
        from_params=[ctx.imp],
        history_type_sql="CASE WHEN sm.action = 1 THEN '+' ELSE '~' END",
        when=ctx.now,
        reason=ctx.reason,
        user_id=ctx.by,
    )
    hm = Member.history.model._meta.db_table
    m2m = apps.get_model("households", "HistoricalMember_components")
    when = Member.history.model._meta.get_field("history_date").get_db_prep_save(
        ctx.now, connection
    )
    run(
        f"""INSERT INTO {m2m._meta.db_table} (id, component_id, history_id, member_id)
        SELECT mc.id, mc.component_id, hm.history_id, mc.member_id
        FROM {hm} hm JOIN {T.member_components} mc ON mc.member_id = hm.id
        WHERE hm.history_date = %s AND hm.history_change_reason = %s""",
        [when, ctx.reason],
    )


# The caseload's trigram index on member names (households migration 0003).
NAME_TRIGRAM_INDEX = "member_name_trgm"


def gin_flush(ctx: WriteContext | None = None) -> None:
    """Merge the trigram index's pending list before commit: a search scans the pending
    list entry by entry, so it must not be left full for the caseload."""
    if connection.vendor == "postgresql":
        fetch(
            "SELECT gin_clean_pending_list(to_regclass(%s)) WHERE to_regclass(%s) IS NOT NULL",
            [NAME_TRIGRAM_INDEX, NAME_TRIGRAM_INDEX],
        )


def changed_household_ids(import_id: int) -> list[int]:
    """The households an import created or changed (themselves or through their
    members), in id order: read from its staging plans, after the commit, by the
    follow-up stage (``imports.services.derived``)."""
    return [
        row[0]
        for row in fetch(
            f"""SELECT h.id FROM {T.household_plans} sh
                JOIN {T.households} h ON h.id_keluarga = sh.id_keluarga
            WHERE sh.import_id = %s AND sh.action IN (1, 2)
            UNION
            SELECT h.id FROM {T.member_plans} sm
                JOIN {T.households} h ON h.id_keluarga = sm.id_keluarga
            WHERE sm.import_id = %s AND sm.action IN (1, 2)
            ORDER BY 1""",
            [import_id, import_id],
        )
    ]


def _phase(key: str) -> str:
    from django.utils.translation import gettext as _

    return {
        "groups": _("Menyimpan kelompok P2K2"),
        "households": _("Menyimpan keluarga"),
        "audit": _("Menulis jejak audit"),
        "members": _("Menyimpan anggota keluarga"),
        "components": _("Menyimpan komponen"),
    }[key]


# (phase shown on the progress bar, the steps of that phase), in order.
WRITE_STEPS = (
    ("groups", (write_settings, insert_new_fds_groups)),
    ("households", (insert_new_households,)),
    ("households", (record_facilitator_transfers, update_changed_households)),
    ("audit", (insert_household_audit_rows,)),
    ("members", (remove_pengurus_flags, update_changed_members)),
    ("members", (insert_new_members,)),
    ("components", (replace_member_components,)),
    ("audit", (insert_member_audit_rows, gin_flush)),
)


def apply(*, roster_import: RosterImport, progress: Progress, now: datetime.datetime) -> None:
    """Write the accepted families. The households that changed are read again after
    the commit (``changed_household_ids``), not inside the write transaction.

    Reads the plans in ``StagingHousehold`` / ``StagingMember``; new records are found
    again by their natural keys (ID_KELUARGA, NIK, both uniquely indexed) instead of
    writing their ids back into the staging tables.
    """
    ctx = WriteContext(roster_import=roster_import, progress=progress, now=now)
    total = len(WRITE_STEPS)
    for done, (phase, steps) in enumerate(WRITE_STEPS):
        progress.report(phase=_phase(phase), done=done, total=total)
        run_steps(steps, ctx, group="apply")
    progress.report(done=total)
