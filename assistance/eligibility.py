"""The catalogue's eligibility rule and the bulk aid writes, set-based in SQL.

One definition of the rule (``eligible_sql``) serves every write: the refresh of one
family after a form is saved, of the families a roster import changed, of every family
after the catalogue changed or nightly, and the roster's "not receiving any more"
statuses. The family page evaluates the same rule for one member in Python
(``assistance.selectors.catalogue.member_rule_eligible``); a test checks that both agree.

Every function works on the families listed in the temporary table ``aid_scope``
(``scope_fill`` fills it from ids, from a query, or with every family), so a call for
100,000 families is a fixed number of statements and holds no list of them in Python.
Runs on PostgreSQL and SQLite with the same SQL (``pkh.sql``).

Rows follow what ``aid_eligibility_refresh`` has always promised (see its docstring);
the audit rows are written as django-simple-history would (``pkh.sql.insert_history``):
"+" for a new row, "~" with reason ``rule`` / ``roster`` for a changed status; the
copies kept on each row (``in_programme``, facilitator, village) are not audited.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import connection
from django.utils import timezone

from assistance.models import (
    Aid,
    AidEnrolment,
    AidStatus,
    AidUnit,
    EligibilityRule,
    StatusSource,
)
from households.models import Household, HouseholdStatus, Member
from pkh.sql import (
    Dialect,
    analyze,
    fetch,
    ids_fill,
    insert_history,
    insert_select,
    run,
    temp_table,
    timed,
)

E = AidEnrolment._meta.db_table
H = Household._meta.db_table
M = Member._meta.db_table
MC = Member.components.through._meta.db_table

SCOPE = "aid_scope"
ELIGIBLE = "aid_eligible"
CHANGES = "aid_changes"
NEW = "aid_new"
PAIRS = "aid_pairs"
DELTA = "aid_coverage_delta"
DELTA_SUM = "aid_coverage_delta_sum"
WANTED = "aid_roster_wanted"
# Above this many rows a temporary table gets an index and planner statistics (PostgreSQL
# never analyses temporary tables by itself); below, the extra statements cost more.
LARGE = 1000

# ``member_key``: the member's id, 0 for a per-family subject; joins on it can hash
# (``member_id IS NOT DISTINCT FROM ...`` cannot).
SUBJECT = "aid_id VARCHAR(12), household_id BIGINT, member_id BIGINT, member_key BIGINT"


# ---------------------------------------------------------------- scope


def scope_fill(
    *,
    household_ids: Iterable[int] | None = None,
    sql: str | None = None,
    params: Iterable = (),
) -> int:
    """Put the families to work on into ``aid_scope``: ``household_ids``, or the ids
    selected by ``sql``, or (neither) every family. Returns how many (-1: unknown)."""
    temp_table(SCOPE, "household_id BIGINT PRIMARY KEY")
    if sql is not None:
        n = run(
            f"INSERT INTO {SCOPE} (household_id) SELECT DISTINCT id FROM ({sql}) s", list(params)
        )
    elif household_ids is None:
        n = run(f"INSERT INTO {SCOPE} (household_id) SELECT id FROM {H}")
    else:
        n = ids_fill(SCOPE, household_ids)
    if n < 0 or n > LARGE:
        analyze(SCOPE)
    return n


# ---------------------------------------------------------------- the rule


def years_before(on: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` earlier (29 February -> 28 February)."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


def age_bounds(aid: Aid, on: datetime.date) -> tuple[datetime.date | None, datetime.date | None]:
    """``(born_on_or_before, born_after)``: the birth dates within the aid's age limits on
    ``on``, the same limits as ``selectors.age_limit_problem`` (age in whole years)."""
    latest = years_before(on, aid.min_age) if aid.min_age is not None else None
    earliest = years_before(on, aid.max_age + 1) if aid.max_age is not None else None
    return latest, earliest


def eligible_sql(
    aids: Iterable[Aid], on: datetime.date, *, scope: tuple[str, list] | None = None
) -> tuple[str, list]:
    """``SELECT aid_id, household_id, member_id, member_key`` of every subject that the
    rule makes eligible for one of ``aids``, in the families of ``scope`` (an SQL list
    or subquery of household ids and its parameters; default: ``aid_scope``).

    The rule (as data in the catalogue): nobody in a family that is not active, no member
    who has left; "assessed" aids never; a per-family aid for an active family ("every")
    or one with an active member holding one of the aid's components; a per-member aid
    for an active member within the age limits ("every") who also holds one of the
    components ("components").
    """
    scope_sql, scope_params = scope or (f"SELECT household_id FROM {SCOPE}", [])
    family = f"FROM {H} h WHERE h.id IN ({scope_sql}) AND h.status = %s"
    members = (
        f"FROM {H} h JOIN {M} m ON m.household_id = h.id "
        f"WHERE h.id IN ({scope_sql}) AND h.status = %s AND m.left_on IS NULL"
    )
    family_params = [*scope_params, HouseholdStatus.ACTIVE]
    parts: list[str] = []
    params: list = []
    for aid in aids:
        if aid.eligibility == EligibilityRule.ASSESSED:
            continue
        component_sql = ""
        component_params: list = []
        if aid.eligibility == EligibilityRule.COMPONENTS:
            codes = sorted(c.code for c in aid.components.all())
            if not codes:
                continue
            component_sql = (
                f" AND EXISTS (SELECT 1 FROM {MC} mc WHERE mc.member_id = m.id "
                f"AND mc.component_id IN ({', '.join(['%s'] * len(codes))}))"
            )
            component_params = codes
        if aid.unit == AidUnit.FAMILY:
            if aid.eligibility == EligibilityRule.EVERY:
                parts.append(f"SELECT %s, h.id, CAST(NULL AS BIGINT), 0 {family}")
                params += [aid.code, *family_params]
            else:
                parts.append(
                    f"SELECT %s, h.id, CAST(NULL AS BIGINT), 0 {family} AND EXISTS ("
                    f"SELECT 1 FROM {M} m WHERE m.household_id = h.id AND m.left_on IS NULL"
                    f"{component_sql})"
                )
                params += [aid.code, *family_params, *component_params]
            continue
        latest, earliest = age_bounds(aid, on)
        ages, age_params = "", []
        if latest is not None:
            ages += " AND m.birth_date <= %s"
            age_params.append(latest)
        if earliest is not None:
            ages += " AND m.birth_date > %s"
            age_params.append(earliest)
        parts.append(f"SELECT %s, m.household_id, m.id, m.id {members}{ages}{component_sql}")
        params += [aid.code, *family_params, *age_params, *component_params]
    if not parts:
        return "SELECT NULL, NULL, NULL, NULL WHERE 1 = 0", []
    return " UNION ALL ".join(parts), params


def eligible_fill(aids: Iterable[Aid], on: datetime.date) -> None:
    """``aid_eligible`` := the rule-eligible subjects of the families in scope."""
    temp_table(ELIGIBLE, SUBJECT)
    sql, params = eligible_sql(aids, on)
    n = run(f"INSERT INTO {ELIGIBLE} (aid_id, household_id, member_id, member_key) {sql}", params)
    if n < 0 or n > LARGE:
        _index(ELIGIBLE)


def _index(table: str) -> None:
    if connection.vendor == "postgresql":
        run(f"CREATE INDEX IF NOT EXISTS {table}_key ON {table} (household_id, aid_id, member_key)")
    analyze(table)


def rule_subjects(
    *, household_ids: Iterable[int], on: datetime.date, aids: Iterable[Aid] | None = None
) -> set[tuple[str, int, int | None]]:
    """The ``(aid, household, member)`` subjects the rule makes eligible in these families
    (for tests and checks; the writes keep them in a temporary table)."""
    if aids is None:
        aids = Aid.objects.filter(is_active=True).prefetch_related("components")
    scope_fill(household_ids=household_ids)
    eligible_fill(list(aids), on)
    return set(fetch(f"SELECT aid_id, household_id, member_id FROM {ELIGIBLE}"))


# ---------------------------------------------------------------- writes


def _changes_table() -> None:
    temp_table(
        CHANGES,
        "id BIGINT PRIMARY KEY, status VARCHAR(16), status_changed INTEGER, "
        "in_programme BOOLEAN, facilitator_id BIGINT, village_id VARCHAR(32)",
    )


def _delta_table() -> None:
    """The differences the writes make to the coverage rollup (``_coverage_follow``)."""
    temp_table(
        DELTA,
        "facilitator_id BIGINT, village_id VARCHAR(32), aid_id VARCHAR(12), "
        "receiving INTEGER, not_receiving INTEGER, proposed INTEGER",
    )


COUNTED = (AidStatus.RECEIVING, AidStatus.ELIGIBLE, AidStatus.PROPOSED)


def _counts_sql(status: str, sign: str = "") -> tuple[str, list]:
    """The three ``CoverageCount`` columns (receiving, not receiving, proposed) of one
    aid row whose status is ``status`` (an SQL expression), negated with ``sign="-"``."""
    sql = ", ".join(f"{sign}SUM(CASE WHEN {status} = %s THEN 1 ELSE 0 END)" for _s in COUNTED)
    return sql, list(COUNTED)


def _in_programme_sql() -> str:
    """For a row ``e`` of a family ``h`` (member ``m`` LEFT JOINed): counted in the
    programme's figures?"""
    return f"(h.status = '{HouseholdStatus.ACTIVE}' AND (e.member_id IS NULL OR m.left_on IS NULL))"


