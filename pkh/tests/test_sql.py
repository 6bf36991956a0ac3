"""pkh.sql, the set-based helpers of the bulk writers, on whichever database the suite
runs (CI runs it on SQLite and on PostgreSQL)."""

import datetime
import logging

import pytest
from django.db import connection
from django.utils import timezone

from households.models import Visit
from households.tests.factories import HouseholdFactory, VisitFactory
from pkh import sql

pytestmark = pytest.mark.django_db


def test_run_returns_the_rows_touched_and_fetch_the_rows():
    sql.temp_table("t_sql_probe", "id integer, label varchar(10)")
    assert sql.run("INSERT INTO t_sql_probe VALUES (1, 'a'), (2, 'b'), (3, NULL)") == 3
    assert sql.fetch("SELECT id FROM t_sql_probe WHERE label IS NOT NULL ORDER BY id") == [
        (1,),
        (2,),
    ]
    assert sql.run("UPDATE t_sql_probe SET label = 'z' WHERE id > %s", [1]) == 2


def test_dialect_spellings_mean_the_same_on_each_database():
    d = sql.Dialect()
    assert d.postgres == (connection.vendor == "postgresql")
    sql.temp_table("t_sql_dialect", "grp integer, line integer, v integer")
    sql.run("INSERT INTO t_sql_dialect VALUES (1, 2, NULL), (1, 1, 5), (2, 3, 5)")
    listed = dict(sql.fetch(f"SELECT grp, {d.agg('line', 'line')} FROM t_sql_dialect GROUP BY grp"))
    assert sorted(listed[1].split(", ")) == ["1", "2"] and listed[2] == "3"
    if d.postgres:
        assert listed[1] == "1, 2"  # ordered on PostgreSQL
    # NULL-safe comparisons: NULL is distinct from 5 and not distinct from NULL.
    distinct = sql.fetch(
        f"SELECT COUNT(*) FROM t_sql_dialect a JOIN t_sql_dialect b ON a.line < b.line "
        f"AND a.v {d.distinct} b.v"
    )[0][0]
    same = sql.fetch(
        f"SELECT COUNT(*) FROM t_sql_dialect a JOIN t_sql_dialect b ON a.line < b.line "
        f"AND a.v {d.not_distinct} b.v"
    )[0][0]
    assert (distinct, same) == (2, 1)  # (1,2) and (2,3) differ; (1,3) both 5


def test_temp_table_is_emptied_when_asked_again():
    sql.temp_table("t_sql_again", "id integer")
    sql.run("INSERT INTO t_sql_again VALUES (1)")
    assert sql.temp_table("t_sql_again", "id integer") == "t_sql_again"
    assert sql.fetch("SELECT COUNT(*) FROM t_sql_again") == [(0,)]


def test_ids_fill_streams_chunks_and_ignores_repeats():
    sql.temp_table("t_sql_ids", "id bigint PRIMARY KEY")
    given = sql.ids_fill("t_sql_ids", iter([5, 1, 5, 9, 1, 12]), chunk=2)
    assert given == 6
    assert [row[0] for row in sql.fetch("SELECT id FROM t_sql_ids ORDER BY id")] == [1, 5, 9, 12]


def test_chunks_never_lists_the_iterator_whole():
    seen = []

    def values():
        for n in range(7):
            seen.append(n)
            yield n

    parts = sql.chunks(values(), 3)
    assert next(parts) == [0, 1, 2] and seen == [0, 1, 2]
    assert list(parts) == [[3, 4, 5], [6]]


def test_insert_select_fills_every_other_column_with_its_default(facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    now = timezone.now().replace(microsecond=0)
    n = sql.insert_select(
        Visit,
        {
            "household_id": ("h.id", []),
            "facilitator_id": ("h.facilitator_id", []),
            "date": ("%s", [datetime.date(2026, 11, 2)]),
            "purpose": ("%s", ["verifikasi"]),
        },
        "FROM households_household h WHERE h.id = %s",
        [household.pk],
        now,
    )
    assert n == 1
    visit = Visit.objects.get(household=household)
    assert (visit.notes, visit.follow_up_date, visit.client_token) == ("", None, None)
    assert visit.created_at == now == visit.updated_at


def test_insert_history_writes_the_audit_row_simple_history_would(facilitator):
    visit = VisitFactory(household=HouseholdFactory(facilitator=facilitator))
    when = timezone.now().replace(microsecond=0)
    n = sql.insert_history(
        Visit,
        source_alias="v",
        from_sql="FROM households_visit v WHERE v.id = %s",
        from_params=[visit.pk],
        history_type_sql="'~'",
        when=when,
        reason="uji",
        user_id=facilitator.pk,
    )
    assert n == 1
    row = visit.history.order_by("-history_id").first()
    assert (row.history_type, row.history_change_reason, row.history_user_id) == (
        "~",
        "uji",
        facilitator.pk,
    )
    assert row.history_date == when and row.notes == visit.notes


def test_analyze_runs_on_postgresql_and_is_a_no_op_elsewhere(django_assert_num_queries):
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 0):
        sql.analyze("households_visit")


def test_run_steps_runs_in_order_and_times_each_by_name(monkeypatch, caplog):
    order = []

    def first(ctx):
        order.append(("first", ctx))

    def second(ctx):
        order.append(("second", ctx))

    monkeypatch.setattr(sql, "SQL_TIMING", True)
    with caplog.at_level(logging.WARNING, logger="pkh.sql"):
        sql.run_steps((first, second), "ctx", group="probe")
    assert order == [("first", "ctx"), ("second", "ctx")]
    logged = [
        r.getMessage().split("[step] ")[1] for r in caplog.records if "[step]" in r.getMessage()
    ]
    assert logged == ["probe.first", "probe.second"]


def test_statement_timing_never_logs_parameters(monkeypatch, caplog):
    monkeypatch.setattr(sql, "SQL_TIMING", True)
    with caplog.at_level(logging.WARNING, logger="pkh.sql"):
        sql.fetch("SELECT %s", ["3402094101890001"])
    assert caplog.records and "3402094101890001" not in caplog.text
