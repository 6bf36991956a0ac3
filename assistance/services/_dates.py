"""Dates shared by the writes of complementary aid."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


def _today() -> datetime.date:
    return timezone.localdate()


def _not_in_future(value: datetime.date | None, field: str) -> None:
    if value and value > _today():
        raise ValidationError({field: _("Tanggal tidak boleh di masa depan.")})
