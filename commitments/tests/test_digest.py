"""Commitments' lines in the weekly digest (``notifications``): a supervisor's sanction
proposals waiting, and the facilitators whose latest due month is not fully entered.
Real rows and a captured mailbox; counts and links only."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from commitments.extensions import overdue_month
from commitments.forms import month_key
from commitments.rules import Rules
from commitments.tests.test_consequences import record
from commitments.tests.test_sanctions import propose
from conftest import login
from notifications import services as notifications
from pkh import extensions

pytestmark = pytest.mark.django_db

WAITING = "Usulan sanksi komitmen menunggu konfirmasi"


def late_label(month):
    from django.utils import formats

    return (
        f"Pendamping belum lengkap mengisi verifikasi komitmen {formats.date_format(month, 'F Y')}"
    )


def lines(user) -> dict[str, object]:
    return {line.label: line for line in notifications.digest_lines(user=user)}


def enter_all(household, month):
    """Every component holding of the family entered (complied) for ``month``."""
    codes = set(Rules.from_settings().components)
    for member in household.members.prefetch_related("components"):
        for component in member.components.all():
            if component.code in codes:
                record(member, component.code, month, fails=False)


def test_commitments_have_a_place_in_the_digest():
    assert extensions.digest_sections.order[-1] == "commitments"
    assert "commitments" in extensions.digest_sections.contributions


@pytest.mark.parametrize(
    ("today", "month"),
    [
        (datetime.date(2026, 3, 10), datetime.date(2026, 1, 1)),  # February is due today
        (datetime.date(2026, 3, 11), datetime.date(2026, 2, 1)),  # February is late
        (datetime.date(2026, 1, 11), datetime.date(2025, 12, 1)),  # across the year
        (datetime.date(2026, 1, 10), datetime.date(2025, 11, 1)),
    ],
)
def test_overdue_month_is_late_after_the_due_day(today, month):
    assert overdue_month(today) == month


def test_waiting_proposals_count_for_the_familys_supervisor_only(
    client, failing, facilitator, supervisor, other_supervisor, admin_user, quarter
):
    proposal = propose(failing, facilitator, quarter)
    assert lines(supervisor)[WAITING].count == 1
    assert lines(other_supervisor)[WAITING].count == 0
    assert WAITING not in lines(admin_user)  # an admin does not confirm sanctions
    assert WAITING not in lines(facilitator)
    # The linked page lists it.
    page = login(client, supervisor).get(lines(supervisor)[WAITING].url)
    assert f'data-proposal="{proposal.pk}"' in page.content.decode()
    client.post(reverse("commitments:sanction_detail", args=[proposal.pk]), {"decision": "confirm"})
    assert lines(supervisor)[WAITING].count == 0


def test_late_facilitators_counted_until_their_month_is_entered(
    client, family, facilitator, supervisor, other_supervisor
):
    month = overdue_month(timezone.localdate())
    label = late_label(month)
    line = lines(supervisor)[label]
    assert line.count == 1
    assert line.url == f"{reverse('commitments:team')}?bulan={month_key(month)}"
    assert lines(other_supervisor)[label].count == 0
    # The linked page shows the facilitator's month incomplete.
    page = login(client, supervisor).get(line.url)
    (row,) = [r for r in page.context["rows"] if r["facilitator"] == facilitator]
    assert row["completeness"].entered < row["completeness"].due

    enter_all(family, month)
    assert lines(supervisor)[label].count == 0


def test_digest_email_holds_the_commitment_lines_and_no_personal_data(
    failing, facilitator, supervisor, quarter, settings
):
    settings.PKH_SITE_URL = "https://pkh.example.go.id"
    supervisor.email = "spv1@example.go.id"
    supervisor.save()
    propose(failing, facilitator, quarter)

    assert notifications.weekly_digest_send() == 1
    (message,) = mail.outbox
    assert f"{WAITING}: 1" in message.body
    assert "https://pkh.example.go.id/komitmen/tim/" in message.body
    values = [failing.no_kk, failing.id_keluarga, failing.address]
    for member in failing.members.all():
        values += [member.name, member.nik]
    for value in filter(None, values):
        assert value not in message.body and value not in message.subject
