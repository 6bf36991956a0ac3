"""Schools and health facilities, added by the facilitators who verify at them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from commitments.models import HealthFacility, School
from pkh.permissions import is_admin, is_facilitator
from regions.models import Region


def _may_add(by) -> None:
    if not (is_facilitator(by) or is_admin(by)):
        raise ValidationError(_("Hanya pendamping atau admin yang dapat menambah tempat."))


def school_create(*, by, name: str, level: str, village: Region, npsn: str = "") -> School:
    _may_add(by)
    name = " ".join(name.split())
    if npsn and School.objects.filter(npsn=npsn).exists():
        raise ValidationError({"npsn": _("Sekolah dengan NPSN ini sudah ada.")})
    try:
        with transaction.atomic():
            return School.objects.create(name=name, level=level, village=village, npsn=npsn)
    except IntegrityError:
        raise ValidationError(
            {"name": _("Sekolah dengan nama dan jenjang ini sudah ada di desa tersebut.")}
        ) from None


def facility_create(*, by, name: str, kind: str, village: Region) -> HealthFacility:
    _may_add(by)
    name = " ".join(name.split())
    try:
        with transaction.atomic():
            return HealthFacility.objects.create(name=name, kind=kind, village=village)
    except IntegrityError:
        raise ValidationError(
            {"name": _("Fasilitas dengan nama dan jenis ini sudah ada di desa tersebut.")}
        ) from None
