"""The objections bank (keberatan and their answers), curated by supervisors."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from graduation.models import Objection
from graduation.services.checks import require_supervisor

_TAG_SPLIT = re.compile(r"[,;]+")


@transaction.atomic
def objection_save(
    *, by: User, argument: str, answer: str, tags: str = "", objection: Objection | None = None
) -> Objection:
    require_supervisor(by)
    if not argument.strip() or not answer.strip():
        raise ValidationError(_("Keberatan dan jawaban wajib diisi."))
    tags = ", ".join(t.strip().lower() for t in _TAG_SPLIT.split(tags) if t.strip())
    if objection is None:
        objection = Objection(created_by=by)
    objection.argument, objection.answer, objection.tags = argument.strip(), answer.strip(), tags
    objection.updated_by = by
    objection.save()
    return objection


@transaction.atomic
def objection_archive(*, objection: Objection, by: User, archived: bool = True) -> Objection:
    """Archive (or restore) an objection: it leaves the search, links to it stay."""
    require_supervisor(by)
    objection.is_archived, objection.updated_by = archived, by
    objection.save(update_fields=["is_archived", "updated_by", "updated_at"])
    return objection