def _write_changes(
    n: int, *, on: datetime.date, now: datetime.datetime, user_id, reason: str
) -> int:
    """Apply the ``n`` rows of ``aid_changes`` to the rows: statuses (with ``since`` =
    ``on`` and an audit row) where ``status_changed``, the family's copies everywhere.
    Records what the rows counted in the coverage rollup before and will count after in
    ``aid_coverage_delta``."""
    if not n:
        return 0
    # What the rows counted in the coverage rollup before (taken away) and will count
    # after (added): the rollup follows by these differences (``_coverage_follow``).
    old, old_params = _counts_sql("e.status", "-")
    new, new_params = _counts_sql("c.status")
    run(
        f"""INSERT INTO {DELTA} (facilitator_id, village_id, aid_id, receiving, not_receiving,
            proposed)
        SELECT e.facilitator_id, e.village_id, e.aid_id, {old}
        FROM {CHANGES} c JOIN {E} e ON e.id = c.id
        WHERE e.in_programme AND e.village_id IS NOT NULL
        GROUP BY e.facilitator_id, e.village_id, e.aid_id
        UNION ALL
        SELECT c.facilitator_id, c.village_id, e.aid_id, {new}
        FROM {CHANGES} c JOIN {E} e ON e.id = c.id
        WHERE c.in_programme AND c.village_id IS NOT NULL
        GROUP BY c.facilitator_id, c.village_id, e.aid_id""",
        [*old_params, *new_params],
    )
    source = ""
    params: list = [on]
    if reason == "roster":
        source = ", source = %s"
        params.append(StatusSource.ROSTER)
    run(
        f"""UPDATE {E} SET status = c.status,
            since = CASE WHEN c.status_changed = 1 THEN %s ELSE {E}.since END{source},
            in_programme = c.in_programme, facilitator_id = c.facilitator_id,
            village_id = c.village_id
        FROM {CHANGES} c WHERE {E}.id = c.id""",
        params,
    )
    insert_history(
        AidEnrolment,
        source_alias="e",
        from_sql=f"FROM {CHANGES} c JOIN {E} e ON e.id = c.id WHERE c.status_changed = 1",
        from_params=[],
        history_type_sql="'~'",
        when=now,
        reason=reason,
        user_id=user_id,
    )
    return n


