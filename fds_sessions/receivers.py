"""Keep membership periods in step with bulk writes made by other apps."""

from fds_sessions.services import memberships_sync
from pkh.sql import timed


def on_households_changed(sender, *, household_ids, fields=None, **kwargs) -> None:
    """``households.signals.households_changed``: reconcile when the group may have changed."""
    if fields is None or "fds_group" in fields:
        with timed("memberships_sync"):  # logged with IMPORTS_SQL_TIMING=1 (benchmarks)
            memberships_sync(household_ids=household_ids)
