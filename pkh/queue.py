"""Publishing Celery tasks when the broker (Redis) may be down.

A page that starts background work publishes its task after the commit
(``transaction.on_commit``). If Redis cannot be reached there, ``task.delay`` raises
after the data is already committed: the user would get an error page for work that was
in fact saved, and the saved row would wait for a task that never comes. ``publish``
returns False instead (after kombu's own bounded connection attempts, a few seconds), so
the caller can record what happened where the user sees it and offer a retry.
"""

from __future__ import annotations

import logging

from kombu.exceptions import OperationalError as BrokerUnavailable

logger = logging.getLogger(__name__)


def publish(task, *args) -> bool:
    """``task.apply_async(args)``; False (and a warning in the log) if the broker is down.

    With no broker configured (tasks run eagerly) this runs the task, and its own
    exceptions propagate as before: only the broker's connection errors (kombu's
    ``OperationalError``, or a socket error that escapes it) are caught.
    """
    try:
        task.apply_async(args=list(args), retry=False)
    except (BrokerUnavailable, OSError) as exc:
        logger.warning("task %s not queued: broker unreachable (%s)", task.name, type(exc).__name__)
        return False
    return True