def _write_new(
    *, status_sql: str, status_params: list, on, now, user_id, source: str, in_programme_sql: str
) -> int:
    """Create the rows listed in ``aid_new`` (with a "+" audit row each)."""
    n = insert_select(
        AidEnrolment,
        {
            "aid_id": ("n.aid_id", []),
            "household_id": ("n.household_id", []),
            "member_id": ("n.member_id", []),
            "status": (status_sql, status_params),
            "since": ("%s", [on]),
            "source": ("%s", [source]),
            "in_programme": (in_programme_sql, []),
            "facilitator_id": ("h.facilitator_id", []),
            "village_id": ("h.village_id", []),
        },
        f"""FROM {NEW} n JOIN {H} h ON h.id = n.household_id
            LEFT JOIN {M} m ON m.id = n.member_id
        ORDER BY n.household_id, n.aid_id, n.member_key""",
        [],
        now,
    )
    if n:
        insert_history(
            AidEnrolment,
            source_alias="e",
            from_sql=f"""FROM {NEW} n JOIN {E} e ON e.household_id = n.household_id
                AND e.aid_id = n.aid_id AND COALESCE(e.member_id, 0) = n.member_key""",
            from_params=[],
            history_type_sql="'+'",
            when=now,
            reason=None,
            user_id=user_id,
        )
        # The new rows' part of the coverage rollup (``_coverage_follow``).
        counts, counts_params = _counts_sql(status_sql)
        run(
            f"""INSERT INTO {DELTA} (facilitator_id, village_id, aid_id, receiving,
                not_receiving, proposed)
            SELECT h.facilitator_id, h.village_id, n.aid_id, {counts}
            FROM {NEW} n JOIN {H} h ON h.id = n.household_id
                LEFT JOIN {M} m ON m.id = n.member_id
            WHERE {in_programme_sql} AND h.village_id IS NOT NULL
            GROUP BY h.facilitator_id, h.village_id, n.aid_id""",
            [param for status in counts_params for param in (*status_params, status)],
        )
    return n


