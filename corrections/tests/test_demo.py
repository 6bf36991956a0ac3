import io

import pytest

from corrections.demo import corrections_demo
from corrections.models import Correction, CorrectionStatus
from households.tests.factories import household_with_members

pytestmark = pytest.mark.django_db


def test_demo_seeder_makes_every_state_once(facilitator, admin_user):
    for _ in range(4):
        household_with_members(facilitator=facilitator)
    corrections_demo(stdout=io.StringIO())
    statuses = sorted(Correction.objects.values_list("status", flat=True))
    assert statuses == sorted(
        [
            CorrectionStatus.PENDING,
            CorrectionStatus.PENDING,
            CorrectionStatus.RETURNED,
            CorrectionStatus.APPROVED,
        ]
    )
    corrections_demo(stdout=io.StringIO())
    assert Correction.objects.count() == 4
