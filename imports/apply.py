"""Write an import into the registry: bulk upserts from the staging tables, in SQL.

Called inside the import's one transaction, under the import lock, after
``check_registry`` has computed the diff. Only families without a rejected row
(``StagingFamily.rejected = 0``) are written; only created or changed records get a
row in the audit trail (``households_historicalhousehold`` /
``households_historicalmember``, with the importing admin and the import named in
``history_change_reason``). Column lists are taken from the models, so a field added
to Household or Member later gets its default here without a change.
"""

from __future__ import annotations

import datetime
import uuid

from django.apps import apps
from django.db import connection

from fds_sessions.models import FdsGroup
from households.models import Household, HouseholdTransfer, Member
from imports.checks import MC, SH, SM, F, H, M, R, component_bits_table
from imports.models import RosterImport
from imports.progress import Progress
from pkh.sql import Dialect, fetch, insert_history, insert_select, run


def apply(*, roster_import: RosterImport, progress: Progress, now: datetime.datetime) -> set[int]:
    """Write the accepted families; returns the ids of the households that changed.

    Reads the plans in ``StagingHousehold`` / ``StagingMember``; new records are found
    again by their natural keys (ID_KELUARGA, NIK, both uniquely indexed) instead of
    writing their ids back into the staging tables.
    """
    d = Dialect()
    imp = roster_import.pk
    by = roster_import.created_by_id
    reason = roster_import.change_reason
    ts = Household._meta.get_field("updated_at").get_db_prep_save(now, connection)
    steps = 9
    plan = f"JOIN {F} f ON f.import_id = sh.import_id AND f.id_keluarga = sh.id_keluarga"
    member_row = f"JOIN {R} r ON r.import_id = sm.import_id AND r.nik = sm.nik AND r.line = sm.line"

    write_settings()

    # 1. New FDS groups (few): through the ORM, so FdsGroup's own defaults apply.
    progress.report(phase=_phase("groups"), done=0, total=steps)
    wanted = fetch(
        f"""SELECT DISTINCT f.group_name, sh.facilitator_final FROM {SH} sh {plan}
        WHERE sh.import_id = %s AND f.group_name IS NOT NULL AND sh.fds_group_id IS NULL""",
        [imp],
    )
    if wanted:
        FdsGroup.objects.bulk_create(
            [FdsGroup(name=name, facilitator_id=fac) for name, fac in wanted],
            ignore_conflicts=True,
        )
        run(
            f"""UPDATE {SH} SET fds_group_id = (
                SELECT g.id FROM fds_sessions_fdsgroup g JOIN {F} f
                    ON f.import_id = {SH}.import_id AND f.id_keluarga = {SH}.id_keluarga
                WHERE g.facilitator_id = {SH}.facilitator_final AND g.name = f.group_name)
            WHERE import_id = %s AND fds_group_id IS NULL AND id_keluarga IN (
                SELECT id_keluarga FROM {F} WHERE import_id = %s AND group_name IS NOT NULL)""",
            [imp, imp],
        )

    # 2. New households.
    bits = component_bits_table()
    component_masks = f"""SELECT mr.id_keluarga, SUM(DISTINCT hc.flag) AS mask
        FROM {SM} msm
            JOIN {R} mr ON mr.import_id = msm.import_id AND mr.nik = msm.nik
                AND mr.line = msm.line
            JOIN ({bits}) c ON (mr.components & c.bit) <> 0
            JOIN households_component hc ON hc.code = c.code
        WHERE msm.import_id = %s AND msm.action = 1 AND mr.components IS NOT NULL
        GROUP BY mr.id_keluarga"""
    progress.report(phase=_phase("households"), done=1)
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
            "pengurus_name_cache": (
                f"""(SELECT pr.name FROM {R} pr WHERE pr.import_id = sh.import_id
                    AND pr.id_keluarga = sh.id_keluarga AND pr.line = sh.pengurus_line)""",
                [],
            ),
        },
        f"""FROM {SH} sh {plan}
            LEFT JOIN ({component_masks}) cm ON cm.id_keluarga = sh.id_keluarga
        WHERE sh.import_id = %s AND sh.action = 1 ORDER BY f.first_line""",
        [imp, imp],
        now,
    )

    # 3. Changed households: a transfer record when the facilitator changes, then update.
    progress.report(phase=_phase("households"), done=2)
    batch = HouseholdTransfer._meta.get_field("batch").get_db_prep_save(uuid.uuid4(), connection)
    run(
        f"""INSERT INTO {HouseholdTransfer._meta.db_table}
            (household_id, from_facilitator_id, to_facilitator_id, moved_by_id, moved_at,
             batch, reason)
        SELECT h.id, h.facilitator_id, sh.facilitator_final, %s, %s, %s, %s
        FROM {SH} sh JOIN {H} h ON h.id = sh.household_id
        WHERE sh.import_id = %s AND sh.action = 2 AND sh.facilitator_final IS NOT NULL
            AND h.facilitator_id {d.distinct} sh.facilitator_final""",
        [by, ts, batch, reason, imp],
    )
    run(
        f"""UPDATE {H} SET no_kk = f.no_kk, village_id = f.village_code,
            address = COALESCE(f.address, {H}.address), rt = COALESCE(f.rt, {H}.rt),
            rw = COALESCE(f.rw, {H}.rw), phone = COALESCE(f.phone, {H}.phone),
            facilitator_id = sh.facilitator_final, fds_group_id = sh.fds_group_id,
            updated_at = %s
        FROM {SH} sh {plan}
        WHERE sh.import_id = %s AND sh.action = 2 AND {H}.id = sh.household_id""",
        [ts, imp],
    )

    # 4. Audit rows for created and changed households.
    progress.report(phase=_phase("audit"), done=3)
    insert_history(
        Household,
        source_alias="h",
        from_sql=f"""FROM {SH} sh JOIN {H} h ON h.id_keluarga = sh.id_keluarga
            WHERE sh.import_id = %s AND sh.action IN (1, 2)""",
        from_params=[imp],
        history_type_sql="CASE WHEN sh.action = 1 THEN '+' ELSE '~' END",
        when=now,
        reason=reason,
        user_id=by,
    )

    # 5. Members: first take the pengurus flag from those who lose it (one per family),
    # then update the changed members, then insert the new ones.
    progress.report(phase=_phase("members"), done=4)
    run(
        f"""UPDATE {M} SET is_pengurus = FALSE, updated_at = %s FROM {SM} sm
        WHERE sm.import_id = %s AND sm.action = 2 AND sm.is_pengurus_final = 0
            AND {M}.id = sm.member_id AND {M}.is_pengurus = TRUE""",
        [ts, imp],
    )
    run(
        f"""UPDATE {M} SET name = r.name, name_normalized = r.name_normalized, sex = r.sex,
            birth_date = r.birth_date,
            relationship = COALESCE(r.relationship, {M}.relationship),
            is_pengurus = COALESCE(sm.is_pengurus_final = 1, {M}.is_pengurus),
            updated_at = %s
        FROM {SM} sm {member_row}
        WHERE sm.import_id = %s AND sm.action = 2 AND sm.line > 0 AND {M}.id = sm.member_id""",
        [ts, imp],
    )
    progress.report(phase=_phase("members"), done=5)
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
        f"""FROM {SM} sm {member_row} JOIN {H} h ON h.id_keluarga = sm.id_keluarga
        WHERE sm.import_id = %s AND sm.action = 1 ORDER BY sm.line""",
        [imp],
        now,
    )

    # 6. Components of created and changed members (only the roster's seven codes).
    progress.report(phase=_phase("components"), done=6)
    run(
        f"""DELETE FROM {MC} WHERE member_id IN (
                SELECT sm.member_id FROM {SM} sm {member_row}
                WHERE sm.import_id = %s AND sm.action = 2 AND r.components IS NOT NULL)
            AND component_id IN (SELECT code FROM ({bits}) c)""",
        [imp],
    )
    run(
        f"""INSERT INTO {MC} (member_id, component_id)
        SELECT m.id, c.code FROM {SM} sm {member_row}
            JOIN {M} m ON m.nik = sm.nik
            JOIN ({bits}) c ON (r.components & c.bit) <> 0
            JOIN households_component hc ON hc.code = c.code
        WHERE sm.import_id = %s AND sm.action IN (1, 2) AND r.components IS NOT NULL""",
        [imp],
    )

    # 7. Audit rows for created and changed members, with their components.
    progress.report(phase=_phase("audit"), done=7)
    insert_history(
        Member,
        source_alias="m",
        from_sql=f"""FROM {SM} sm JOIN {M} m ON m.nik = sm.nik
            WHERE sm.import_id = %s AND sm.action IN (1, 2)""",
        from_params=[imp],
        history_type_sql="CASE WHEN sm.action = 1 THEN '+' ELSE '~' END",
        when=now,
        reason=reason,
        user_id=by,
    )
    hm = Member.history.model._meta.db_table
    m2m = apps.get_model("households", "HistoricalMember_components")
    when = Member.history.model._meta.get_field("history_date").get_db_prep_save(now, connection)
    run(
        f"""INSERT INTO {m2m._meta.db_table} (id, component_id, history_id, member_id)
        SELECT mc.id, mc.component_id, hm.history_id, mc.member_id
        FROM {hm} hm JOIN {MC} mc ON mc.member_id = hm.id
        WHERE hm.history_date = %s AND hm.history_change_reason = %s""",
        [when, reason],
    )

    gin_flush()

    # 8. The households that changed (themselves or through their members).
    progress.report(phase=_phase("done"), done=8)
    ids = {
        row[0]
        for row in fetch(
            f"""SELECT h.id FROM {SH} sh JOIN {H} h ON h.id_keluarga = sh.id_keluarga
            WHERE sh.import_id = %s AND sh.action IN (1, 2)
            UNION
            SELECT h.id FROM {SM} sm JOIN {H} h ON h.id_keluarga = sm.id_keluarga
            WHERE sm.import_id = %s AND sm.action IN (1, 2)""",
            [imp, imp],
        )
    }
    progress.report(done=steps)
    return ids


