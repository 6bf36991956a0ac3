"""After a committed import: the file's KIP/KIS/SEMBAKO/KKS statuses, handed to the aid
module (the first step of the follow-up stage)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from assistance import eligibility
from imports.apply import plan_row
from imports.checks import pipeline as checks
from imports.checks.pipeline import fetch
from imports.models import RosterImport
from imports.tables import T

AID_MEMBER_CODES = (("kip", "KIP"), ("kis", "KIS"))
AID_HOUSEHOLD_CODES = (("sembako", "SEMBAKO"), ("kks", "KKS"))


def roster_import_aid_flags(
    *, roster_import: RosterImport
) -> tuple[dict[int, dict[str, bool]], dict[int, dict[str, bool]]]:
    """The KIP/KIS (per member) and SEMBAKO/KKS (per family) values of a committed import,
    for ``assistance.services.roster.roster_aid_apply(member_flags=..., household_flags=...)``.

    Keys are Member / Household pks; only flags the file gave (Y or T) appear, only for
    the families that were written.
    """
    if not roster_import.committed:
        raise ValidationError(_("Impor ini belum tersimpan."))
    if roster_import.staging_cleared:
        raise ValidationError(_("Data sementara impor ini sudah dihapus."))
    member_flags: dict[int, dict[str, bool]] = {}
    for member_id, kip, kis in fetch(
        f"""SELECT m.id, r.kip, r.kis FROM {T.member_plans} sm
            {plan_row()}
            JOIN {T.members} m ON m.nik = sm.nik
        WHERE sm.import_id = %s AND sm.line > 0 AND (r.kip IS NOT NULL OR r.kis IS NOT NULL)""",
        [roster_import.pk],
    ):
        flags = {}
        if kip is not None:
            flags["KIP"] = bool(kip)
        if kis is not None:
            flags["KIS"] = bool(kis)
        member_flags[member_id] = flags
    household_flags: dict[int, dict[str, bool]] = {}
    for household_id, sembako, kks in fetch(
        f"""SELECT h.id, f.sembako, f.kks FROM {T.household_plans} sh
            JOIN {T.families} f ON f.import_id = sh.import_id AND f.id_keluarga = sh.id_keluarga
            JOIN {T.households} h ON h.id_keluarga = sh.id_keluarga
        WHERE sh.import_id = %s AND (f.sembako IS NOT NULL OR f.kks IS NOT NULL)""",
        [roster_import.pk],
    ):
        flags = {}
        if sembako is not None:
            flags["SEMBAKO"] = bool(sembako)
        if kks is not None:
            flags["KKS"] = bool(kks)
        household_flags[household_id] = flags
    return member_flags, household_flags


def roster_import_aid_stage(*, roster_import: RosterImport) -> int:
    """The same statuses as ``roster_import_aid_flags``, put straight into the aid
    module's temporary table (``assistance.eligibility.wanted_table``) by one
    ``INSERT ... SELECT`` from the staging tables, for ``roster_aid_apply_staged``."""
    table = eligibility.wanted_table()
    imp = roster_import.pk
    # One pass over the members for both per-member aids (k.n: 1 = KIP, 2 = KIS).
    return checks.run(
        f"""INSERT INTO {table} (aid_id, household_id, member_id, member_key, receiving)
        SELECT aid_id, household_id, member_id, member_key, receiving FROM (
            SELECT CASE WHEN k.n = 1 THEN 'KIP' ELSE 'KIS' END AS aid_id,
                m.household_id, m.id AS member_id, m.id AS member_key,
                CASE WHEN k.n = 1 THEN r.kip ELSE r.kis END AS receiving
            FROM {T.member_plans} sm
                {plan_row()}
                JOIN {T.members} m ON m.nik = sm.nik
                CROSS JOIN (SELECT 1 AS n UNION ALL SELECT 2) k
            WHERE sm.import_id = %s AND sm.line > 0
                AND (r.kip IS NOT NULL OR r.kis IS NOT NULL)
        ) x WHERE receiving IS NOT NULL
        UNION ALL
        SELECT CASE WHEN k.n = 1 THEN 'SEMBAKO' ELSE 'KKS' END, h.id, NULL, 0,
            CASE WHEN k.n = 1 THEN f.sembako ELSE f.kks END
        FROM {T.household_plans} sh
            JOIN {T.families} f ON f.import_id = sh.import_id AND f.id_keluarga = sh.id_keluarga
            JOIN {T.households} h ON h.id_keluarga = sh.id_keluarga
            CROSS JOIN (SELECT 1 AS n UNION ALL SELECT 2) k
        WHERE sh.import_id = %s
            AND CASE WHEN k.n = 1 THEN f.sembako ELSE f.kks END IS NOT NULL""",
        [imp, imp],
    )
