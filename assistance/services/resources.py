"""The resource directory (offices and services a facilitator refers families to)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from assistance.models import Aid, Resource
from assistance.selectors.resources import resource_editable_q
from pkh.permissions import may_manage_resources
from pkh.scoping import area_q

RESOURCE_FIELDS = (
    "name",
    "kind",
    "area",
    "contact_person",
    "phone",
    "email",
    "address",
    "notes",
    "is_active",
)


@transaction.atomic
def resource_save(
    *, resource: Resource | None = None, aids: Iterable[Aid] = (), by: User, **fields
) -> Resource:
    """Create or change an entry of the resource directory, inside the user's areas."""
    if not may_manage_resources(by):
        raise ValidationError(_("Hanya supervisor dan admin yang mengelola sistem sumber."))
    unknown = set(fields) - set(RESOURCE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Isian tidak dikenal: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    area = fields.get("area")
    if (
        area is None
        or not type(area).objects.filter(area_q(by.area_codes, village="code"), pk=area.pk).exists()
    ):
        raise ValidationError({"area": _("Wilayah ini di luar wilayah tugas Anda.")})
    if resource is None:
        resource = Resource(created_by=by)
    elif not Resource.objects.filter(resource_editable_q(by), pk=resource.pk).exists():
        raise ValidationError(_("Anda tidak dapat mengubah sistem sumber ini."))
    for name, value in fields.items():
        setattr(resource, name, value.strip() if isinstance(value, str) else value)
    if not resource.name:
        raise ValidationError({"name": _("Nama wajib diisi.")})
    resource._history_user = by
    resource.full_clean(exclude=["aids", "created_by"])
    resource.save()
    resource.aids.set(list(aids))
    return resource
