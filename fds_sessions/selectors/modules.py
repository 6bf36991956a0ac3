"""Reads of the P2K2 curriculum (a national catalogue): the modules and their
sessions, and which session a group plans next."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from fds_sessions.models import FdsGroup, FdsModule, FdsModuleSession, FdsSession, SessionStatus


def module_catalogue(*, include_retired: bool = True) -> QuerySet[FdsModule]:
    sessions = FdsModuleSession.objects.order_by("order")
    qs = FdsModule.objects.all()
    if not include_retired:
        qs = qs.filter(is_active=True)
        sessions = sessions.filter(is_active=True)
    return qs.prefetch_related(Prefetch("sessions", queryset=sessions)).order_by("number")


def module_get(*, pk: int) -> FdsModule:
    return get_object_or_404(FdsModule, pk=pk)


def module_session_get(*, pk: int) -> FdsModuleSession:
    """One session of the curriculum with its module (the catalogue is national)."""
    return get_object_or_404(FdsModuleSession.objects.select_related("module"), pk=pk)


def module_session_choices() -> QuerySet[FdsModuleSession]:
    """Sessions that may be planned: active ones of active modules, in curriculum order."""
    return (
        FdsModuleSession.objects.filter(is_active=True, module__is_active=True)
        .select_related("module")
        .order_by("module__number", "order")
    )


def next_module_session(*, group: FdsGroup) -> FdsModuleSession | None:
    """The group's next session in the curriculum: the first active session it has
    neither held nor planned yet (``None`` when it has done them all)."""
    done = FdsSession.objects.filter(
        group=group,
        module_session=OuterRef("pk"),
        status__in=[SessionStatus.HELD, SessionStatus.PLANNED],
    )
    return module_session_choices().exclude(Exists(done)).first()


def session_plan_suggestion(*, group: FdsGroup) -> tuple[FdsModuleSession | None, bool]:
    """The session to preselect when planning the group's next meeting, and whether it
    starts the curriculum again.

    The first session the group has neither held nor planned; once every session is held
    or planned (as a demo group is after one more meeting), the one after the group's
    latest held or planned meeting, wrapping round to the first. ``(None, False)`` only
    when the curriculum has no active session."""
    upcoming = next_module_session(group=group)
    if upcoming is not None:
        return upcoming, False
    choices = list(module_session_choices())
    if not choices:
        return None, False
    latest = (
        FdsSession.objects.filter(
            group=group, status__in=[SessionStatus.HELD, SessionStatus.PLANNED]
        )
        .order_by("-date", "-id")
        .values_list("module_session_id", flat=True)
        .first()
    )
    ids = [c.pk for c in choices]
    after = ids.index(latest) + 1 if latest in ids else 0
    return choices[after % len(choices)], True
