"""Roster import benchmark (PostgreSQL only): linear cost, the registry part against
its floor, and the peer.

    createdb -h 127.0.0.1 -U postgres bench_import_a
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_import_a \\
        .venv/bin/python bench/bench_import.py [--sizes 10000,50000,100000,400000]
        [--generators tidy,field] [--seed-families 200000] [--peer-sizes 100000]
        [--template bench_import_tpl200k] [--out bench/out/import]

1. Seeds the registry once with ``bench/seed/`` (``--seed-families``: 200,000 families
   with their members and audit trail) and keeps a copy of that database as the
   template ``--template`` (made once, ``createdb -T``; drop it to seed again).
2. For every generator (``tidy``: ``bench/gen_roster.py``; ``field``:
   ``bench/gen_roster_field.py``, whose expected counts are compared with the import's)
   and every size (families): the database is made again from the template (every
   import goes into the same registry of 200,000), the roster is generated (kept in
   ``--out``), PostgreSQL's own COPY of the file into a plain text table is timed, then
   ``manage.py import_roster --skip-invalid --json`` runs in its own process with
   ``IMPORTS_SQL_TIMING=1``: wall time, that process's peak RSS (wait4), each step. The
   **registry part** is the wall time without the follow-up stage (the ``derived`` step:
   the file's aid statuses, aid eligibility rows and FDS periods, computed after the
   commit): process start, read, check, dedupe, write, commit. The follow-up stage is
   printed on its own.
3. The **floor** in the same run: the families and members that import wrote, copied
   with new keys by COPY straight into the registry tables (indexes, triggers, the
   trigram merge, the deferred foreign-key checks), rolled back: what
   ``bench/floor_registry.sql`` does, for this import's rows.
4. The **peer** (``--peer-sizes``): the same file with django-import-export
   (``bench/peer_import_export.py``, in ``bench/.peer-venv``; ``--make-peer-venv``
   creates it, else the peer is skipped and the output says so) into a fresh copy of
   the same registry.
5. A table: time per 1,000 rows for each size (registry part, follow-up stage, COPY,
   floor, peer), the largest size's per-row cost over the smallest's (goal <= 1.3),
   rows/s, and the ratios of the registry part to the COPY, the floor and the peer.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pkh.settings.base")

SMALL_PREFIX, BIG_PREFIX = "0036", "0035"


def django_setup():
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench_import.py needs PostgreSQL: set DATABASE_URL.")
    return connection


def prepare(seed_families: int) -> list[str]:
    """Seed (idempotent) and return the usernames of 50 seeded facilitators."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    # In a process of its own: seeding grows this one, and the import processes forked
    # from it would start with its pages (their peak RSS, from wait4, would count them).
    subprocess.run(
        [sys.executable, "-m", "bench.seed", "--families", str(seed_families), "--region", "34.02"],
        cwd=ROOT,
        check=True,
    )
    from accounts.models import Role, User

    return list(
        User.objects.filter(role=Role.FACILITATOR, is_active=True)
        .order_by("username")
        .values_list("username", flat=True)[:50]
    )


VACUUMED = (
    "households_household",
    "households_member",
    "households_member_components",
    "households_historicalhousehold",
    "households_historicalmember",
    "households_historicalmember_components",
    "households_householdtransfer",
    "assistance_aidenrolment",
    "assistance_historicalaidenrolment",
    "fds_sessions_groupmembership",
)


