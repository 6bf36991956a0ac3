import pytest

from households.models import Household, Member
from imports.tests.roster import csv_bytes

pytestmark = pytest.mark.django_db


def test_basic_import(builder, run_import, admin_user):
    families = list(builder.families(5))
    imp = run_import(csv_bytes(families))
    print(imp.status, imp.error, imp.rows, imp.rows_rejected, imp.warnings)
    for i in imp.issues.all():
        print(i.kind, i.line, i.column, i.reason)
    assert imp.committed, imp.error
    assert Household.objects.count() == 5
    assert Member.objects.count() == sum(len(f) for f in families)
    imp2 = run_import(csv_bytes(families))
    assert imp2.committed
    assert imp2.households_unchanged == 5, imp2.__dict__
    assert imp2.members_unchanged == Member.objects.count()
