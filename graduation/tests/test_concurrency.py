"""Two decisions on the same proposal at the same moment: exactly one wins.

The service claims the proposal with a conditional UPDATE (``status = 'pending'``). On
PostgreSQL the second UPDATE waits for the first transaction's row lock, re-reads the
row after the commit, matches nothing and the second decision is refused. This needs
real concurrent connections, hence PostgreSQL and a transactional test; the same rule
with a stale in-memory object is tested on every database in test_services.py.
"""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from graduation.models import Graduation, GraduationProposal, PipelineEvent, ProposalStatus
from graduation.services import proposals as proposal_services
from graduation.tests.factories import assess, ensure_default_form, pdf_upload
from households.models import HouseholdStatus
from households.tests.factories import household_with_members

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)"
    ),
    pytest.mark.django_db(transaction=True),
]


def test_two_decisions_at_once_one_wins(facilitator, supervisor):
    ensure_default_form()
    household = household_with_members(facilitator=facilitator)
    assess(household)
    proposal = proposal_services.proposal_submit(
        household=household, by=facilitator, reason="Usaha stabil", statement=pdf_upload()
    )
    first_done = threading.Event()
    results: dict[str, object] = {}

    def approve():
        try:
            with transaction.atomic():
                proposal_services.proposal_decide(
                    proposal=GraduationProposal.objects.get(pk=proposal.pk),
                    by=supervisor,
                    approve=True,
                    graduation_date=timezone.localdate(),
                )
                first_done.set()
                time.sleep(0.5)  # hold the row lock while the other decision arrives
            results["approve"] = "ok"
        except Exception as exc:  # noqa: BLE001
            results["approve"] = exc
        finally:
            connection.close()

    def give_back():
        first_done.wait(5)
        try:
            proposal_services.proposal_decide(
                proposal=GraduationProposal.objects.get(pk=proposal.pk),  # still "pending"
                by=supervisor,
                approve=False,
                comment="Kurang lengkap",
            )
            results["return"] = "ok"
        except Exception as exc:  # noqa: BLE001
            results["return"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=approve), threading.Thread(target=give_back)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert results["approve"] == "ok"
    assert isinstance(results["return"], ValidationError)
    assert "sudah diputuskan" in results["return"].messages[0]
    # The second decision really waited for the first (it was concurrent, not after).
    assert time.monotonic() - started >= 0.5
    proposal.refresh_from_db()
    household.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
    assert household.status == HouseholdStatus.GRADUATED
    assert Graduation.objects.count() == 1
    assert not PipelineEvent.objects.filter(note__startswith="Usulan dikembalikan").exists()