def delete_families(connection, prefix: str) -> None:
    """Remove families (and everything of theirs) whose ID starts with ``prefix``."""
    with connection.cursor() as c:
        c.execute(
            "CREATE TEMP TABLE gone AS SELECT id FROM households_household "
            "WHERE id_keluarga LIKE %s",
            [prefix + "%"],
        )
        c.execute("SELECT COUNT(*) FROM gone")
        if c.fetchone()[0]:
            c.execute(
                "CREATE TEMP TABLE gone_m AS SELECT id FROM households_member "
                "WHERE household_id IN (SELECT id FROM gone)"
            )
            for sql in (
                # What the upper apps wrote for these families (aid rows, FDS periods).
                "DELETE FROM assistance_historicalaidenrolment WHERE household_id IN "
                "(SELECT id FROM gone)",
                "DELETE FROM assistance_aidenrolment WHERE household_id IN (SELECT id FROM gone)",
                "DELETE FROM fds_sessions_groupmembership WHERE household_id IN "
                "(SELECT id FROM gone)",
                "DELETE FROM households_historicalmember_components WHERE member_id IN "
                "(SELECT id FROM gone_m)",
                "DELETE FROM households_member_components WHERE member_id IN (SELECT id FROM gone_m)",
                "DELETE FROM households_historicalmember WHERE id IN (SELECT id FROM gone_m)",
                "DELETE FROM households_member WHERE id IN (SELECT id FROM gone_m)",
                "DELETE FROM households_householdtransfer WHERE household_id IN (SELECT id FROM gone)",
                "DELETE FROM households_historicalhousehold WHERE id IN (SELECT id FROM gone)",
                "DELETE FROM households_household WHERE id IN (SELECT id FROM gone)",
            ):
                c.execute(sql)
            c.execute("DROP TABLE gone_m")
        c.execute("DROP TABLE gone")
        c.execute(
            "TRUNCATE imports_stagingrow, imports_stagingfamily, imports_staginghousehold, "
            "imports_stagingmember"
        )
    from assistance.services.coverage import coverage_counts_rebuild

    coverage_counts_rebuild()  # the aid rollup without the deleted families
    # Every run deletes what the previous one wrote (about 3 million rows): without a
    # VACUUM the dead rows pile up run after run (autovacuum lags behind) and each run is
    # slower than the one before it, whatever the code.
    with connection.cursor() as c:
        for table in VACUUMED:
            c.execute(f"VACUUM ANALYZE {table}")


def generate(path: str, families: int, *, part: int, prefix: str, facilitators: list[str]) -> int:
    from bench.gen_roster import generate as gen

    return gen(path, families, part=part, prefix=prefix, facilitator_names=facilitators)


def copy_baseline(connection, path: str) -> float:
    """Seconds PostgreSQL's COPY takes to load the CSV into a plain 20-column table."""
    columns = ", ".join(f"c{i} text" for i in range(20))
    with connection.cursor() as c:
        c.execute(
            f"DROP TABLE IF EXISTS bench_copy_baseline; CREATE TABLE bench_copy_baseline ({columns})"
        )
    with open(path, encoding="utf-8-sig") as f, connection.cursor() as c:
        started = time.perf_counter()
        c.copy_expert(
            "COPY bench_copy_baseline FROM STDIN WITH (FORMAT csv, DELIMITER ';', HEADER true)", f
        )
        elapsed = time.perf_counter() - started
    with connection.cursor() as c:
        c.execute("DROP TABLE bench_copy_baseline")
    return elapsed