def _rebuild_pairs() -> None:
    """Recount ``CoverageCount`` for the (facilitator, village) pairs in ``aid_pairs``,
    as ``services.coverage.coverage_counts_rebuild`` does for pairs given in Python: two
    statements (a test compares the result with a full recount)."""
    from assistance.models import CoverageCount

    cc = CoverageCount._meta.db_table
    with timed("coverage_rebuild"):
        run(
            f"""DELETE FROM {cc} WHERE EXISTS (SELECT 1 FROM {PAIRS} p
                WHERE p.village_id = {cc}.village_id
                    AND COALESCE(p.facilitator_id, 0) = COALESCE({cc}.facilitator_id, 0))"""
        )
        pairs = f"(SELECT DISTINCT facilitator_id, village_id FROM {PAIRS}) p"
        counted = ", ".join(
            "SUM(CASE WHEN e.status = %s THEN 1 ELSE 0 END)"
            for _status in (AidStatus.RECEIVING, AidStatus.ELIGIBLE, AidStatus.PROPOSED)
        )
        statuses = [AidStatus.RECEIVING, AidStatus.ELIGIBLE, AidStatus.PROPOSED]
        select = f"""SELECT e.facilitator_id, e.village_id, e.aid_id, {counted}
            FROM {pairs} JOIN {E} e ON e.village_id = p.village_id AND {{facilitator}}
            WHERE e.in_programme AND e.status IN (%s, %s, %s)
            GROUP BY e.facilitator_id, e.village_id, e.aid_id"""
        run(
            f"""INSERT INTO {cc} (facilitator_id, village_id, aid_id, receiving, not_receiving,
                proposed)
            {select.format(facilitator="e.facilitator_id = p.facilitator_id")}
            UNION ALL
            {select.format(facilitator="e.facilitator_id IS NULL AND p.facilitator_id IS NULL")}""",
            [*statuses, *statuses, *statuses, *statuses],
        )


