"""Signals the registry sends so that apps above it can keep their own data in step.

``households_changed`` is sent inside the writing transaction, after families have been
created or changed in bulk (import, reassignment), with ``household_ids`` (a set of
primary keys) and ``fields`` (the names of the fields that may have changed, e.g.
``{"facilitator", "fds_group"}``). Receivers must work set-based: the set can hold
tens of thousands of ids.
"""

from django.dispatch import Signal

households_changed = Signal()
