"""The data: caseloads, users in teams, FDS groups, then the families (``families``)
and their audit trail."""

from __future__ import annotations

import math
import random

from bench.seed.families import _write_families
from bench.seed.vocabulary import (
    BIG_CASELOAD,
    FAMILIES_PER_FDS_GROUP,
    PASSWORD,
    SMALL_CASELOAD,
    VILLAGES_PER_FACILITATOR,
    _person,
)


def _caseloads(families: int, facilitators: int) -> list[int]:
    """Families per facilitator: first exactly 400, last 10, the rest shared evenly."""
    if facilitators == 1:
        return [families]
    big = min(BIG_CASELOAD, families // 2)
    small = min(SMALL_CASELOAD, max(families - big, 0) // facilitators)
    counts = [big] + [0] * (facilitators - 2) + [small]
    rest = families - big - small
    middle = facilitators - 2
    if middle == 0:
        counts[0] += rest
    else:
        base, extra = divmod(rest, middle)
        for i in range(1, facilitators - 1):
            counts[i] = base + (1 if i - 1 < extra else 0)
    return counts


def _seed(params: dict, say) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import Role, User
    from fds_sessions.models import FdsGroup
    from regions.models import Region

    rng = random.Random(params["random_seed"])
    region_code = params["region"]
    n_fac = params["facilitators"]
    team_size = params["team_size"]
    n_sup = math.ceil(n_fac / team_size)
    today = timezone.localdate()
    now = timezone.now().isoformat()

    region = Region.objects.filter(code=region_code).first()
    if region is None or region.level > 2:
        raise ValueError(f"region {region_code!r} must be a loaded province or regency code")
    villages = list(
        Region.objects.filter(level=4, code__startswith=f"{region_code}.")
        .order_by("code")
        .values_list("code", "name")
    )

    # Users: one admin, supervisors, facilitators (one password hash for all: fast).
    say(f"users: 1 admin, {n_sup} supervisors, {n_fac} facilitators")
    password = make_password(PASSWORD)

    def user(username: str, role: str, sex: str, **extra) -> User:
        name = _person(rng, sex).split(" ", 1)
        return User(
            username=username,
            password=password,
            role=role,
            first_name=name[0],
            last_name=name[1] if len(name) > 1 else "",
            email=f"{username}@pkh.invalid",
            **extra,
        )

    admin = user("bench_admin", Role.ADMIN, "P")
    admin.save()
    admin.areas.add(region_code)
    supervisors = User.objects.bulk_create(
        [user(f"bench_spv{i + 1:03d}", Role.SUPERVISOR, rng.choice("LP")) for i in range(n_sup)]
    )
    facs = User.objects.bulk_create(
        [
            user(
                f"bench_pdp{i + 1:04d}",
                Role.FACILITATOR,
                rng.choice("LP"),
                supervisor=supervisors[i // team_size],
            )
            for i in range(n_fac)
        ]
    )

    # Each facilitator covers a contiguous run of villages (neighbours share a team), at
    # most 12 as in the field, even when few facilitators are seeded.
    per = max(1, min(len(villages) // n_fac, VILLAGES_PER_FACILITATOR))
    fac_villages = [
        [villages[(i * per + k) % len(villages)] for k in range(per)] for i in range(n_fac)
    ]
    Through = User.areas.through
    Through.objects.bulk_create(
        [
            Through(user_id=f.pk, region_id=code)
            for f, vs in zip(facs, fac_villages, strict=True)
            for code, _name in vs
        ]
    )

    caseloads = _caseloads(params["families"], n_fac)
    say(f"FDS groups (~{FAMILIES_PER_FDS_GROUP} families each)")
    groups = FdsGroup.objects.bulk_create(
        [
            FdsGroup(facilitator=f, name=f"Kelompok {fac_villages[i][g % per][1]} {g + 1}")
            for i, f in enumerate(facs)
            for g in range(math.ceil(caseloads[i] / FAMILIES_PER_FDS_GROUP))
        ],
        batch_size=5000,
    )
    groups_by_fac: dict[int, list[int]] = {}
    for g in groups:
        groups_by_fac.setdefault(g.facilitator_id, []).append(g.pk)

    counts = _write_families(
        params=params,
        rng=rng,
        facs=facs,
        caseloads=caseloads,
        fac_villages=fac_villages,
        groups_by_fac=groups_by_fac,
        today=today,
        now=now,
        say=say,
    )
    if params["history"]:
        say("audit trail: one 'created' row per family, member and visit")
        _write_history(admin_id=admin.pk)

    supervisor = supervisors[0]
    return {
        "admin": admin.pk,
        "supervisor": supervisor.pk,
        "facilitator": facs[0].pk,
        "small_facilitator": facs[-1].pk if n_fac > 1 else facs[0].pk,
        "facilitator_families": caseloads[0],
        "small_facilitator_families": caseloads[-1],
        "supervisor_team_size": sum(1 for f in facs if f.supervisor_id == supervisor.pk),
        "facilitators": n_fac,
        "supervisors": n_sup,
        "region": region_code,
        "password": PASSWORD,
        **counts,
    }


def _write_history(*, admin_id: int) -> None:
    """One '+' audit row per family, member and visit, as an import by the admin would."""
    from django.db import connection

    from households.models import Household, Member, Visit

    for model in (Household, Member, Visit):
        history = model.history.model
        columns = [
            f.column for f in history._meta.concrete_fields if not f.column.startswith("history_")
        ]
        cols = ", ".join(columns)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {history._meta.db_table} "
                f"({cols}, history_date, history_type, history_user_id, history_change_reason) "
                f"SELECT {cols}, created_at, '+', %s, 'bench seed' FROM {model._meta.db_table}",
                [admin_id],
            )
