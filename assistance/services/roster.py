"""The aid statuses a roster import brings (KIP/KIS per member, SEMBAKO/KKS per
family)."""

from __future__ import annotations

import datetime

from django.db import connection, transaction

from accounts.models import User
from assistance import eligibility
from assistance.models import Aid
from assistance.selectors.catalogue import age_limit_problem
from assistance.services._dates import _today
from assistance.services.eligibility import aid_eligibility_refresh
from households.models import Household, Member

ROSTER_AIDS = eligibility.ROSTER_AIDS


def roster_aid_problems(
    *,
    member_flags: dict,
    birth_dates: dict | None = None,
) -> dict:
    """Members whose roster says they receive an aid they cannot have (outside its age
    limits): ``{key: reason}``. For the importer's validation step (warnings).

    Keys of ``member_flags`` are Member pks, whose birth dates are read from the
    registry; or, with ``birth_dates`` (same keys, e.g. roster lines), any key: the
    birth dates given are used (the roster's, for members not registered yet).
    """
    aids = {a.code: a for a in Aid.objects.filter(code__in=ROSTER_AIDS)}
    wanted = [key for key, flags in member_flags.items() if any(flags.values())]
    if birth_dates is None:
        dates = Member.objects.filter(pk__in=wanted).values_list("pk", "birth_date")
    else:
        dates = ((key, birth_dates[key]) for key in wanted if birth_dates.get(key))
    problems = {}
    today = _today()
    for key, birth_date in dates:
        for code, receiving in member_flags[key].items():
            if receiving and code in aids:
                problem = age_limit_problem(aid=aids[code], birth_date=birth_date, on=today)
                if problem:
                    problems[key] = problem
                    break
    return problems


@transaction.atomic
def roster_aid_apply(
    *,
    member_flags: dict[int, dict[str, bool]],
    household_flags: dict[int, dict[str, bool]],
    by: User,
    on: datetime.date,
    refresh: bool = True,
) -> int:
    """Apply the roster's KIP/KIS (per member) and SEMBAKO/KKS (per family) columns.

    ``True`` = receiving (since ``on`` when it was not receiving before); ``False`` =
    not receiving: a receiving row becomes "eligible, not receiving" where the rule
    makes the subject eligible, else "not eligible"; a "proposed" row stays proposed
    (advocacy in process is not undone by a roster). Unknown aid codes are ignored.
    Returns the number of rows created or changed. Set-based: a fixed number of
    queries, whatever the number of rows (``roster_aid_apply_staged``).

    The families' rule rows are refreshed first (``aid_eligibility_refresh``) unless
    ``refresh`` is False: for a caller that refreshes them right after in the same
    transaction. The roster's rows are then created with their status at once instead
    of being created "eligible" and updated; roster statuses are never overwritten by
    a refresh.
    """
    member_households = dict(
        Member.objects.filter(pk__in=list(member_flags)).values_list("pk", "household_id")
    )
    rows = [
        (code, member_households[pk], pk, pk, int(bool(value)))
        for pk, flags in member_flags.items()
        if pk in member_households
        for code, value in flags.items()
        if code in ("KIP", "KIS")
    ] + [
        (code, pk, None, 0, int(bool(value)))
        for pk, flags in household_flags.items()
        for code, value in flags.items()
        if code in ("SEMBAKO", "KKS")
    ]
    table = eligibility.wanted_table()
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (aid_id, household_id, member_id, member_key, receiving) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s)",
            rows,
        )
    if refresh:
        household_ids = set(member_households.values()) | set(
            Household.objects.filter(pk__in=list(household_flags)).values_list("pk", flat=True)
        )
        aid_eligibility_refresh(household_ids=household_ids, on=on)
    return eligibility.roster_apply(on=on, user_id=by.pk if by else None, rows=len(rows))


@transaction.atomic
def roster_aid_apply_staged(*, by: User, on: datetime.date, rows: int = -1) -> int:
    """``roster_aid_apply`` (``refresh=False``) for the ``rows`` statuses already put into
    the temporary table ``eligibility.wanted_table()`` (the roster import fills it from
    its staging tables with one ``INSERT ... SELECT``): no flags held in Python. Returns
    the rows created or changed."""
    return eligibility.roster_apply(on=on, user_id=by.pk if by else None, rows=rows)
