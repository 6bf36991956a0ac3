"""scripts/backup.sh and scripts/restore.sh, run for real against PostgreSQL.

The test database (a scratch database pytest created) gets some families, backup.sh
dumps it, restore.sh loads the dump into a second scratch database this test creates
(and drops again), and the two are compared.
"""

import os
import secrets
import shutil
import stat
import subprocess
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.db import connection

from households.models import Household, Member, Visit
from households.tests.factories import VisitFactory, household_with_members

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parent.parent.parent
BACKUP = BASE_DIR / "scripts" / "backup.sh"
RESTORE = BASE_DIR / "scripts" / "restore.sh"
TABLES = [
    "households_household",
    "households_member",
    "households_visit",
    "households_region",
    "accounts_user",
    "django_migrations",
]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (pg_dump / pg_restore)")
    for tool in ("pg_dump", "pg_restore", "psql"):
        assert shutil.which(tool), f"{tool} is needed for backups on PostgreSQL"


def database_url(name: str) -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{quote(db.get('USER') or 'postgres', safe='')}{password}@"
        f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"
    )


def server_connection():
    db = connection.settings_dict
    conn = psycopg2.connect(
        dbname="postgres",
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
    )
    conn.autocommit = True
    return conn


@pytest.fixture
def scratch_database():
    """An empty database created here and dropped at the end (only this one)."""
    name = f"{connection.settings_dict['NAME']}_restore_{secrets.token_hex(4)}"
    server = server_connection()
    with server.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with server.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.close()


def run(script: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(script), *args], env=env, capture_output=True, text=True, timeout=120
    )


def counts(url: str) -> dict[str, int]:
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        result = {}
        for table in TABLES:
            cur.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (names above)
            result[table] = cur.fetchone()[0]
    conn.close()
    return result


def test_backup_then_restore_into_an_empty_database(tmp_path, scratch_database):
    families = [household_with_members() for _ in range(6)]
    for household in families[:3]:
        VisitFactory(household=household, notes="Anak sudah kembali sekolah.")
    media = tmp_path / "media"
    (media / "imports" / "2026" / "11").mkdir(parents=True)
    (media / "imports" / "2026" / "11" / "roster.csv").write_text("NIK KTP;NAMA\n")
    private = tmp_path / "private"
    (private / "p2k2").mkdir(parents=True)
    photo = os.urandom(4096)
    (private / "p2k2" / "sesi-1.jpg").write_bytes(photo)
    backups = tmp_path / "backups"
    backups.mkdir()
    source_db = connection.settings_dict["NAME"]
    source_url = database_url(source_db)
    # Two older sets already there: with BACKUP_KEEP=2 the oldest must go.
    for stamp in ("20250101T020000Z", "20250102T020000Z"):
        for suffix in (".dump", "-media.tar", "-private-media.tar"):
            (backups / f"pendamping-{source_db}-{stamp}{suffix}").write_text("old")
    env = {
        **os.environ,
        "DATABASE_URL": source_url,
        "BACKUP_DIR": str(backups),
        "BACKUP_KEEP": "2",
        "DJANGO_MEDIA_ROOT": str(media),
        "PKH_PRIVATE_MEDIA_ROOT": str(private),
    }

    backup = run(BACKUP, env=env)

    assert backup.returncode == 0, backup.stderr
    assert source_url not in backup.stdout + backup.stderr
    dumps = sorted(backups.glob("*.dump"))
    assert len(dumps) == 2, "the oldest set is removed, the newest two stay"
    assert dumps[0].name.endswith("-20250102T020000Z.dump")
    assert not list(backups.glob("*20250101T020000Z*"))
    dump = dumps[-1]
    stem = dump.name.removesuffix(".dump")
    assert (backups / f"{stem}-media.tar").exists()
    private_tar = backups / f"{stem}-private-media.tar"
    for made in (dump, private_tar):
        assert stat.S_IMODE(made.stat().st_mode) == 0o600, "backups hold personal data"
    assert not list(backups.glob("*.partial"))

    target_url = database_url(scratch_database)
    restore = run(RESTORE, str(dump), target_url, env=os.environ.copy())

    assert restore.returncode == 0, restore.stderr
    source_counts = counts(source_url)
    assert source_counts["households_household"] == 6
    assert source_counts["households_member"] == 24
    assert source_counts["households_visit"] == 3
    assert counts(target_url) == source_counts
    member = Member.objects.order_by("pk").last()
    household = Household.objects.get(pk=families[2].pk)
    visit = Visit.objects.order_by("pk").first()
    with psycopg2.connect(target_url) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT nik, name, birth_date FROM households_member WHERE id = %s", [member.pk]
        )
        assert cur.fetchone() == (member.nik, member.name, member.birth_date)
        cur.execute("SELECT no_kk, id_keluarga FROM households_household WHERE id = %s", [household.pk])  # fmt: skip
        assert cur.fetchone() == (household.no_kk, household.id_keluarga)
        cur.execute("SELECT notes, date FROM households_visit WHERE id = %s", [visit.pk])
        assert cur.fetchone() == (visit.notes, visit.date)
        # The sequences came along: the next family gets a fresh id.
        cur.execute("SELECT nextval(pg_get_serial_sequence('households_household', 'id'))")
        assert cur.fetchone()[0] > max(h.pk for h in families)
    conn.close()

    # A database with tables is refused without --force, and left as it was.
    again = run(RESTORE, str(dump), target_url, env=os.environ.copy())
    assert again.returncode == 3
    assert "refusing" in again.stderr
    # --force: --clean --if-exists drops what the backup holds and loads it again (no
    # doubled rows).
    forced = run(RESTORE, "--force", str(dump), target_url, env=os.environ.copy())
    assert forced.returncode == 0, forced.stderr
    assert counts(target_url) == source_counts

    # The private files come back byte for byte; a folder with files is refused.
    restored_private = tmp_path / "restored-private"
    files = run(RESTORE, "--files", str(private_tar), str(restored_private), env=os.environ.copy())
    assert files.returncode == 0, files.stderr
    assert (restored_private / "p2k2" / "sesi-1.jpg").read_bytes() == photo
    refused = run(RESTORE, "--files", str(private_tar), str(restored_private), env=os.environ.copy())  # fmt: skip
    assert refused.returncode == 3


def test_restore_refuses_a_damaged_backup(tmp_path, scratch_database):
    broken = tmp_path / "pendamping-x-20260101T000000Z.dump"
    broken.write_bytes(b"PGDMP" + os.urandom(200))
    result = run(RESTORE, str(broken), database_url(scratch_database), env=os.environ.copy())
    assert result.returncode != 0
    assert counts_tables(database_url(scratch_database)) == 0


def counts_tables(url: str) -> int:
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"  # noqa: E501
        )
        result = cur.fetchone()[0]
    conn.close()
    return result


def test_backup_needs_a_postgresql_url(tmp_path):
    env = {**os.environ, "DATABASE_URL": "sqlite:///db.sqlite3", "BACKUP_DIR": str(tmp_path)}
    result = run(BACKUP, env=env)
    assert result.returncode == 2
    assert not list(tmp_path.iterdir())