def _coverage_follow() -> None:
    """Bring ``CoverageCount`` in step with the aid rows just written, by the differences
    recorded in ``aid_coverage_delta`` (the rows' counts before, taken away, and after,
    added): a fixed number of statements over the keys that changed, whatever the size
    of the (facilitator, village) pairs. A recount of every touched pair read all their
    aid rows, each batch of a roster import's follow-up stage again: the pairs of a
    large import are most of the registry's.

    The rollup is a function of the aid rows, and every writer of them keeps it so; if
    a difference does not apply to it as it is (a count would fall below zero, or a key
    has two rollup rows) the pairs concerned are recounted from the aid rows instead, as
    before (``_rebuild_pairs``)."""
    from assistance.models import CoverageCount

    cc = CoverageCount._meta.db_table
    with timed("coverage_rebuild"):
        # Per key that changed: its difference, then its rollup row(s) as they are (an
        # UPDATE of this table: no statement below reads the rollup table it writes).
        temp_table(
            DELTA_SUM,
            "facilitator_id BIGINT, village_id VARCHAR(32), aid_id VARCHAR(12), "
            "receiving INTEGER, not_receiving INTEGER, proposed INTEGER, copies INTEGER, "
            "row_id BIGINT, now_receiving INTEGER, now_not_receiving INTEGER, "
            "now_proposed INTEGER",
        )
        n = run(
            f"""INSERT INTO {DELTA_SUM} (facilitator_id, village_id, aid_id, receiving,
                not_receiving, proposed, copies, row_id, now_receiving, now_not_receiving,
                now_proposed)
            SELECT facilitator_id, village_id, aid_id, SUM(receiving), SUM(not_receiving),
                SUM(proposed), 0, NULL, 0, 0, 0
            FROM {DELTA} GROUP BY facilitator_id, village_id, aid_id
            HAVING SUM(receiving) <> 0 OR SUM(not_receiving) <> 0 OR SUM(proposed) <> 0"""
        )
        if not n:
            return
        if n > LARGE:
            # Both sides of the join below with their statistics: the rollup may have
            # grown since it was last analysed (by the step before this one).
            analyze(DELTA_SUM, cc)
        key = (
            "{a}.village_id = {b}.village_id AND {a}.aid_id = {b}.aid_id "
            "AND COALESCE({a}.facilitator_id, 0) = COALESCE({b}.facilitator_id, 0)"
        )
        # One join of the two tables (hashed when large), not a lookup per key: the
        # rollup's index leads with the village and the facilitator is compared through
        # COALESCE (NULL: no facilitator), so a lookup read every row of the village.
        run(
            f"""UPDATE {DELTA_SUM} SET copies = x.copies, row_id = x.row_id,
                now_receiving = x.now_receiving, now_not_receiving = x.now_not_receiving,
                now_proposed = x.now_proposed
            FROM (SELECT d.facilitator_id, d.village_id, d.aid_id, COUNT(*) AS copies,
                    MAX(c.id) AS row_id, MAX(c.receiving) AS now_receiving,
                    MAX(c.not_receiving) AS now_not_receiving, MAX(c.proposed) AS now_proposed
                FROM {DELTA_SUM} d JOIN {cc} c ON {key.format(a="c", b="d")}
                GROUP BY d.facilitator_id, d.village_id, d.aid_id) x
            WHERE {key.format(a="x", b=DELTA_SUM)}"""
        )
        after = (
            "now_receiving + receiving", "now_not_receiving + not_receiving",
            "now_proposed + proposed",
        )  # fmt: skip
        zero = " AND ".join(f"{x} = 0" for x in after)
        broken, updated, created, emptied = fetch(
            f"""SELECT
                SUM(CASE WHEN copies > 1 OR {" OR ".join(f"{x} < 0" for x in after)}
                    THEN 1 ELSE 0 END),
                SUM(CASE WHEN copies = 1 AND NOT ({zero}) THEN 1 ELSE 0 END),
                SUM(CASE WHEN copies = 0 THEN 1 ELSE 0 END),
                SUM(CASE WHEN copies = 1 AND {zero} THEN 1 ELSE 0 END)
            FROM {DELTA_SUM}"""
        )[0]
        if broken:
            temp_table(PAIRS, "facilitator_id BIGINT, village_id VARCHAR(32)")
            run(f"INSERT INTO {PAIRS} SELECT DISTINCT facilitator_id, village_id FROM {DELTA}")
            _rebuild_pairs()
            return
        if emptied:  # no aid row counted under the key any more: no rollup row (a recount)
            run(
                f"""DELETE FROM {cc} WHERE id IN (SELECT row_id FROM {DELTA_SUM}
                    WHERE copies = 1 AND {zero})"""
            )
        if updated:
            run(
                f"""UPDATE {cc} SET receiving = d.now_receiving + d.receiving,
                    not_receiving = d.now_not_receiving + d.not_receiving,
                    proposed = d.now_proposed + d.proposed
                FROM {DELTA_SUM} d WHERE {cc}.id = d.row_id AND d.copies = 1"""
            )
        if created:
            run(
                f"""INSERT INTO {cc} (facilitator_id, village_id, aid_id, receiving,
                    not_receiving, proposed)
                SELECT facilitator_id, village_id, aid_id, receiving, not_receiving, proposed
                FROM {DELTA_SUM} WHERE copies = 0 ORDER BY village_id, facilitator_id, aid_id"""
            )


