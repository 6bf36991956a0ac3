import datetime

import pytest
from django.core.files import File
from django.core.files.base import ContentFile

from households.tests.factories import JETIS_VILLAGES
from imports.models import ImportMode
from imports.services import roster_import_create, roster_import_run
from imports.tests.roster import RosterBuilder


@pytest.fixture
def builder(facilitator, other_facilitator):
    return RosterBuilder(
        villages=list(JETIS_VILLAGES),
        facilitators=[facilitator.username, other_facilitator.username],
        today=datetime.date(2026, 11, 1),
    )


@pytest.fixture
def run_import(admin_user):
    """Upload bytes (or a path) and run validation + write synchronously (the CLI path)."""

    def run(data, *, name="roster.csv", mode=ImportMode.ALL_OR_NOTHING, by=None, sheet=""):
        if isinstance(data, bytes):
            roster_import = roster_import_create(
                by=by or admin_user,
                file=ContentFile(data, name=name),
                file_name=name,
                mode=mode,
                sheet=sheet,
                enqueue=False,
            )
        else:
            with open(data, "rb") as handle:  # streamed into storage, never read whole
                roster_import = roster_import_create(
                    by=by or admin_user,
                    file=File(handle, name=name),
                    file_name=name,
                    mode=mode,
                    sheet=sheet,
                    enqueue=False,
                )
        return roster_import_run(roster_import=roster_import)

    return run


@pytest.fixture
def components(seeded_rows):
    """The seeded PKH components again: a transactional test's flush empties the table."""
