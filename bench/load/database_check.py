"""The database check: every saved visit exists once with its audit row."""

from __future__ import annotations

from bench.load.virtual_user import Recorder


def check_database(database_url: str, rec: Recorder, tag: str) -> dict:
    import psycopg2

    tokens = [v["token"] for v in rec.saved_visits]
    failed = [v["token"] for v in rec.failed_visit_posts]
    conn = psycopg2.connect(database_url)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT client_token::text, count(*), min(id), min(household_id) "
                "FROM households_visit WHERE client_token = ANY(%s::uuid[]) GROUP BY 1",
                [tokens + failed],
            )
            found = {row[0]: row[1:] for row in cur.fetchall()}
            visit_ids = [found[t][1] for t in tokens if t in found]
            cur.execute(
                "SELECT id, count(*) FROM households_historicalvisit "
                "WHERE id = ANY(%s) AND history_type = '+' GROUP BY id",
                [visit_ids],
            )
            history = dict(cur.fetchall())
            cur.execute("SELECT count(*) FROM households_visit WHERE notes LIKE %s", [f"%{tag}"])
            tagged = cur.fetchone()[0]
            cur.execute(
                "SELECT count(*) FROM households_household h WHERE h.id = ANY(%s) AND "
                "(h.last_visit_on IS NULL OR h.last_visit_on < ("
                "SELECT max(date) FROM households_visit v WHERE v.household_id = h.id))",
                [[v["household"] for v in rec.saved_visits]],
            )
            stale_last_visit = cur.fetchone()[0]
    finally:
        conn.close()
    households = {v["token"]: v["household"] for v in rec.saved_visits}
    missing = [t for t in tokens if t not in found]
    duplicated = [t for t in tokens if t in found and found[t][0] != 1]
    wrong_family = [t for t in tokens if t in found and found[t][2] != households[t]]
    no_history = [t for t in tokens if t in found and history.get(found[t][1]) != 1]
    failed_but_saved = [t for t in failed if t in found]
    result = {
        "visits_saved_by_clients": len(tokens),
        "visit_posts_failed": len(failed),
        "failed_posts_that_did_commit": len(failed_but_saved),
        "missing": len(missing),
        "not_exactly_once": len(duplicated),
        "wrong_family": len(wrong_family),
        "without_history_row": len(no_history),
        "visits_with_run_tag": tagged,
        "households_with_stale_last_visit": stale_last_visit,
    }
    result["ok"] = (
        not missing
        and not duplicated
        and not wrong_family
        and not no_history
        and tagged == len(tokens) + len(failed_but_saved)
        and stale_last_visit == 0
    )
    return result
