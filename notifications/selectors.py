"""Reads of the notifications app: always the signed-in user's own notifications."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from notifications.models import Notification, NotificationPreference
from pkh.permissions import LEADS


def notification_list(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, newest first (one table, no joins needed by the page)."""
    qs = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-pk")


def unread_count(*, user: User) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def preference_get(*, user: User) -> NotificationPreference:
    """The user's preference, or the defaults (unsaved) when they never chose."""
    try:
        return NotificationPreference.objects.get(user=user)
    except NotificationPreference.DoesNotExist:
        return NotificationPreference(user=user)


def digest_recipient_list() -> QuerySet[User]:
    """Who the weekly digest is for: active supervisors and admins with an email."""
    return User.objects.filter(is_active=True, role__in=LEADS).exclude(email="").order_by("pk")
