"""The one place corrections tell people about a correction (in-app notifications).

The ``notifications`` app (issue 18, built on another branch) provides
``notifications.services.notify(recipient, *, kind, title, url)``. Until it is
installed this does nothing; once it is, every call below reaches it unchanged. Titles
never hold a family's name or NIK: they name the correction by number and link to it.
"""

from __future__ import annotations

from django.apps import apps


def notify(recipient, *, kind: str, title: str, url: str) -> None:
    if recipient is None or not apps.is_installed("notifications"):
        return
    from notifications.services import notify as notifications_notify

    notifications_notify(recipient, kind=kind, title=title, url=url)
