"""Quarterly self-graduation targets."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role, User
from graduation.models import QuarterlyTarget
from graduation.services.checks import require_supervisor


@transaction.atomic
def targets_set(
    *, by: User, year: int, quarter: int, targets: dict[int, int]
) -> list[QuarterlyTarget]:
    """Set the quarter's self-graduation target of each facilitator of ``by``'s team."""
    require_supervisor(by)
    if quarter not in (1, 2, 3, 4) or not 2000 <= year <= 2100:
        raise ValidationError(_("Triwulan tidak valid."))
    team = set(
        User.objects.filter(supervisor=by, role=Role.FACILITATOR).values_list("pk", flat=True)
    )
    errors = {}
    for facilitator_id, target in targets.items():
        if facilitator_id not in team:
            raise PermissionDenied(_("Pendamping ini bukan anggota tim Anda."))
        if target is None or target < 0:
            errors[f"target_{facilitator_id}"] = _("Target tidak boleh kurang dari nol.")
    if errors:
        raise ValidationError(errors)
    saved = []
    for facilitator_id, target in targets.items():
        row, _created = QuarterlyTarget.objects.update_or_create(
            facilitator_id=facilitator_id,
            year=year,
            quarter=quarter,
            defaults={"target": target, "set_by": by},
        )
        saved.append(row)
    return saved
