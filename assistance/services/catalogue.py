"""The national aid catalogue."""

from __future__ import annotations

import re
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from assistance.models import Aid, EligibilityRule
from pkh.permissions import can_edit_national_catalogue
from pkh.queue import publish

AID_FIELDS = (
    "name",
    "ministry",
    "unit",
    "eligibility",
    "min_age",
    "max_age",
    "card_label",
    "card_pattern",
    "card_hint",
    "summary",
    "regulation",
    "is_active",
    "order",
)


@transaction.atomic
def aid_save(*, aid: Aid | None = None, code: str = "", components=(), by: User, **fields) -> Aid:
    """Create (``aid=None``) or change a catalogue entry; national catalogue keepers only
    (the catalogue is national: ``pkh.permissions.can_edit_national_catalogue``).

    A change of rule refreshes every family's stored eligibility after commit (a
    Celery task: in the background when a broker is configured).
    """
    if not can_edit_national_catalogue(by):
        raise ValidationError(
            _(
                "Katalog bantuan berlaku nasional: hanya pengelola katalog nasional yang dapat mengubahnya."
            )
        )
    unknown = set(fields) - set(AID_FIELDS)
    if unknown:
        raise ValidationError(
            _("Isian tidak dikenal: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    pattern = fields.get("card_pattern", "")
    if pattern:
        try:
            re.compile(pattern)
        except re.error:
            raise ValidationError({"card_pattern": _("Format (regex) tidak sah.")})
        if not fields.get("card_label"):
            raise ValidationError({"card_label": _("Isi nama nomor kartu untuk format ini.")})
    lo, hi = fields.get("min_age"), fields.get("max_age")
    if lo is not None and hi is not None and lo > hi:
        raise ValidationError({"max_age": _("Usia maksimal harus tidak kurang dari usia minimal.")})
    components = list(components)
    if fields.get("eligibility") == EligibilityRule.COMPONENTS and not components:
        raise ValidationError({"components": _("Pilih minimal satu komponen untuk aturan ini.")})
    if aid is None:
        code = code.strip().upper()
        if not re.fullmatch(r"[A-Z0-9_]{2,12}", code):
            raise ValidationError({"code": _("Kode 2-12 huruf besar/angka.")})
        if Aid.objects.filter(code=code).exists():
            raise ValidationError({"code": _("Kode ini sudah dipakai.")})
        aid = Aid(code=code)
    elif "unit" in fields and fields["unit"] != aid.unit and aid.enrolments.exists():
        raise ValidationError(
            {"unit": _("Sasaran tidak dapat diubah setelah ada status bantuan tercatat.")}
        )
    for name, value in fields.items():
        setattr(aid, name, value)
    aid._history_user = by
    aid.full_clean(exclude=["components"])
    aid.save()
    aid.components.set(components)
    from assistance.tasks import aid_eligibility_refresh_all

    # If the broker is down the change stays saved; the nightly refresh catches up.
    transaction.on_commit(partial(publish, aid_eligibility_refresh_all))
    return aid
