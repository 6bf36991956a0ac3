"""Who may propose, decide and see corrections and their photos; the others get 403 or 404."""

import pytest

from corrections.models import Correction, CorrectionStatus
from corrections.tests.factories import family, png_upload
from corrections.tests.views.helpers import baby, propose_baby, url

pytestmark = pytest.mark.django_db


def test_a_facilitator_cannot_approve(client, facilitator, other_facilitator):
    household, _ = family(facilitator)
    client.force_login(facilitator)
    propose_baby(client, household)
    correction = Correction.objects.get()
    assert client.post(url("approve", correction.pk)).status_code == 403
    assert client.post(url("return", correction.pk), {"reason": "x"}).status_code == 403
    client.force_login(other_facilitator)  # same team, not the owner: not in scope
    assert client.post(url("approve", correction.pk)).status_code == 403
    assert client.get(url("detail", correction.pk)).status_code == 404
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.PENDING
    assert household.members.count() == 4


def test_another_team_gets_404(
    client, facilitator, other_supervisor, other_team_facilitator, other_region_admin
):
    household, _ = family(facilitator)
    client.force_login(facilitator)
    propose_baby(client, household)
    correction = Correction.objects.get()
    for user in (other_supervisor, other_region_admin):
        client.force_login(user)
        assert client.get(url("detail", correction.pk)).status_code == 404
        assert client.post(url("approve", correction.pk)).status_code == 404
        assert client.get(url("photo", correction.pk)).status_code == 404
        assert correction.pk not in [
            c.pk for c in client.get(url("list") + "?lihat=").context["page"]
        ]
    client.force_login(other_team_facilitator)
    assert client.get(url("propose_member_add", household.pk)).status_code == 404
    assert client.post(url("propose_member_add", household.pk), baby(household)).status_code == 404
    assert client.get(url("detail", correction.pk)).status_code == 404
    assert Correction.objects.count() == 1


def test_only_the_familys_facilitator_proposes(client, facilitator, supervisor, admin_user):
    household, _ = family(facilitator)
    for user in (supervisor, admin_user):
        client.force_login(user)
        assert client.get(url("propose_member_add", household.pk)).status_code == 403
        assert (
            client.post(url("propose_member_add", household.pk), baby(household)).status_code == 403
        )
    assert not Correction.objects.exists()


def test_photo_is_private_and_served_only_in_scope(client, facilitator, supervisor):
    household, _ = family(facilitator)
    client.force_login(facilitator)
    propose_baby(client, household, photo=png_upload())
    correction = Correction.objects.get()
    assert correction.photo.name.startswith(f"koreksi/{household.pk}/")
    with pytest.raises(ValueError):
        correction.photo.url  # noqa: B018 (private files have no URL)
    client.force_login(supervisor)
    response = client.get(url("photo", correction.pk))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_a_file_that_is_not_a_photo_is_refused(client, facilitator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    household, _ = family(facilitator)
    client.force_login(facilitator)
    bad = SimpleUploadedFile("ktp.png", b"not an image", content_type="image/png")
    response = propose_baby(client, household, photo=bad)
    assert response.context["form"].errors["photo"]
    assert not Correction.objects.exists()


def test_only_the_proposer_withdraws_and_only_while_open(
    client, facilitator, other_facilitator, supervisor, admin_user
):
    household, _ = family(facilitator)
    client.force_login(facilitator)
    propose_baby(client, household)
    correction = Correction.objects.get()
    for user, status in ((supervisor, 403), (admin_user, 403), (other_facilitator, 404)):
        client.force_login(user)
        assert client.post(url("withdraw", correction.pk)).status_code == status, user
    assert client.get(url("withdraw", correction.pk)).status_code == 405
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.PENDING

    # Once approved it is no longer the proposer's to take back.
    client.force_login(supervisor)
    client.post(url("approve", correction.pk))
    client.force_login(facilitator)
    response = client.post(url("withdraw", correction.pk), follow=True)
    assert "sudah diputuskan atau ditarik" in response.content.decode()
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.APPROVED
    assert household.members.count() == 5
