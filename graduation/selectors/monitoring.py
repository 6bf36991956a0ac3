"""Reads of post-graduation monitoring visits, scoped through ``pkh.scoping``."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from graduation.models import MonitoringVisit
from households.selectors import pengurus_name
from pkh.scoping import household_scope_q


def monitoring_scope(*, user: User) -> QuerySet[MonitoringVisit]:
    return MonitoringVisit.objects.filter(household_scope_q(user, "graduation__household__"))


def monitoring_get(*, user: User, pk: int) -> MonitoringVisit:
    return get_object_or_404(
        monitoring_scope(user=user).select_related("graduation__household"), pk=pk
    )


def monitoring_open(*, user: User) -> QuerySet[MonitoringVisit]:
    """Monitoring visits not yet done, with the family and its pengurus, oldest due first."""
    return (
        monitoring_scope(user=user)
        .filter(done_on__isnull=True)
        .select_related("graduation__household")
        .annotate(pengurus_name=pengurus_name("graduation__household"))
        .order_by("due_on", "pk")
    )


def monitoring_due(*, user: User, until: datetime.date) -> QuerySet[MonitoringVisit]:
    """Open monitoring visits due by ``until`` (overdue ones too), oldest first."""
    return monitoring_open(user=user).filter(due_on__lte=until)