def refresh_scope(*, on: datetime.date) -> int:
    """``aid_eligibility_refresh`` for the families in ``aid_scope``: rows written."""
    now = timezone.now()
    aids = list(Aid.objects.filter(is_active=True).prefetch_related("components"))
    eligible_fill(aids, on)
    _changes_table()
    _delta_table()
    d = Dialect()
    rule_codes = [a.code for a in aids] or [""]
    rule_row = (
        f"e.source = %s AND e.aid_id IN ({', '.join(['%s'] * len(rule_codes))}) "
        f"AND e.status IN (%s, %s)"
    )
    eligible, not_eligible = AidStatus.ELIGIBLE, AidStatus.NOT_ELIGIBLE
    n = run(
        f"""INSERT INTO {CHANGES} (id, status, status_changed, in_programme, facilitator_id,
            village_id)
        SELECT id, new_status, CASE WHEN new_status <> status THEN 1 ELSE 0 END, new_in,
            new_f, new_v
        FROM (
            SELECT e.id, e.status, e.in_programme, e.facilitator_id, e.village_id,
                CASE WHEN {rule_row} THEN
                    CASE WHEN el.aid_id IS NOT NULL THEN %s ELSE %s END
                ELSE e.status END AS new_status,
                {_in_programme_sql()} AS new_in,
                h.facilitator_id AS new_f, h.village_id AS new_v
            FROM {SCOPE} s JOIN {E} e ON e.household_id = s.household_id
                JOIN {H} h ON h.id = e.household_id
                LEFT JOIN {M} m ON m.id = e.member_id
                LEFT JOIN {ELIGIBLE} el ON el.household_id = e.household_id
                    AND el.aid_id = e.aid_id AND el.member_key = COALESCE(e.member_id, 0)
        ) x
        WHERE new_status <> status OR new_in <> in_programme
            OR new_f {d.distinct} facilitator_id OR new_v {d.distinct} village_id""",
        [StatusSource.RULE, *rule_codes, eligible, not_eligible, eligible, not_eligible],
    )
    written = _write_changes(n, on=on, now=now, user_id=None, reason="rule")
    temp_table(NEW, SUBJECT)
    run(
        f"""INSERT INTO {NEW} (aid_id, household_id, member_id, member_key)
        SELECT el.aid_id, el.household_id, el.member_id, el.member_key FROM {ELIGIBLE} el
        WHERE NOT EXISTS (SELECT 1 FROM {E} e WHERE e.household_id = el.household_id
            AND e.aid_id = el.aid_id AND COALESCE(e.member_id, 0) = el.member_key)"""
    )
    written += _write_new(
        status_sql="%s",
        status_params=[AidStatus.ELIGIBLE],
        on=on,
        now=now,
        user_id=None,
        source=StatusSource.RULE,
        in_programme_sql="TRUE",
    )
    if written:
        _coverage_follow()
    return written