def run_import(path: str) -> dict:
    """Run import_roster in its own process; wall time and that process's peak RSS."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "pkh.settings.base",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    started = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "import_roster",
            path,
            "--skip-invalid",
            "--by",
            "bench_admin",
            "--json",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # Both pipes at once: the SQL timing log on stderr outgrows a pipe's buffer on a
    # large roster, and reading stdout first would then wait for ever on a child that
    # waits for its stderr to be read.
    out, err = _drain(proc)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    try:
        result = json.loads(out.decode().strip().splitlines()[-1])
    except (IndexError, ValueError):
        sys.exit(f"import failed (status {status}):\n{out.decode()}\n{err.decode()}")
    log = Path(path).with_suffix(f".{time.time_ns()}.stderr")
    log.write_bytes(err)
    result["stderr"] = str(log)
    result["wall_seconds"] = wall
    result["peak_rss_mb"] = usage.ru_maxrss / 1024
    result["exit_status"] = os.waitstatus_to_exitcode(status)
    return result


def _drain(proc: subprocess.Popen) -> tuple[bytes, bytes]:
    """Read a child's stdout and stderr to the end together (a thread for stderr), without
    reaping it: the caller takes its resource usage with ``os.wait4``."""
    chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: chunks.append(proc.stderr.read()))
    reader.start()
    out = proc.stdout.read()
    reader.join()
    return out, b"".join(chunks)


def report(label: str, result: dict, copy_seconds: float | None = None) -> None:
    rows = result["rows"]
    line = (
        f"{label}: {rows} rows in {result['wall_seconds']:.1f} s = "
        f"{rows / result['wall_seconds']:,.0f} rows/s, peak RSS {result['peak_rss_mb']:.0f} MB; "
        f"households +{result['households_created']} ~{result['households_updated']} "
        f"={result['households_unchanged']} skipped {result['households_skipped']}, "
        f"members +{result['members_created']} ~{result['members_updated']} "
        f"={result['members_unchanged']}, rejected {result['rows_rejected']}, "
        f"warnings {result['warnings']}, committed {result['committed']}"
    )
    if copy_seconds:
        line += f"; COPY {copy_seconds:.2f} s, ratio {result['wall_seconds'] / copy_seconds:.1f}x"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    line += f"; load average {load}; log {result['stderr']}"
    print(line, flush=True)
    if copy_seconds:
        summarise(result["stderr"], copy_seconds, created=result["households_created"])


TIMING = re.compile(r" pkh\.sql (\d+\.\d+) s  (.*)$")
# The floor: the registry's two plain inserts (households, then members).
FLOOR = ("INSERT INTO households_household (", "INSERT INTO households_member (")
# Steps logged inside another one (the aid rollup, the FDS periods; and every
# "<group>.<step>" of imports.checks / imports.apply).
NESTED = ("[step] coverage_rebuild", "[step] memberships_sync")


def summarise(log: str, copy_seconds: float, *, created: int) -> None:
    """Print the steps of an IMPORTS_SQL_TIMING log and the floor (see the docstring)."""
    steps, within, floor = [], [], []
    for line in Path(log).read_text(errors="replace").splitlines():
        match = TIMING.search(line)
        if not match:
            continue
        seconds, text = float(match.group(1)), match.group(2)
        # Nested too: the named steps of check_file, check_registry and apply
        # ("[step] check_file.reject_nik_repeated_in_file", pkh.sql.run_steps).
        nested_step = text.startswith("[step] ") and "." in text[7:].split(" ")[0]
        if text.startswith(NESTED) or nested_step:
            within.append((text[7:], seconds))  # part of the step that follows it
        elif text.startswith("[step] "):
            steps.append((text[7:], seconds))
        elif text.startswith(FLOOR):
            floor.append((text.split(" (")[0][12:], seconds))
    if not steps:
        return  # IMPORTS_SQL_TIMING was not set
    print("  steps: " + ", ".join(f"{name} {sec:.1f} s" for name, sec in steps), flush=True)
    if within:
        print("  within them: " + ", ".join(f"{n} {sec:.1f} s" for n, sec in within), flush=True)
    if not created:
        return  # nothing new was written: no floor to show
    total = sum(sec for _name, sec in floor)
    parts = " + ".join(f"{table} {sec:.2f} s" for table, sec in floor)
    print(
        f"  floor (plain registry inserts): {parts} = {total:.2f} s = "
        f"{total / copy_seconds:.1f}x COPY",
        flush=True,
    )


PREFIXES = {"tidy": "0035", "field": "0037"}
DERIVED_STEPS = ("roster_aid_apply", "families_changed")
HOUSEHOLD_COLUMNS = (
    "id_keluarga, no_kk, address, rt, rw, phone, status, status_date, status_reason, "
    "exit_type, year_joined, welfare_decile, last_visit_on, created_at, updated_at, "
    "facilitator_id, fds_group_id, village_id, pengurus_name_cache, component_mask"
)
MEMBER_COLUMNS = (
    "nik, name, name_normalized, sex, birth_date, relationship, is_pengurus, disability, "
    "school_level, left_on, left_reason, created_at, updated_at, household_id"
)


def server(*args: str) -> None:
    from django.conf import settings

    db = settings.DATABASES["default"]
    base = ["-h", db.get("HOST") or "127.0.0.1", "-U", db.get("USER") or "postgres"]
    subprocess.run([args[0], *base, *args[1:]], check=True, capture_output=True)


def restore(connection, template: str) -> None:
    """The benchmark database made again from the seeded template."""
    name = connection.settings_dict["NAME"]
    connection.close()
    server("dropdb", "--if-exists", name)
    server("createdb", "-T", template, name)


def ensure_template(connection, template: str, seed_families: int) -> None:
    with connection.cursor() as c:
        c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
        exists = c.fetchone()
    if exists:
        return
    prepare(seed_families)
    connection.close()
    server("createdb", "-T", connection.settings_dict["NAME"], template)


def facilitator_names() -> list[str]:
    from accounts.models import Role, User

    return list(
        User.objects.filter(role=Role.FACILITATOR, is_active=True)
        .order_by("username")
        .values_list("username", flat=True)[:50]
    )


def roster_file(out: Path, generator: str, families: int, facilitators: list[str]):
    """The roster (kept in ``out``: made once per generator and size), its row count and,
    for the field generator, its expected counts."""
    path = out / f"{generator}-{families}.csv"
    expected_path = Path(str(path) + ".expected.json")
    if generator == "tidy":
        if not path.exists():
            generate(
                str(path), families, part=1, prefix=PREFIXES["tidy"], facilitators=facilitators
            )
        with open(path, encoding="utf-8-sig") as f:
            rows = sum(1 for _ in f) - 1
        return path, rows, None
    if not expected_path.exists():
        from bench.gen_roster_field import generate as field

        field(str(path), families, prefix=PREFIXES["field"], facilitators=facilitators)
    expected = json.loads(expected_path.read_text())
    return path, expected["rows"], expected


def copy_file_baseline(connection, path: Path) -> float:
    """Seconds PostgreSQL's COPY takes to load the CSV into a plain text table."""
    with open(path, encoding="utf-8-sig") as f:
        header = f.readline()
    delimiter = ";" if header.count(";") > header.count(",") else ","
    width = len(header.split(delimiter))
    columns = ", ".join(f"c{i} text" for i in range(width))
    with connection.cursor() as c:
        c.execute(
            f"DROP TABLE IF EXISTS bench_copy_baseline; CREATE TABLE bench_copy_baseline ({columns})"
        )
    with open(path, encoding="utf-8-sig") as f, connection.cursor() as c:
        started = time.perf_counter()
        c.copy_expert(
            f"COPY bench_copy_baseline FROM STDIN WITH (FORMAT csv, DELIMITER '{delimiter}', HEADER true)",
            f,
        )
        elapsed = time.perf_counter() - started
    with connection.cursor() as c:
        c.execute("DROP TABLE bench_copy_baseline")
    return elapsed


