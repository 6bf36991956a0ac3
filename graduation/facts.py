"""Aid coverage and FDS attendance beside readiness on the family page.

Registered with ``graduation.hooks`` from ``GraduationConfig.ready()``; graduation reads
the aid and FDS apps (dependencies point that way), never the other way round.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from assistance.models import AidEnrolment, AidStatus
from fds_sessions.selectors import attendance_rates
from graduation.hooks import ReadinessFact

ATTENDANCE_WINDOW_DAYS = 365
ATTENDANCE_LOW_PERCENT = 75


def aid_coverage(*, household, user) -> ReadinessFact | None:
    """How many of the aids the family (or its members) qualifies for it receives. 1 query."""
    statuses = list(
        AidEnrolment.objects.filter(household=household)
        .exclude(status=AidStatus.NOT_ELIGIBLE)
        .values_list("status", flat=True)
    )
    if not statuses:
        return ReadinessFact(
            label=_("Cakupan bansos"), value=_("belum ada bansos yang layak"), order=10
        )
    receiving = statuses.count(AidStatus.RECEIVING)
    return ReadinessFact(
        label=_("Cakupan bansos"),
        value=_("%(n)d dari %(total)d bantuan yang layak sudah diterima")
        % {"n": receiving, "total": len(statuses)},
        order=10,
        warning=receiving < len(statuses),
    )


def fds_attendance(*, household, user) -> ReadinessFact | None:
    """P2K2 attendance over the last 12 months (present / sessions held while in a group)."""
    end = timezone.localdate()
    start = end - datetime.timedelta(days=ATTENDANCE_WINDOW_DAYS)
    rate = attendance_rates(
        user=user, by="household", start=start, end=end, household_ids=[household.pk]
    ).get(household.pk)
    if rate is None or not rate.held:
        return ReadinessFact(
            label=_("Kehadiran P2K2"), value=_("belum ada pertemuan dalam 12 bulan"), order=20
        )
    return ReadinessFact(
        label=_("Kehadiran P2K2"),
        value=_("%(p)d%% (%(present)d dari %(held)d pertemuan, 12 bulan terakhir)")
        % {"p": rate.percent, "present": rate.present, "held": rate.held},
        order=20,
        warning=rate.percent < ATTENDANCE_LOW_PERCENT,
    )
