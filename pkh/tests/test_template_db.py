"""The PostgreSQL test databases are copies of one migrated template (pkh.testing)."""

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from pkh.testing import TEMPLATE_PREFIX, migrations_digest


def test_the_digest_names_the_migrations(settings, tmp_path):
    (tmp_path / "app" / "migrations").mkdir(parents=True)
    migration = tmp_path / "app" / "migrations" / "0001_initial.py"
    migration.write_text("operations = []\n")
    settings.BASE_DIR = tmp_path
    first = migrations_digest()
    migration.write_text("operations = ['changed']\n")
    assert migrations_digest() != first


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_test_database_is_a_copy_of_the_current_template():
    if connection.vendor != "postgresql":
        pytest.skip("template databases are a PostgreSQL feature")
    template = connection.settings_dict["TEST"].get("TEMPLATE")
    assert template == TEMPLATE_PREFIX + migrations_digest()
    # Every migration on disk is recorded as applied: the copy is fully migrated.
    from django.db.migrations.loader import MigrationLoader

    on_disk = set(MigrationLoader(connection, ignore_no_migrations=True).disk_migrations)
    applied = set(MigrationRecorder(connection).applied_migrations())
    assert on_disk <= applied