# The caseload's trigram index on member names (households migration 0003).
NAME_TRIGRAM_INDEX = "member_name_trgm"


def write_settings() -> None:
    """PostgreSQL, for this transaction only: a large pending list for the trigram GIN
    index, so that new names are merged into it in a few large batches (in work_mem)
    instead of one small merge every 4 MB of new entries."""
    if connection.vendor == "postgresql":
        run("SET LOCAL gin_pending_list_limit = '256MB'")
        run("SET LOCAL work_mem = '256MB'")


def gin_flush() -> None:
    """Merge the trigram index's pending list before commit: a search scans the pending
    list entry by entry, so it must not be left full for the caseload."""
    if connection.vendor == "postgresql":
        fetch(
            "SELECT gin_clean_pending_list(to_regclass(%s)) WHERE to_regclass(%s) IS NOT NULL",
            [NAME_TRIGRAM_INDEX, NAME_TRIGRAM_INDEX],
        )


def _phase(key: str) -> str:
    from django.utils.translation import gettext as _

    return {
        "groups": _("Menyimpan kelompok P2K2"),
        "households": _("Menyimpan keluarga"),
        "audit": _("Menulis jejak audit"),
        "members": _("Menyimpan anggota keluarga"),
        "components": _("Menyimpan komponen"),
        "done": _("Menyelesaikan"),
    }[key]
