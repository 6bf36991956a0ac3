"""Writes of the notifications app: sending in-app notifications, marking them read, the
email preference and the weekly digest.

Any app may call :func:`notify` / :func:`notify_many` (this app sits just above
``accounts``): the row is written in the caller's transaction, so a rolled-back action
leaves no notification behind. Titles and emails carry no personal data of families.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from notifications.models import Notification, NotificationPreference
from notifications.selectors import digest_recipient_list
from pkh import extensions
from pkh.extensions import DigestLine

logger = logging.getLogger(__name__)

TITLE_MAX = Notification._meta.get_field("title").max_length
KIND_MAX = Notification._meta.get_field("kind").max_length


def _checked(*, kind: str, title: str, url: str) -> tuple[str, str, str]:
    if not kind or len(kind) > KIND_MAX:
        raise ValueError(f"notification kind must be 1-{KIND_MAX} characters")
    # A path inside the site only: never another host, never a scheme.
    if not url.startswith("/") or url.startswith("//"):
        raise ValueError("notification url must be a path inside the site")
    title = str(title)
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1] + "…"
    return kind, title, url


def notify(recipient, *, kind: str, title: str, url: str) -> Notification | None:
    """Tell ``recipient`` that something waits for them. ``title`` must hold no personal
    data (no NIK, no family name); ``url`` is a path of the page to open. Nothing is sent
    to ``None`` or to an inactive user (``None`` is returned)."""
    kind, title, url = _checked(kind=kind, title=title, url=url)
    if recipient is None or not getattr(recipient, "is_active", False):
        return None
    return Notification.objects.create(recipient=recipient, kind=kind, title=title, url=url)


def notify_many(recipients: Iterable, *, kind: str, title: str, url: str) -> list[Notification]:
    """:func:`notify` for several users at once (one INSERT); each user once, inactive
    users and ``None`` left out."""
    kind, title, url = _checked(kind=kind, title=title, url=url)
    seen: dict[int, object] = {}
    for user in recipients:
        if user is not None and getattr(user, "is_active", False) and user.pk not in seen:
            seen[user.pk] = user
    now = timezone.now()
    return Notification.objects.bulk_create(
        [
            Notification(recipient=user, kind=kind, title=title, url=url, created_at=now)
            for user in seen.values()
        ]
    )


def notification_open(*, user, notification_id: int) -> Notification:
    """Mark one of the user's notifications read (it is opened); another user's answers
    ``Notification.DoesNotExist``."""
    notification = Notification.objects.get(pk=notification_id, recipient=user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    """Mark every unread notification of the user read; how many were."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def preference_set(*, user, email_digest: bool) -> NotificationPreference:
    preference, _created = NotificationPreference.objects.get_or_create(user=user)
    if preference.email_digest != email_digest:
        preference.email_digest = email_digest
        preference.save(update_fields=["email_digest"])
    return preference


# --------------------------------------------------------------- weekly digest


def digest_lines(*, user) -> list[DigestLine]:
    """Every app's lines for ``user`` (``pkh.extensions.digest_sections``), in order."""
    lines: list[DigestLine] = []
    for section in extensions.digest_sections:
        lines.extend(section(user=user))
    return lines


def _absolute(path: str) -> str:
    return urljoin(settings.PKH_SITE_URL.rstrip("/") + "/", path.lstrip("/"))


def digest_message(*, user, lines: list[DigestLine]) -> EmailMessage:
    """The email: counts and links only (the lines come from the apps' digest sections,
    which carry no names). Written in the site's default language."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "lines": [
                {"label": line.label, "count": line.count, "url": _absolute(line.url)}
                for line in lines
            ],
            "notifications_url": _absolute("/notifikasi/"),
            "preferences_url": _absolute("/notifikasi/pengaturan/"),
        }
        subject = render_to_string("notifications/email/digest_subject.txt", context)
        body = render_to_string("notifications/email/digest_body.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )


def digest_recipients():
    """Active supervisors and admins with an email address who have not switched the
    digest off."""
    return digest_recipient_list().exclude(notification_preference__email_digest=False)


def weekly_digest_send(*, now: datetime.datetime | None = None) -> int:
    """Send the weekly digest to every recipient with something waiting; how many were
    sent. Idempotent: a user who got one in the last
    ``PKH_DIGEST_MIN_INTERVAL_HOURS`` hours gets nothing (a rerun sends no second one)."""
    now = now or timezone.now()
    since = now - datetime.timedelta(hours=settings.PKH_DIGEST_MIN_INTERVAL_HOURS)
    users = digest_recipients().exclude(notification_preference__digest_sent_at__gte=since)
    sent = 0
    connection = get_connection()
    for user in users.iterator(chunk_size=200):
        lines = [line for line in digest_lines(user=user) if line.count]
        if not lines:
            continue
        message = digest_message(user=user, lines=lines)
        message.connection = connection
        message.send()
        NotificationPreference.objects.update_or_create(user=user, defaults={"digest_sent_at": now})
        sent += 1
    logger.info("weekly digest: %d emails sent", sent)
    return sent
