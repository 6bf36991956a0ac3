"""What a facilitator's phone stores for offline work: their own caseload, scoped
through ``pkh.scoping`` like every other read (docs/offline.md lists the fields).

NIK and No. KK are left out on purpose: the offline pages do not need them, and a lost
phone should hold as little as possible.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from fds_sessions.models import Attendance, AttendanceStatus, SessionStatus
from fds_sessions.selectors.groups import group_families_on, group_scope
from fds_sessions.selectors.sessions import session_scope
from households.models import Component, Member, VisitPurpose
from households.selectors import household_scope
from pkh import extensions
from pkh.permissions import is_admin, is_facilitator, is_supervisor


def _members(households) -> dict[int, list[dict]]:
    components = defaultdict(list)
    through = Member.components.through.objects.filter(member__household__in=households)
    for member_id, code in through.values_list("member_id", "component_id"):
        components[member_id].append(code)
    members = defaultdict(list)
    rows = Member.objects.filter(household__in=households).values_list(
        "id", "household_id", "name", "sex", "birth_date", "relationship", "is_pengurus", "left_on"
    )
    for pk, household_id, name, sex, birth, relationship, pengurus, left_on in rows:
        members[household_id].append(
            {
                "name": name,
                "sex": sex,
                "birth_date": birth.isoformat(),
                "relationship": relationship,
                "pengurus": pengurus,
                "active": left_on is None,
                "components": components.get(pk, []),
            }
        )
    return members


def _sessions(*, user: User, groups, today: datetime.date) -> list[dict]:
    planned = (
        session_scope(user=user)
        .filter(
            group__in=groups,
            status=SessionStatus.PLANNED,
            date__gte=today - datetime.timedelta(days=settings.PKH_FIELD_SESSIONS_DAYS_BACK),
            date__lte=today + datetime.timedelta(days=settings.PKH_FIELD_SESSIONS_DAYS_AHEAD),
        )
        .select_related("group", "module_session__module")
        .order_by("date", "id")[: settings.PKH_FIELD_SESSIONS_MAX]
    )
    planned = list(planned)
    marks = defaultdict(dict)
    for session_id, household_id, status in Attendance.objects.filter(
        session__in=planned
    ).values_list("session_id", "household_id", "status"):
        marks[session_id][household_id] = status
    out = []
    for session in planned:
        families = group_families_on(group=session.group, day=session.date)
        out.append(
            {
                "id": session.pk,
                "group": session.group_id,
                "group_name": session.group.name,
                "date": session.date.isoformat(),
                "place": session.place,
                "module": f"{session.module_session.code} {session.module_session.title}",
                "families": [
                    {"id": h.pk, "name": h.pengurus_name or h.id_keluarga} for h in families
                ],
                # The server's copy as the phone took it: the base of the conflict rule.
                "base": {"attendance": marks.get(session.pk, {}), "notes": session.notes},
            }
        )
    return out


def caseload_snapshot(*, user: User) -> dict:
    """The facilitator's families, members, components, P2K2 groups and next planned
    sessions, as plain JSON-ready data."""
    today = timezone.localdate()
    households = household_scope(user=user).filter(facilitator=user)
    members = _members(households)
    families = [
        {
            "id": h.pk,
            "id_keluarga": h.id_keluarga,
            "name": h.pengurus_name_cache or h.id_keluarga,
            "address": h.address,
            "rt": h.rt,
            "rw": h.rw,
            "village": h.village.name,
            "phone": h.phone,
            "status": h.status,
            "status_label": h.get_status_display(),
            "group": h.fds_group_id,
            "last_visit": h.last_visit_on.isoformat() if h.last_visit_on else None,
            "members": members.get(h.pk, []),
        }
        for h in households.select_related("village").order_by("pengurus_name_cache", "id")
    ]
    groups = list(group_scope(user=user).filter(facilitator=user, is_active=True))
    group_members = defaultdict(list)
    for family in families:
        if family["group"]:
            group_members[family["group"]].append(family["id"])
    now = timezone.now()
    return {
        "username": user.get_username(),
        "generated_at": now.isoformat(),
        # The phone wipes its copy after this, even with no signal (docs/offline.md).
        "expires_at": (now + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)).isoformat(),
        "today": today.isoformat(),
        "families": families,
        "groups": [
            {"id": g.pk, "name": g.name, "families": group_members.get(g.pk, [])} for g in groups
        ],
        "sessions": _sessions(user=user, groups=groups, today=today),
        "components": dict(Component.objects.values_list("code", "name")),
        "purposes": [[code, str(label)] for code, label in VisitPurpose.choices],
        "statuses": [[code, str(label)] for code, label in AttendanceStatus.choices],
        # What the apps above the seam add (pkh.extensions.offline_record_kinds).
        "kinds": {
            name: part.snapshot(user=user)
            for name, part in extensions.offline_record_kinds.contributions.items()
        },
        "limits": {
            "batch": settings.PKH_FIELD_SYNC_BATCH_MAX,
            "photo_bytes": settings.PKH_FIELD_PHOTO_MAX_BYTES,
            "photo_side": settings.PKH_FIELD_PHOTO_SIDE,
        },
    }


def device_scope(*, user: User):
    """The offline devices ``user`` may see and revoke: a facilitator their own, a
    supervisor their team's, an admin those of the users of their region."""
    from accounts.selectors import user_list
    from field.models import FieldDevice

    devices = FieldDevice.objects.select_related("user", "revoked_by").order_by(
        "-created_at", "-id"
    )
    if is_facilitator(user):
        return devices.filter(user=user)
    if is_supervisor(user):
        return devices.filter(Q(user=user) | Q(user__supervisor=user))
    if is_admin(user):
        return devices.filter(Q(user=user) | Q(user__in=user_list(user=user)))
    return devices.none()
