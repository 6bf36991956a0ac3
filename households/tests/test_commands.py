import io

import pytest
from django.core.management import call_command

from accounts.models import User
from households.models import Household, Member, Visit
from households.validators import nik_warnings

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_seed_demo_is_realistic_and_idempotent(regions):
    call_command("seed_demo", stdout=io.StringIO())
    counts = (Household.objects.count(), Member.objects.count(), Visit.objects.count())
    assert 1100 <= counts[0] <= 1300
    assert User.objects.filter(role="facilitator").count() == 5
    assert User.objects.filter(role="supervisor").count() == 1
    members = Member.objects.select_related("household")
    assert all(
        not nik_warnings(
            m.nik, birth_date=m.birth_date, sex=m.sex, village_code=m.household.village_id
        )
        for m in members
    )
    assert Household.objects.exclude(members__is_pengurus=True).count() == 0
    call_command("seed_demo", stdout=io.StringIO())
    assert (Household.objects.count(), Member.objects.count(), Visit.objects.count()) == counts
