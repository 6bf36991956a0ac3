"""Writes to users: creating and changing facilitators, supervisors and admins."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role, User
from pkh.permissions import is_admin, is_supervisor, may_manage_users
from pkh.scoping import area_q
from regions.models import Region


def _check_assignment(
    *, role: str, supervisor: User | None, areas: list[Region], by: User | None
) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("Peran tidak dikenal.")})
    if supervisor is not None:
        if role != Role.FACILITATOR:
            raise ValidationError({"supervisor": _("Hanya pendamping yang memiliki supervisor.")})
        if not is_supervisor(supervisor):
            raise ValidationError({"supervisor": _("Pengguna ini bukan supervisor.")})
    if by is None:  # command-line provisioning: no region limit
        return
    if not may_manage_users(by):
        raise ValidationError(_("Hanya admin yang dapat mengelola pengguna."))
    if role == Role.ADMIN:
        raise ValidationError({"role": _("Admin baru dibuat lewat perintah add_user.")})
    if not areas:
        raise ValidationError({"areas": _("Pilih minimal satu wilayah tugas.")})
    allowed = set(
        Region.objects.filter(
            area_q(by.area_codes, village="code"), pk__in=[a.pk for a in areas]
        ).values_list("pk", flat=True)
    )
    outside = [a.code for a in areas if a.pk not in allowed]
    if outside:
        raise ValidationError(
            {"areas": _("Wilayah di luar wilayah Anda: %(codes)s.") % {"codes": ", ".join(outside)}}
        )
    if supervisor is not None:
        from accounts.selectors import supervisor_list

        if not supervisor_list(user=by).filter(pk=supervisor.pk).exists():
            raise ValidationError({"supervisor": _("Supervisor ini tidak ada di wilayah Anda.")})


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    by: User | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    phone: str = "",
    supervisor: User | None = None,
    areas: Iterable[Region] = (),
) -> User:
    """Create a user with a role. ``by=None`` is command-line provisioning."""
    areas = list(areas)
    _check_assignment(role=role, supervisor=supervisor, areas=areas, by=by)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("Nama pengguna ini sudah dipakai.")})
    user = User(
        username=username,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        supervisor=supervisor,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.areas.set(areas)
    return user


@transaction.atomic
def user_update(
    *,
    user: User,
    by: User,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    phone: str = "",
    supervisor: User | None = None,
    areas: Iterable[Region] = (),
    is_active: bool = True,
) -> User:
    areas = list(areas)
    if is_admin(user):
        raise ValidationError(_("Akun admin tidak diubah dari halaman ini."))
    _check_assignment(role=role, supervisor=supervisor, areas=areas, by=by)
    if is_supervisor(user) and role != Role.SUPERVISOR and user.team.exists():
        raise ValidationError(
            {"role": _("Supervisor ini masih memimpin tim; pindahkan timnya dulu.")}
        )
    if not is_active and user.households.exists():
        raise ValidationError(
            {"is_active": _("Pendamping ini masih memegang keluarga; pindahkan dulu keluarganya.")}
        )
    user.role, user.first_name, user.last_name = role, first_name, last_name
    user.email, user.phone, user.supervisor, user.is_active = email, phone, supervisor, is_active
    user.full_clean(exclude=["password"])
    user.save()
    user.areas.set(areas)
    return user
