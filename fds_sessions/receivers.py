"""Keep membership periods in step with bulk writes made by other apps."""

from fds_sessions.services import memberships_sync


def on_households_changed(sender, *, household_ids, fields=None, **kwargs) -> None:
    """``households.signals.households_changed``: reconcile when the group may have changed."""
    if fields is None or "fds_group" in fields:
        memberships_sync(household_ids=household_ids)
