"""Role checks for views. Object access is scoped in selectors (404), roles here (403).

The national catalogues (issue 19): the aid catalogue (``assistance.Aid``), the P2K2
module curriculum (``fds_sessions.FdsModule`` and its sessions) and the welfare
assessment form (``graduation.AssessmentForm``, its groups, indicators and answers) are
national programme definitions, the same for every region. Everyone with a role reads
them; only a national catalogue keeper (:func:`can_edit_national_catalogue`) changes
them. A regional admin is not one: an edit would change what every region uses. Things
that are regional (the resource directory, *sistem sumber*) stay scoped in
``pkh/scoping.py`` and the selectors.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied


def can_edit_national_catalogue(user) -> bool:
    """May ``user`` change a national catalogue? Only an active superuser: the national
    programme's catalogue keeper. Accounts have no national area (an admin's areas are
    a province or a regency), so no app role qualifies.

    The one rule for views (403), services (refused) and templates (``can_edit``)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "is_superuser", False)
    )


def role_required(*roles: str, allow: Callable[..., bool] | None = None) -> Callable:
    """403 unless the user has one of ``roles`` (or ``allow(user)`` is true)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if getattr(request.user, "role", None) not in roles and not (
                allow is not None and allow(request.user)
            ):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def national_catalogue_keeper_required(view: Callable) -> Callable:
    """403 for anyone who may not change a national catalogue (GET and POST alike)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not can_edit_national_catalogue(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


class RoleRequiredMixin:
    """For class-based views: ``allowed_roles = (Role.ADMIN, ...)``."""

    allowed_roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if getattr(request.user, "role", None) not in self.allowed_roles:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# --- who may act on a family ----------------------------------------------------------
# The action rules of the graduation app (views show or hide the action, services refuse
# it). Which rows a user may see at all is ``pkh/scoping.py``.


def is_supervisor(user) -> bool:
    """Supervisors set their team's targets and curate the objections bank."""
    from accounts.models import Role

    return getattr(user, "role", None) == Role.SUPERVISOR


def is_family_facilitator(user, household) -> bool:
    """The family's own facilitator: the one who assesses it, puts it on the pipeline,
    proposes its graduation, confirms a natural graduation and records monitoring."""
    from accounts.models import Role

    return getattr(user, "role", None) == Role.FACILITATOR and household.facilitator_id == user.pk


def can_decide_graduation(user, proposal) -> bool:
    """Only the supervisor of the family's facilitator decides a graduation proposal, and
    never on one they submitted; never a facilitator."""
    facilitator = proposal.household.facilitator
    return (
        is_supervisor(user)
        and facilitator is not None
        and facilitator.supervisor_id == user.pk
        and proposal.submitted_by_id != user.pk
    )