def floor_seconds(connection, prefix: str) -> tuple[float, int, int]:
    """bench/floor_registry.sql for this import's rows: their copies (new keys) loaded by
    COPY straight into the registry tables, the trigram pending list merged, the deferred
    foreign keys checked; rolled back. Returns seconds, households, members."""

    like = prefix + "%"
    with tempfile.TemporaryFile("w+") as households, tempfile.TemporaryFile("w+") as members:
        return _floor(connection, like, households, members)


def _floor(connection, like: str, households, members) -> tuple[float, int, int]:
    from django.db import transaction

    with connection.cursor() as c:
        c.copy_expert(
            c.mogrify(
                f"COPY (SELECT '9' || substr(id_keluarga, 2), {HOUSEHOLD_COLUMNS.split(', ', 1)[1]} "
                "FROM households_household WHERE id_keluarga LIKE %s) TO STDOUT",
                [like],
            ).decode(),
            households,
        )
        c.copy_expert(
            c.mogrify(
                "COPY (SELECT '9' || substr(m.nik, 2), m.name, m.name_normalized, m.sex, "
                "m.birth_date, m.relationship, false, m.disability, m.school_level, m.left_on, "
                "m.left_reason, m.created_at, m.updated_at, m.household_id FROM households_member m "
                "JOIN households_household h ON h.id = m.household_id WHERE h.id_keluarga LIKE %s) "
                "TO STDOUT",
                [like],
            ).decode(),
            members,
        )
    households.seek(0)
    members.seek(0)
    n_households = sum(1 for _ in households)
    n_members = sum(1 for _ in members)
    households.seek(0)
    members.seek(0)
    with transaction.atomic(), connection.cursor() as c:
        c.execute("SET LOCAL jit = off")
        c.execute("SET LOCAL gin_pending_list_limit = '256MB'")
        started = time.perf_counter()
        c.copy_expert(f"COPY households_household ({HOUSEHOLD_COLUMNS}) FROM STDIN", households)
        c.copy_expert(f"COPY households_member ({MEMBER_COLUMNS}) FROM STDIN", members)
        c.execute("SELECT gin_clean_pending_list('member_name_trgm'::regclass)")
        c.execute("SET CONSTRAINTS ALL IMMEDIATE")
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed, n_households, n_members


