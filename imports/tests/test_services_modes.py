"""The meaning of an import (docs/roster_format.md): dry run, all-or-nothing, skip-invalid,
confirming, and who may import."""

import pytest
from django.core.exceptions import ValidationError

from fds_sessions.models import FdsGroup
from households.models import Household, Member
from imports.models import ImportMode, ImportStatus
from imports.services import (
    roster_import_cancel,
    roster_import_confirm,
    roster_import_create,
    roster_import_validate,
)
from imports.tests.helpers import history_count
from imports.tests.roster import csv_bytes

pytestmark = pytest.mark.django_db


def test_dry_run_writes_nothing(builder, run_import):
    roster_import = run_import(csv_bytes(list(builder.families(3))), mode=ImportMode.DRY_RUN)
    assert roster_import.status == ImportStatus.DONE and not roster_import.committed
    assert roster_import.households_created == 3
    assert Household.objects.count() == 0 and history_count() == 0


def test_all_or_nothing_writes_nothing_when_a_row_is_rejected(builder, run_import):
    families = list(builder.families(3))
    families[2][1]["JK"] = "W"
    roster_import = run_import(csv_bytes(families))
    assert roster_import.status == ImportStatus.FAILED and not roster_import.committed
    assert Household.objects.count() == 0 and FdsGroup.objects.count() == 0


def test_skip_invalid_leaves_out_whole_families(builder, run_import):
    families = list(builder.families(3))
    families[1][2]["JK"] = "W"
    roster_import = run_import(csv_bytes(families), mode=ImportMode.SKIP_INVALID)
    assert roster_import.committed
    assert roster_import.households_created == 2 and roster_import.households_skipped == 1
    assert not Household.objects.filter(id_keluarga=families[1][0]["IDSEMESTA"]).exists()
    assert not Member.objects.filter(nik=families[1][0]["NIK KTP"]).exists()


def test_confirm_rules(builder, admin_user, other_region_admin):
    families = list(builder.families(2))
    families[0][0]["JK"] = "?"
    from django.core.files.base import ContentFile

    roster_import = roster_import_create(
        by=admin_user, file=ContentFile(csv_bytes(families)), file_name="r.csv", enqueue=False
    )
    roster_import = roster_import_validate(roster_import_id=roster_import.pk)
    assert roster_import.status == ImportStatus.AWAITING_CONFIRMATION
    with pytest.raises(ValidationError, match="semua atau tidak"):
        roster_import_confirm(roster_import=roster_import, by=admin_user)
    with pytest.raises(ValidationError):
        roster_import_confirm(roster_import=roster_import, by=other_region_admin)
    confirmed = roster_import_confirm(
        roster_import=roster_import, by=admin_user, mode=ImportMode.SKIP_INVALID
    )
    assert confirmed.status == ImportStatus.IMPORTING
    with pytest.raises(ValidationError):
        roster_import_cancel(roster_import=confirmed, by=admin_user)


def test_only_admins_may_import(facilitator):
    from django.core.files.base import ContentFile

    with pytest.raises(ValidationError):
        roster_import_create(by=facilitator, file=ContentFile(b"x"), file_name="r.csv")
