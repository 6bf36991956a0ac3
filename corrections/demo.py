"""Demo data for ``seed_demo``: a few corrections on the demo families, in every state a
user meets (a new baby waiting for the supervisor, a name correction waiting for the
admin, one returned to the facilitator, one approved). Idempotent: a second run adds
nothing."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from corrections import services
from corrections.models import Correction, Document, Event
from corrections.selectors import deciders_for
from households.models import Household, HouseholdStatus, Relationship, Sex


def _families(facilitator: User, n: int) -> list[Household]:
    return list(
        Household.objects.filter(facilitator=facilitator, status=HouseholdStatus.ACTIVE)
        .order_by("id_keluarga")
        .prefetch_related("members")[:n]
    )


@transaction.atomic
def corrections_demo(*, stdout) -> None:
    facilitator = User.objects.filter(username="pendamping1", role=Role.FACILITATOR).first()
    supervisor = facilitator.supervisor if facilitator else None
    if facilitator is None or supervisor is None:
        return
    if Correction.objects.filter(proposed_by=facilitator).exists():
        return
    families = _families(facilitator, 4)
    if len(families) < 4:
        return
    today = timezone.localdate()
    baby_family, name_family, returned_family, approved_family = families

    pengurus = next(m for m in baby_family.members.all() if m.is_pengurus)
    region6 = baby_family.village_id.replace(".", "")[:6]
    birth = today - datetime.timedelta(days=40)
    services.correction_propose_member_add(
        household=baby_family,
        by=facilitator,
        event=Event.BIRTH,
        document=Document.BIRTH,
        note="Bayi lahir di Puskesmas Jetis.",
        nik=f"{region6}{birth.day + 40:02d}{birth.month:02d}{birth.year % 100:02d}9001",
        name=f"Putri {pengurus.name.split()[-1]}",
        sex=Sex.FEMALE,
        birth_date=birth,
        relationship=Relationship.CHILD,
        is_pengurus=False,
        disability="",
        school_level="",
    )

    member = next(m for m in name_family.members.all() if not m.is_pengurus)
    services.correction_propose_identity(
        household=name_family,
        by=facilitator,
        member=member,
        document=Document.KTP,
        note="Ejaan nama di KTP berbeda.",
        name=member.name.replace("i", "y", 1) if "i" in member.name else member.name + "h",
    )

    leaving = next(m for m in returned_family.members.all() if not m.is_pengurus)
    correction, _ = services.correction_propose_member_leave(
        household=returned_family,
        by=facilitator,
        member=leaving,
        event=Event.MOVED,
        left_on=today - datetime.timedelta(days=10),
        document=Document.MOVE,
    )
    services.correction_return(
        correction=correction,
        by=supervisor,
        reason="Surat pindah belum ada; lampirkan foto surat keterangan pindah dari desa.",
    )

    correction, _ = services.correction_propose_identity(
        household=approved_family,
        by=facilitator,
        document=Document.KK,
        no_kk=approved_family.no_kk[:-4] + "0001"
        if not approved_family.no_kk.endswith("0001")
        else approved_family.no_kk[:-4] + "0002",
    )
    admins = deciders_for(correction=correction)
    if admins:
        services.correction_approve(correction=correction, by=admins[0])
    stdout.write("Koreksi data demo: 4 koreksi.")