# ---------------------------------------------------------------- roster statuses


def wanted_table() -> str:
    """The empty table of roster statuses to apply: ``(aid_id, household_id, member_id,
    member_key, receiving)``, ``receiving`` 1 or 0. Fill it, then ``roster_apply``."""
    return temp_table(WANTED, f"{SUBJECT}, receiving INTEGER")


def roster_apply(*, on: datetime.date, user_id: int | None, rows: int = -1) -> int:
    """Apply the statuses listed in ``aid_roster_wanted`` (``rows`` of them, -1: unknown;
    see ``assistance.services.roster.roster_aid_apply`` for their meaning): rows created or
    changed. Entries for an aid not in the catalogue, or of the wrong unit, are ignored."""
    now = timezone.now()
    run(
        f"""DELETE FROM {WANTED} WHERE NOT EXISTS (SELECT 1 FROM assistance_aid a
            WHERE a.code = {WANTED}.aid_id AND a.unit = CASE WHEN {WANTED}.member_id IS NULL
                THEN %s ELSE %s END)""",
        [AidUnit.FAMILY, AidUnit.MEMBER],
    )
    if rows < 0 or rows > LARGE:
        _index(WANTED)
    receiving = AidStatus.RECEIVING
    match = (
        "e.household_id = w.household_id AND e.aid_id = w.aid_id "
        "AND COALESCE(e.member_id, 0) = w.member_key"
    )
    # The rule only matters for a receiving row the roster says is not received any
    # more: only those families are evaluated.
    stopped = scope_fill(
        sql=f"""SELECT w.household_id AS id FROM {WANTED} w JOIN {E} e ON {match}
            WHERE w.receiving = 0 AND e.status = %s""",
        params=[receiving],
    )
    rule = "NULL"
    if stopped:
        eligible_fill(Aid.objects.filter(code__in=ROSTER_AIDS).prefetch_related("components"), on)
        rule = f"""(SELECT el.aid_id FROM {ELIGIBLE} el WHERE el.household_id = e.household_id
            AND el.aid_id = e.aid_id AND el.member_key = w.member_key)"""
    _changes_table()
    _delta_table()
    n = run(
        f"""INSERT INTO {CHANGES} (id, status, status_changed, in_programme, facilitator_id,
            village_id)
        SELECT e.id,
            CASE WHEN w.receiving = 1 THEN %s WHEN {rule} IS NOT NULL THEN %s ELSE %s END,
            1, {_in_programme_sql()}, h.facilitator_id, h.village_id
        FROM {WANTED} w JOIN {E} e ON {match}
            JOIN {H} h ON h.id = e.household_id
            LEFT JOIN {M} m ON m.id = e.member_id
        WHERE (w.receiving = 1 AND e.status <> %s) OR (w.receiving = 0 AND e.status = %s)""",
        [receiving, AidStatus.ELIGIBLE, AidStatus.NOT_ELIGIBLE, receiving, receiving],
    )
    written = _write_changes(n, on=on, now=now, user_id=user_id, reason="roster")
    temp_table(NEW, SUBJECT)
    run(
        f"""INSERT INTO {NEW} (aid_id, household_id, member_id, member_key)
        SELECT w.aid_id, w.household_id, w.member_id, w.member_key FROM {WANTED} w
        WHERE w.receiving = 1 AND NOT EXISTS (SELECT 1 FROM {E} e WHERE {match})"""
    )
    written += _write_new(
        status_sql="%s",
        status_params=[receiving],
        on=on,
        now=now,
        user_id=user_id,
        source=StatusSource.ROSTER,
        in_programme_sql=f"(h.status = '{HouseholdStatus.ACTIVE}' AND m.left_on IS NULL)",
    )
    if written:
        _coverage_follow()
    return written


ROSTER_AIDS = ("KIP", "KIS", "SEMBAKO", "KKS")
