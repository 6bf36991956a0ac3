"""Role checks for views. Object access is scoped in selectors (404), roles here (403).

The national catalogues (issue 19): the aid catalogue (``assistance.Aid``), the P2K2
module curriculum (``fds_sessions.FdsModule`` and its sessions) and the welfare
assessment form (``graduation.AssessmentForm``, its groups, indicators and answers) are
national programme definitions, the same for every region. Everyone with a role reads
them; only a national catalogue keeper (:func:`can_edit_national_catalogue`) changes
them. A regional admin is not one: an edit would change what every region uses. Things
that are regional (the resource directory, *sistem sumber*) stay scoped in
``pkh/scoping.py`` and the selectors.

**Where the rules live.** ``pkh/scoping.py`` decides what a user may *see* (selectors
filter through it: "not yours" is 404). This module decides what a user may *do* with
what they see: every action rule is one named predicate here, ``may_<verb>_<noun>(user,
...)``, used alike by views (403 or a hidden button), services (``ValidationError``)
and templates (a ``can_<verb>`` flag the view passes). The role sets that views gate
with ``role_required`` are named here once. Nothing outside this module, the scoping
module, the selectors and ``accounts.models`` compares ``user.role``
(``pkh/tests/test_permissions_guard.py`` fails if something does).

A predicate that takes an object assumes the object came through a scoped selector
(the user may see it); it answers whether they may act on it. Sections follow the
domain: roles, households, assistance, FDS, imports, reports, accounts; graduation's
rules join in a section of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied

from accounts.models import Role


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


# ---------------------------------------------------------------- roles
# The role sets that views gate on (``role_required(*LEADS)``) and the menu shows to.

FACILITATORS = (Role.FACILITATOR,)
SUPERVISORS = (Role.SUPERVISOR,)
ADMINS = (Role.ADMIN,)
LEADS = (Role.SUPERVISOR, Role.ADMIN)  # they oversee facilitators' work
FAMILY_EDITORS = (Role.FACILITATOR, Role.ADMIN)  # they change family data
EVERY_ROLE = (Role.FACILITATOR, Role.SUPERVISOR, Role.ADMIN)


def _role(user) -> str | None:
    return getattr(user, "role", None)


def is_facilitator(user) -> bool:
    return _role(user) == Role.FACILITATOR


def is_supervisor(user) -> bool:
    return _role(user) == Role.SUPERVISOR


def is_admin(user) -> bool:
    """A regional admin (the app role; not Django's superuser)."""
    return _role(user) == Role.ADMIN


def is_lead(user) -> bool:
    """A supervisor or an admin: someone who oversees facilitators (team pages, audit)."""
    return _role(user) in LEADS


# ---------------------------------------------------------------- households


def is_owner(user, household) -> bool:
    """``user`` carries the family: it is assigned to them (whatever their role now)."""
    pk = getattr(user, "pk", None)
    return pk is not None and household.facilitator_id == pk


def may_log_visit(user, household) -> bool:
    """Only the family's own facilitator logs (and edits) its home visits."""
    return is_facilitator(user) and is_owner(user, household)


def may_edit_visit(user, visit) -> bool:
    """Only the facilitator who logged a visit changes it (and only on a family they
    still carry: :func:`may_log_visit`, checked by the service)."""
    pk = getattr(user, "pk", None)
    return pk is not None and visit.facilitator_id == pk


def may_edit_household(user, household) -> bool:
    """Contact data and members: the family's facilitator, or an admin of its region
    (``household`` comes from a scoped selector, so a facilitator sees only their own).
    Supervisors read."""
    if is_facilitator(user):
        return is_owner(user, household)
    return is_admin(user)


def may_change_household_status(user) -> bool:
    """Suspended, graduated, exited: an admin's decision."""
    return is_admin(user)


def may_see_audit(user) -> bool:
    """The family page's audit trail (who changed what): supervisors and admins."""
    return is_lead(user)


def may_transfer(user) -> bool:
    """Moving families between facilitators: admins, within their region."""
    return is_admin(user)


# ---------------------------------------------------------------- assistance


def may_edit_aid(user, household) -> bool:
    """The family's facilitator and the admins of its region set aid statuses;
    supervisors read."""
    if is_facilitator(user):
        return is_owner(user, household)
    if is_admin(user):
        from pkh.scoping import scope_q

        return household._meta.model.objects.filter(scope_q(user), pk=household.pk).exists()
    return False


def may_manage_resources(user) -> bool:
    """The resource directory (*sistem sumber*): supervisors and admins keep the entries
    inside their own areas (``assistance.selectors.resource_editable_q``)."""
    return is_lead(user)


def may_manage_case(user, household) -> bool:
    """Advocacy cases (open, update, close): the family's own facilitator."""
    return is_facilitator(user) and is_owner(user, household)


# ---------------------------------------------------------------- FDS / P2K2


def may_create_fds_group(user) -> bool:
    """A facilitator opens groups of their own."""
    return is_facilitator(user)


def may_manage_fds_group(user, group) -> bool:
    """Families, sessions, attendance of a group: its own facilitator."""
    pk = getattr(user, "pk", None)
    return is_facilitator(user) and pk is not None and group.facilitator_id == pk


# ---------------------------------------------------------------- data corrections
# A facilitator proposes a change to the registry (pemutakhiran data); the supervisor of
# their team decides it, except a correction of identity (name, NIK, No. KK, birth
# date), which only an admin of the family's region decides (docs/corrections.md).


def may_propose_correction(user, household) -> bool:
    """Only the family's own facilitator proposes corrections to its data."""
    return is_facilitator(user) and is_owner(user, household)


def may_decide_correction(user, correction) -> bool:
    """Approve or return a pending correction. An identity correction: an admin of the
    family's region (``correction`` came through a scoped selector). Anything else: the
    supervisor of the family's facilitator, or an admin. Never the one who proposed it."""
    pk = getattr(user, "pk", None)
    if pk is None or correction.proposed_by_id == pk:
        return False
    if is_admin(user):
        return True
    if correction.needs_admin:
        return False
    facilitator = correction.household.facilitator
    return is_supervisor(user) and facilitator is not None and facilitator.supervisor_id == pk


def may_withdraw_correction(user, correction) -> bool:
    """The facilitator who proposed a correction withdraws it (pending or returned)."""
    pk = getattr(user, "pk", None)
    return is_facilitator(user) and pk is not None and correction.proposed_by_id == pk


def may_export_corrections(user) -> bool:
    """Exporting approved corrections for the national system: an active admin."""
    return is_admin(user) and bool(getattr(user, "is_active", False))


# ---------------------------------------------------------------- imports


def may_import(user) -> bool:
    """Roster imports: an active admin (into their own region)."""
    return is_admin(user) and bool(getattr(user, "is_active", False))


# ---------------------------------------------------------------- reports


def may_run_reports(user) -> bool:
    """(Re)making quarterly reports on demand: supervisors (their team) and admins
    (their region); facilitators read their own."""
    return is_lead(user)


# ---------------------------------------------------------------- accounts


def may_manage_users(user) -> bool:
    """Creating and changing facilitators and supervisors: admins, in their region."""
    return is_admin(user)


# ---------------------------------------------------------------- field (offline)


def may_revoke_device(user, device) -> bool:
    """Revoking an offline phone: its owner, or a supervisor or admin (which devices
    they reach at all is ``field.selectors.device_scope``)."""
    return device.user_id == user.pk or is_lead(user)


# --- who may act on a family ----------------------------------------------------------
# The action rules of the graduation app (views show or hide the action, services refuse
# it). Which rows a user may see at all is ``pkh/scoping.py``.


def is_family_facilitator(user, household) -> bool:
    """The family's own facilitator: the one who assesses it, puts it on the pipeline,
    proposes its graduation, confirms a natural graduation and records monitoring."""
    return is_facilitator(user) and is_owner(user, household)


def _supervisor_decides(user, household, *, proposer_id) -> bool:
    """The supervisor of ``household``'s facilitator, unless they made the proposal."""
    facilitator = household.facilitator
    return (
        is_supervisor(user)
        and facilitator is not None
        and facilitator.supervisor_id == user.pk
        and proposer_id != user.pk
    )


def can_decide_graduation(user, proposal) -> bool:
    """Only the supervisor of the family's facilitator decides a graduation proposal, and
    never on one they submitted; never a facilitator."""
    return _supervisor_decides(user, proposal.household, proposer_id=proposal.submitted_by_id)


def can_decide_sanction(user, proposal) -> bool:
    """A commitment sanction proposal (suspension, cancellation) is confirmed or returned
    by the supervisor of the family's facilitator, never by its proposer; as graduation."""
    return _supervisor_decides(user, proposal.household, proposer_id=proposal.proposed_by_id)


# ---------------------------------------------------------------- complaints
# Complaints (pengaduan, ``complaints``). The complaint reaches the user through a scoped
# selector (its family in scope); these say what they may do with it.


def may_open_complaint(user, household) -> bool:
    """The family's facilitator, or an admin of its region (a walk-in at the office);
    supervisors oversee."""
    if is_facilitator(user):
        return is_owner(user, household)
    return is_admin(user)


def carries_complaint(user, complaint) -> bool:
    """``user`` carries the ticket (its ``facilitator``); an unassigned ticket is nobody's."""
    pk = getattr(user, "pk", None)
    return pk is not None and complaint.facilitator_id == pk


def may_handle_complaint(user, complaint) -> bool:
    """Work a ticket (in progress, referred, resolved, a note): the family's facilitator,
    and the supervisor and admins above it (an escalated ticket is theirs too)."""
    if is_facilitator(user):
        return is_owner(user, complaint.household)
    return is_lead(user)


def may_reject_complaint(user, complaint) -> bool:
    """Closing a complaint as unfounded (rejected, with a reason) is a supervisor's or an
    admin's decision, never the facilitator's alone."""
    return is_lead(user) and complaint.is_open


def may_see_complaint_board(user) -> bool:
    """The team board (open, overdue, resolved by category and facilitator)."""
    return is_lead(user)