def derived_seconds(steps: dict[str, float]) -> float:
    """The follow-up stage's time: its whole step (``derived``: the file's aid statuses
    and every ``families_changed`` reaction, with the Python between them), else (a log
    without it) the sum of its parts."""
    if "derived" in steps:
        return steps["derived"]
    return sum(sec for name, sec in steps.items() if name.startswith(DERIVED_STEPS))


def top_steps(log: str) -> dict[str, float]:
    """The top-level steps of an IMPORTS_SQL_TIMING log (stage, check_file, ...)."""
    steps: dict[str, float] = {}
    for line in Path(log).read_text(errors="replace").splitlines():
        match = TIMING.search(line)
        if not match or not match.group(2).startswith("[step] "):
            continue
        name = match.group(2)[7:].split(" ")[0]
        if "." in name or match.group(2).startswith(NESTED):
            continue
        steps[name] = steps.get(name, 0.0) + float(match.group(1))
    return steps


PEER_PYTHON = ROOT / "bench" / ".peer-venv" / "bin" / "python"


def peer_available() -> bool:
    """The peer runs only if its environment exists (``--make-peer-venv`` makes it)."""
    return PEER_PYTHON.exists()


def run_peer(path: Path) -> dict:
    python = PEER_PYTHON
    ensure_peer_venv(python)
    env = {**os.environ, "DJANGO_DEBUG": "false", "DJANGO_LOG_LEVEL": "WARNING"}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(python), "bench/peer_import_export.py", str(path), "--by", "bench_admin"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = _drain(proc)
    _pid, status, usage = os.wait4(proc.pid, 0)
    try:
        result = json.loads(out.decode().strip().splitlines()[-1])
    except (IndexError, ValueError):
        sys.exit(f"peer failed (status {status}):\n{out.decode()}\n{err.decode()[-3000:]}")
    result["wall_seconds"] = time.perf_counter() - started
    result["peak_rss_mb"] = usage.ru_maxrss / 1024
    return result


PEER_PACKAGE = "django-import-export==4.4.3"


