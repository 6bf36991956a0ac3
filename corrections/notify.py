"""The one place corrections tell people about a correction (in-app notifications).

It calls ``notifications.services`` (just above ``accounts``, so below corrections in the
layers). The row is written in the caller's transaction: a proposal or a decision that
rolls back leaves no notification. Titles never hold a family's name or NIK: they name
the correction by number and link to its page.
"""

from __future__ import annotations

from collections.abc import Iterable

from notifications import services as notifications


def notify(recipient, *, kind: str, title: str, url: str) -> None:
    """Tell one user (``None`` or an inactive user is skipped by the notifications app)."""
    notifications.notify(recipient, kind=kind, title=title, url=url)


def notify_many(recipients: Iterable, *, kind: str, title: str, url: str) -> None:
    """Tell several users at once (each once, in one INSERT)."""
    notifications.notify_many(recipients, kind=kind, title=title, url=url)
