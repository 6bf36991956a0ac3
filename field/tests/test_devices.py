"""Offline devices through the test client: a phone's first caseload copy registers its
device; the owner, their supervisor or an admin of the region revokes it; a revoked
device is refused (410, "wipe"), also once signed out, and its session ends."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from conftest import login
from field.models import FieldDevice
from field.tests.test_sync import post, visit_record, with_device
from households.models import Visit
from households.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db
ANDROID = "Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 Chrome/131.0 Mobile"


def phone(user) -> Client:
    client = Client(HTTP_USER_AGENT=ANDROID)
    return with_device(login(client, user))


def device_of(client) -> FieldDevice:
    return FieldDevice.objects.get(key=client.defaults["HTTP_X_PKH_DEVICE"])


def test_the_first_copy_registers_a_device_and_later_copies_reuse_it(facilitator):
    client = phone(facilitator)
    device = device_of(client)
    assert device.user == facilitator and device.label == "Chrome · Android"
    assert device.session_key == client.session.session_key
    again = client.get(reverse("field:data")).json()["device"]
    assert again == str(device.key) and FieldDevice.objects.count() == 1


def test_another_users_key_gets_a_device_of_ones_own(facilitator, other_facilitator):
    theirs = device_of(phone(other_facilitator))
    client = login(Client(HTTP_X_PKH_DEVICE=str(theirs.key)), facilitator)
    mine = client.get(reverse("field:data")).json()["device"]
    assert mine != str(theirs.key)
    assert FieldDevice.objects.get(key=mine).user == facilitator


def test_sync_without_a_device_is_refused_and_writes_nothing(client, facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    login(client, facilitator)
    for extra in ({}, {"HTTP_X_PKH_DEVICE": str(uuid.uuid4())}, {"HTTP_X_PKH_DEVICE": "x"}):
        response = post(client, [visit_record(household)], **extra)
        assert response.status_code == 403 and response.json()["error"] == "device"
    assert not Visit.objects.exists()


def test_sync_with_another_users_device_is_refused(facilitator, other_facilitator):
    theirs = device_of(phone(other_facilitator))
    household = HouseholdFactory(facilitator=facilitator)
    client = login(Client(), facilitator)
    response = post(client, [visit_record(household)], HTTP_X_PKH_DEVICE=str(theirs.key))
    assert response.status_code == 403
    assert not Visit.objects.exists()


def test_the_owner_revokes_a_phone_its_sync_is_refused_and_its_session_ends(facilitator):
    lost = phone(facilitator)
    desk = login(Client(), facilitator)
    device = device_of(lost)
    page = desk.get(reverse("field:devices"))
    assert f'data-device="{device.pk}"' in page.content.decode()
    response = desk.post(reverse("field:device_revoke", args=[device.pk]))
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.is_revoked and device.revoked_by == facilitator
    assert not Session.objects.filter(session_key=device.session_key).exists()
    household = HouseholdFactory(facilitator=facilitator)
    # The lost phone, signed out now, still learns it must wipe itself: by its key.
    for response in (
        post(lost, [visit_record(household)]),
        lost.get(reverse("field:status")),
        lost.get(reverse("field:data")),
    ):
        assert response.status_code == 410 and response.json()["error"] == "revoked"
    # Signed in again on that phone with the old key: still refused, nothing written.
    login(lost, facilitator)
    assert post(lost, [visit_record(household)]).status_code == 410
    assert lost.get(reverse("field:data")).status_code == 410
    assert not Visit.objects.exists()
    # The desk's own session is untouched.
    assert desk.get(reverse("field:devices")).status_code == 200


def test_revoking_the_phone_in_hand_signs_it_out(facilitator):
    client = phone(facilitator)
    device = device_of(client)
    response = client.post(reverse("field:device_revoke", args=[device.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get(reverse("field:devices")).status_code == 302  # signed out


def test_a_supervisor_revokes_their_teams_phone_another_supervisor_cannot(
    client, facilitator, supervisor, other_supervisor
):
    device = device_of(phone(facilitator))
    login(client, other_supervisor)
    assert f'data-device="{device.pk}"' not in client.get(reverse("field:devices")).content.decode()
    assert client.post(reverse("field:device_revoke", args=[device.pk])).status_code == 404
    device.refresh_from_db()
    assert not device.is_revoked
    login(client, supervisor)
    assert f'data-device="{device.pk}"' in client.get(reverse("field:devices")).content.decode()
    assert client.post(reverse("field:device_revoke", args=[device.pk])).status_code == 302
    device.refresh_from_db()
    assert device.revoked_by == supervisor


def test_an_admin_revokes_phones_of_their_region_only(
    client, facilitator, admin_user, other_region_admin
):
    device = device_of(phone(facilitator))
    login(client, other_region_admin)
    assert client.post(reverse("field:device_revoke", args=[device.pk])).status_code == 404
    login(client, admin_user)
    assert client.post(reverse("field:device_revoke", args=[device.pk])).status_code == 302
    device.refresh_from_db()
    assert device.revoked_by == admin_user


def test_a_facilitator_cannot_revoke_a_colleagues_phone(client, facilitator, other_facilitator):
    device = device_of(phone(other_facilitator))
    login(client, facilitator)
    assert client.post(reverse("field:device_revoke", args=[device.pk])).status_code == 404
    assert client.get(reverse("field:device_revoke", args=[device.pk])).status_code == 405
    device.refresh_from_db()
    assert not device.is_revoked


def test_signed_out_users_are_sent_to_the_login_page(client):
    response = client.get(reverse("field:devices"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_device_list_paginates_with_constant_queries(
    client, facilitator, supervisor, django_assert_max_num_queries
):
    for _ in range(30):
        FieldDevice.objects.create(user=facilitator, key=uuid.uuid4(), label="Chrome · Android")
    login(client, supervisor)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("field:devices")).content.decode()
    assert page.count("data-device=") == 25
    with django_assert_max_num_queries(8):
        second = client.get(reverse("field:devices") + "?page=2").content.decode()
    assert second.count("data-device=") == 5