def ensure_peer_venv(python: Path) -> None:
    """bench/.peer-venv: its own environment, seeing the app's packages through a .pth
    file, with django-import-export installed into it alone (gitignored)."""
    if python.exists():
        check = subprocess.run([str(python), "-c", "import import_export"], capture_output=True)
        if check.returncode == 0:
            return
    venv = python.parent.parent
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=False)
    if not (venv / "bin" / "pip").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    import django

    app_site = Path(django.__file__).resolve().parent.parent
    for site in venv.glob("lib/python*/site-packages"):
        (site / "app-venv.pth").write_text(str(app_site) + "\n")
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", PEER_PACKAGE], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description="Roster import benchmark (PostgreSQL)")
    parser.add_argument(
        "--sizes", default="10000,50000,100000,400000", help="families, comma-separated"
    )
    parser.add_argument("--generators", default="tidy,field")
    parser.add_argument("--seed-families", type=int, default=200_000)
    parser.add_argument("--peer-sizes", default="100000", help="'' for no peer run")
    parser.add_argument(
        "--make-peer-venv",
        action="store_true",
        help="install django-import-export into bench/.peer-venv first (else no peer run "
        "without it)",
    )
    parser.add_argument("--template", default="bench_import_tpl200k")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "import"))
    args = parser.parse_args()
    os.environ["IMPORTS_SQL_TIMING"] = "1"
    os.environ.setdefault("PKH_PRIVATE_MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-import-media-"))
    sizes = [int(x) for x in args.sizes.split(",") if x]
    peer_sizes = {int(x) for x in args.peer_sizes.split(",") if x}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.make_peer_venv and peer_sizes:
        ensure_peer_venv(PEER_PYTHON)
    connection = django_setup()
    ensure_template(connection, args.template, args.seed_families)
    restore(connection, args.template)
    from households.models import Household, Member

    print(
        f"registry (template {args.template}): {Household.objects.count()} families, "
        f"{Member.objects.count()} members; 2 cores shared with other work, load average "
        + ", ".join(f"{x:.2f}" for x in os.getloadavg()),
        flush=True,
    )
    facilitators = facilitator_names()
    table = []
    for generator in args.generators.split(","):
        for families in sizes:
            path, rows, expected = roster_file(out, generator, families, facilitators)
            restore(connection, args.template)
            copy = copy_file_baseline(connection, path)
            connection.close()
            result = run_import(str(path))
            steps = top_steps(result["stderr"])
            derived = derived_seconds(steps)
            registry = result["wall_seconds"] - derived
            floor, fh, fm = floor_seconds(connection, PREFIXES[generator])
            check = ""
            if expected:
                keys = ("rows", "rows_rejected", "households_created", "households_skipped",
                        "members_created", "warnings")  # fmt: skip
                wrong = {k: (result[k], expected[k]) for k in keys if result[k] != expected[k]}
                check = "expected counts: " + ("equal" if not wrong else f"DIFFER {wrong}")
            row = {
                "generator": generator,
                "families": families,
                "rows": rows,
                "wall": result["wall_seconds"],
                "registry": registry,
                "derived": derived,
                "copy": copy,
                "floor": floor,
                "rss": result["peak_rss_mb"],
                "steps": steps,
                "peer": None,
            }
            print(
                f"{generator} {families} families / {rows} rows: wall {row['wall']:.1f} s, "
                f"registry part {registry:.1f} s ({rows / registry:,.0f} rows/s, "
                f"{1000 * registry / rows:.3f} s per 1,000 rows), follow-up (derived) stage "
                f"{derived:.1f} s ({1000 * derived / rows:.3f} s per 1,000 rows); "
                f"COPY {copy:.2f} s (registry part {registry / copy:.0f}x); floor {floor:.1f} s "
                f"for {fh} households + {fm} members (registry part {registry / floor:.2f}x); "
                f"peak RSS {row['rss']:.0f} MB; {check}; load average "
                + ", ".join(f"{x:.2f}" for x in os.getloadavg()),
                flush=True,
            )
            print("  steps: " + ", ".join(f"{k} {v:.1f} s" for k, v in steps.items()), flush=True)
            if families in peer_sizes and not peer_available():
                print(
                    "  peer django-import-export: skipped (no bench/.peer-venv; create it "
                    "with --make-peer-venv)",
                    flush=True,
                )
            elif families in peer_sizes:
                restore(connection, args.template)
                connection.close()
                peer = run_peer(path)
                row["peer"] = peer
                print(
                    f"  peer django-import-export: households {peer['households_seconds']:.1f} s "
                    f"+ members {peer['members_seconds']:.1f} s = {peer['seconds']:.1f} s "
                    f"({rows / peer['seconds']:,.0f} rows/s; errors {peer['households_errors']} + "
                    f"{peer['members_errors']}), peak RSS {peer['peak_rss_mb']:.0f} MB; the "
                    f"registry part is {registry / peer['seconds']:.2f}x the peer's time "
                    f"(peer {1000 * peer['seconds'] / rows:.3f} s per 1,000 rows)",
                    flush=True,
                )
            table.append(row)
    print(
        "\nper 1,000 rows (s): registry part / follow-up stage / COPY / floor / peer; "
        "ratios of the registry part to COPY, floor and peer"
    )
    print(
        "generator  families      rows  registry  follow-up    COPY   floor    peer  "
        "rows/s   xCOPY  xfloor  xpeer  RSS MB"
    )
    for row in table:
        per = 1000 / row["rows"]
        peer = row["peer"]["seconds"] if row["peer"] else None
        print(
            f"{row['generator']:9} {row['families']:9} {row['rows']:9} "
            f"{per * row['registry']:9.3f} {per * row['derived']:10.3f} "
            f"{per * row['copy']:7.3f} {per * row['floor']:7.3f} "
            + (f"{per * peer:7.3f}" if peer else "      -")
            + f" {row['rows'] / row['registry']:7,.0f} {row['registry'] / row['copy']:7.0f} "
            f"{row['registry'] / row['floor']:7.2f} "
            + (f"{row['registry'] / peer:6.2f}" if peer else "     -")
            + f" {row['rss']:7.0f}"
        )
    for generator in args.generators.split(","):
        runs = [r for r in table if r["generator"] == generator]
        if len(runs) > 1:
            small, big = runs[0], runs[-1]
            per = lambda r, k: r[k] / r["rows"]  # noqa: E731
            print(
                f"{generator}: per-row cost of {big['families']} over {small['families']} families: "
                f"registry part {per(big, 'registry') / per(small, 'registry'):.2f}x, "
                f"wall {per(big, 'wall') / per(small, 'wall'):.2f}x (goal <= 1.3)"
            )
    (out / "results.json").write_text(json.dumps(table, indent=1, default=str))
    connection.close()


if __name__ == "__main__":
    main()
