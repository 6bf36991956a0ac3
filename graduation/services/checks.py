"""Checks shared by the graduation writes: who may act (the rules live in
``pkh.permissions``; here they become ``PermissionDenied``), dates and the family lock."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from households.models import Household
from pkh.permissions import can_edit_national_catalogue, is_family_facilitator, is_supervisor


def not_in_future(value: datetime.date | None, field: str) -> None:
    if value and value > timezone.localdate():
        raise ValidationError({field: _("Tanggal tidak boleh di masa depan.")})


def require_family_facilitator(household: Household, by: User) -> None:
    if not is_family_facilitator(by, household):
        raise PermissionDenied(_("Hanya pendamping keluarga ini yang dapat melakukannya."))


def require_catalogue_keeper(by: User) -> None:
    if not can_edit_national_catalogue(by):
        raise PermissionDenied(
            _(
                "Formulir penilaian berlaku nasional: hanya pengelola katalog nasional yang dapat mengubahnya."
            )
        )


def require_supervisor(by: User) -> None:
    if not is_supervisor(by):
        raise PermissionDenied(_("Hanya supervisor yang dapat melakukannya."))


def lock_household(household: Household) -> Household:
    """The family row, locked until the end of the transaction: writes that check its
    status (or add its assessment) run one at a time per family."""
    return Household.objects.select_for_update().get(pk=household.pk)
