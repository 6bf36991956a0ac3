"""A direct edit of the member commits while the approval waits for its row lock: the
approval then reads the new row, its fingerprint differs, and it is refused with nothing
written. Needs real concurrent connections, hence PostgreSQL and a transactional test."""

import threading
import time

import pytest
from django.db import connection, transaction

from corrections import services
from corrections.models import Correction, CorrectionStatus
from corrections.tests.factories import child_of, family
from households import services as household_services
from households.models import Member

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)"
    ),
    pytest.mark.django_db(transaction=True),
]


def test_edit_holding_the_lock_makes_the_approval_refuse(facilitator, admin_user):
    household, _ = family(facilitator)
    child = child_of(household)
    correction, _ = services.correction_propose_identity(
        household=household, by=facilitator, member=child, document="ktp", name="Bagus Saputra"
    )
    locked = threading.Event()
    results: dict[str, object] = {}

    def edit():
        try:
            with transaction.atomic():
                member = Member.objects.select_for_update().get(pk=child.pk)
                locked.set()
                time.sleep(0.5)  # the approval arrives and waits for this lock
                household_services.member_save(
                    household=member.household, by=facilitator, member=member, school_level="SMP"
                )
            results["edit"] = "ok"
        except Exception as exc:  # noqa: BLE001
            results["edit"] = exc
        finally:
            connection.close()

    def approve():
        locked.wait(5)
        try:
            services.correction_approve(
                correction=Correction.objects.get(pk=correction.pk), by=admin_user
            )
            results["approve"] = "ok"
        except Exception as exc:  # noqa: BLE001
            results["approve"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=edit), threading.Thread(target=approve)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(15)
    assert results["edit"] == "ok"
    assert "sudah berubah" in str(results["approve"])
    assert time.monotonic() - started >= 0.5  # the approval did wait for the lock
    correction.refresh_from_db()
    child.refresh_from_db()
    assert correction.status == CorrectionStatus.PENDING
    assert (child.name, child.school_level) != ("Bagus Saputra", "SMP")
    assert child.school_level == "SMP" and child.name != "Bagus Saputra"
