"""The one place that decides which rows a user may see.

Every selector in every app filters through :func:`scope_q`. The rule:

* a facilitator sees the families assigned to them;
* a supervisor sees the families of the facilitators in their team;
* an admin sees the families whose village lies in one of their areas (a province,
  regency, district or village code);
* anyone else (no role, inactive) sees nothing.

"Not yours" and "does not exist" must look the same to the user: selectors return
scoped querysets and views use ``get_object_or_404`` on them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

if TYPE_CHECKING:
    from accounts.models import User

NOTHING = Q(pk__in=[])


def area_q(codes: list[str], *, village: str) -> Q:
    """Rows whose village code lies inside any of ``codes`` (Kemendagri, dotted)."""
    q = NOTHING
    for code in codes:
        q |= Q(**{village: code}) | Q(**{f"{village}__startswith": f"{code}."})
    return q


def scope_q(user: User, *, facilitator: str = "facilitator", village: str = "village__code") -> Q:
    """A filter for rows ``user`` may see.

    ``facilitator`` is the lookup path to the assigned facilitator and ``village`` the
    lookup path to the village code (e.g. ``household__village__code``; Django
    compares the foreign key column itself, without a join) from the model
    being filtered.
    """
    from accounts.models import Role

    if not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.role == Role.FACILITATOR:
        return Q(**{f"{facilitator}_id": user.pk})
    if user.role == Role.SUPERVISOR:
        return Q(**{f"{facilitator}__supervisor_id": user.pk})
    if user.role == Role.ADMIN:
        return area_q(user.area_codes, village=village)
    return NOTHING


def household_scope_q(user: User, prefix: str = "") -> Q:
    """``scope_q`` for a model that reaches Household through ``prefix`` (e.g. "household__")."""
    return scope_q(user, facilitator=f"{prefix}facilitator", village=f"{prefix}village__code")
