"""A record changed between proposal and approval: the approval is refused with a clear
message and nothing is written (every database: a direct edit made in between)."""

import pytest
from django.urls import reverse

from corrections import services
from corrections.models import Correction, CorrectionStatus
from corrections.tests.factories import child_of, family
from regions.models import Region

pytestmark = pytest.mark.django_db


def test_direct_edit_between_proposal_and_approval_is_refused(client, facilitator, admin_user):
    household, _ = family(facilitator)
    child = child_of(household)
    client.force_login(facilitator)
    client.post(
        reverse("corrections:propose_member_identity", args=[household.pk, child.pk]),
        {
            "name": "Bagus Saputra",
            "nik": child.nik,
            "birth_date": child.birth_date.isoformat(),
            "document": "ktp",
        },
    )
    correction = Correction.objects.get()
    # Meanwhile the facilitator edits the member directly (school level) on the family page.
    response = client.post(
        reverse("households:member_edit", args=[household.pk, child.pk]),
        {
            "name": child.name,
            "sex": child.sex,
            "birth_date": child.birth_date.isoformat(),
            "relationship": child.relationship,
            "components": ["SD"],
            "school_level": "SMP",
        },
    )
    assert response.status_code == 302
    history_rows = child.history.count()

    client.force_login(admin_user)
    response = client.post(reverse("corrections:approve", args=[correction.pk]), follow=True)
    page = response.content.decode()
    assert "Data ini sudah berubah sejak koreksi diajukan" in page
    correction.refresh_from_db()
    child.refresh_from_db()
    assert correction.status == CorrectionStatus.PENDING
    assert child.name != "Bagus Saputra" and child.school_level == "SMP"
    assert child.history.count() == history_rows  # nothing written


def test_a_second_correction_of_the_same_member_is_refused_after_the_first(facilitator, supervisor):
    """Two leavings cannot both wait; an identity and a leaving can, and the second one
    to be approved is refused because the first changed the member."""
    from django.core.exceptions import ValidationError

    household, _ = family(facilitator)
    child = child_of(household)
    import datetime

    leave, _ = services.correction_propose_member_leave(
        household=household,
        by=facilitator,
        member=child,
        event="pindah",
        left_on=datetime.date.today(),
        document="surat_pindah",
    )
    with pytest.raises(ValidationError, match="sudah diusulkan"):
        services.correction_propose_member_leave(
            household=household,
            by=facilitator,
            member=child,
            event="pindah",
            left_on=datetime.date.today(),
            document="surat_pindah",
        )
    rename, _ = services.correction_propose_identity(
        household=household, by=facilitator, member=child, document="ktp", name="Bagus Saputra"
    )
    services.correction_approve(correction=leave, by=supervisor)
    from accounts.tests.factories import AdminFactory

    admin = AdminFactory(areas=[Region.objects.get(code="34.02")])
    with pytest.raises(ValidationError, match="sudah berubah"):
        services.correction_approve(correction=rename, by=admin)
    child.refresh_from_db()
    assert child.name != "Bagus Saputra"


def test_the_fingerprint_is_taken_from_the_database_not_a_stale_object(facilitator, supervisor):
    """A caller holding an object read before another write still proposes against the
    record as it is now: the approval then succeeds."""
    from households.models import Household

    household, _ = family(facilitator)
    Household.objects.filter(pk=household.pk).update(address="Dusun Baru")  # not in memory
    correction, _ = services.correction_propose_village_move(
        household=household,
        by=facilitator,
        village=Region.objects.get(code="34.02.09.2002"),
        document="surat_pindah",
    )
    assert correction.old_values["address"] == "Dusun Baru"
    services.correction_approve(correction=correction, by=supervisor)
    household.refresh_from_db()
    assert household.village_id == "34.02.09.2002"
