"""Commitment checks offline through the HTTP stack: the school and posyandu lists in the
phone's caseload copy, and a queued list synced exactly once through /lapangan/kirim/,
sent as the phone sends it (CSRF token from /lapangan/status/, device key)."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from commitments import rules
from commitments.forms import month_key
from commitments.models import Sector, VerificationEntry, VerificationSheet
from conftest import login
from field.models import SyncReceipt
from households.services import households_transfer

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    """CSRF checked, as in the browser (pytest-django's client skips the check)."""
    return Client(enforce_csrf_checks=True)


def phone(client, user):
    """Sign in and take the caseload copy as field-app.js does: the copy registers the
    device, whose key goes in every later request, and /lapangan/status/ gives the CSRF
    token the sync sends (signing in rotates it)."""
    login(client, user)
    client.defaults.pop("HTTP_X_PKH_DEVICE", None)
    snapshot = client.get(reverse("field:data")).json()
    client.defaults["HTTP_X_PKH_DEVICE"] = snapshot["device"]
    client.defaults["HTTP_X_CSRFTOKEN"] = client.get(reverse("field:status")).json()["csrf"]
    return snapshot


def sheet_of(snapshot, kind):
    return next(s for s in snapshot["kinds"]["commitment"]["sheets"] if s["kind"] == kind)


def shown(sheet) -> dict:
    """The list's fields as the copy showed them, as a browser posts them: numbers as
    text, a ticked box "on", an unticked one ""."""
    return {
        f["name"]: ("on" if f["initial"] else "") if f["type"] == "bool" else str(f["initial"])
        for f in sheet["fields"] + [f for row in sheet["rows"] for f in row["fields"]]
    }


def record(snapshot, sheet, *, token=None, change=None):
    """A list as the phone queues it: every field at its shown value (booleans ticked
    are sent, unticked left out, as a browser posts a form), and the copy's values as
    its base (the conflict rule compares the server's entries with them)."""
    base = shown(sheet)
    fields = {name: value for name, value in base.items() if value != ""}
    fields.update(change or {})
    return {
        "token": str(token or uuid.uuid4()),
        "kind": "commitment",
        "data": {
            "month": snapshot["kinds"]["commitment"]["month"],
            "kind": sheet["kind"],
            "place": sheet["place"],
            "items": [row["prefix"] for row in sheet["rows"]],
            "fields": fields,
            "base": base,
        },
    }


def post(client, records):
    return client.post(
        reverse("field:sync"), json.dumps({"records": records}), content_type="application/json"
    )


def sync(client, records):
    response = post(client, records)
    assert response.status_code == 200
    return response.json()["results"]


def test_the_copy_holds_the_school_and_posyandu_lists_of_the_month_due(
    client, facilitator, family, school, posyandu, month
):
    snapshot = phone(client, facilitator)
    part = snapshot["kinds"]["commitment"]
    assert part["month"] == month.strftime("%Y-%m")
    names = {s["name"] for s in part["sheets"]}
    assert names == {school.name, posyandu.name}
    school_sheet = sheet_of(snapshot, "sekolah")
    assert school_sheet["fields"][0]["name"] == "school_days"
    assert {row["household"] for row in school_sheet["rows"]} == {family.pk}
    assert "nik" not in json.dumps(part).lower()


def test_a_queued_school_list_is_applied_once_and_a_resend_is_a_no_op(
    client, facilitator, family, month
):
    snapshot = phone(client, facilitator)
    sheet = sheet_of(snapshot, "sekolah")
    prefix = sheet["rows"][0]["prefix"]
    queued = record(snapshot, sheet, change={f"{prefix}days_sick": "2"})
    first = sync(client, [queued])
    assert first[0]["status"] == "applied"
    entry = VerificationEntry.objects.get(month=month)
    assert entry.days_sick == 2 and entry.school_id == sheet["place"]
    again = sync(client, [queued])
    assert again[0]["status"] == "duplicate" and again[0]["id"] == first[0]["id"]
    assert VerificationSheet.objects.count() == 1 and SyncReceipt.objects.count() == 1


def test_a_posyandu_list_with_an_unticked_item_is_saved_as_not_met(
    client, facilitator, family, month
):
    snapshot = phone(client, facilitator)
    sheet = sheet_of(snapshot, "faskes")
    queued = record(snapshot, sheet)
    name = next(f["name"] for row in sheet["rows"] for f in row["fields"] if f["type"] == "bool")
    del queued["data"]["fields"][name]
    assert sync(client, [queued])[0]["status"] == "applied"
    item = next(n for n in ("weighed", "immunisation_given", "posyandu_visit") if name.endswith(n))
    entry = VerificationEntry.objects.get(month=month, sector=Sector.HEALTH)
    assert getattr(entry, item) is False


def test_bad_values_are_refused_with_field_errors_and_nothing_written(client, facilitator, family):
    snapshot = phone(client, facilitator)
    sheet = sheet_of(snapshot, "sekolah")
    prefix = sheet["rows"][0]["prefix"]
    for change, field in (
        ({"school_days": "40"}, "school_days"),
        ({f"{prefix}days_unexcused": "99"}, f"{prefix}days_unexcused"),
        ({f"{prefix}days_sick": "x"}, f"{prefix}days_sick"),
    ):
        result = sync(client, [record(snapshot, sheet, change=change)])[0]
        assert result["status"] == "refused" and field in result["errors"], change
    assert not VerificationSheet.objects.exists() and not VerificationEntry.objects.exists()


def test_a_list_that_changed_since_the_copy_is_refused(client, facilitator, family):
    snapshot = phone(client, facilitator)
    sheet = sheet_of(snapshot, "sekolah")
    queued = record(snapshot, sheet)
    queued["data"]["items"] = []
    result = sync(client, [queued])[0]
    assert result["status"] == "refused" and "berubah" in result["reason"]
    assert not VerificationSheet.objects.exists()


def test_a_family_moved_away_is_refused_and_nothing_leaks(
    client, facilitator, other_facilitator, admin_user, family
):
    snapshot = phone(client, facilitator)
    queued = record(snapshot, sheet_of(snapshot, "sekolah"))
    households_transfer(households=[family.pk], to_facilitator=other_facilitator, by=admin_user)
    result = sync(client, [queued])[0]
    assert result["status"] == "refused" and "tidak lagi dalam dampingan" in result["reason"]
    assert other_facilitator.username not in json.dumps(result)
    assert not VerificationSheet.objects.exists()


def test_another_users_token_is_refused(client, facilitator, other_facilitator, family):
    snapshot = phone(client, facilitator)
    queued = record(snapshot, sheet_of(snapshot, "sekolah"))
    assert sync(client, [queued])[0]["status"] == "applied"
    phone(client, other_facilitator)
    # Guarded by the sync's receipt, and (receipts gone) by the sheet's own token.
    for guard in ("receipt", "sheet"):
        result = sync(client, [queued])[0]
        assert result["status"] == "refused" and "pengguna lain" in result["reason"], guard
        SyncReceipt.objects.all().delete()
    assert VerificationSheet.objects.count() == 1


def test_a_sync_without_the_csrf_token_or_the_device_key_writes_nothing(
    client, facilitator, family
):
    snapshot = phone(client, facilitator)
    queued = record(snapshot, sheet_of(snapshot, "sekolah"))
    csrf = client.defaults.pop("HTTP_X_CSRFTOKEN")
    assert post(client, [queued]).status_code == 403
    client.defaults["HTTP_X_CSRFTOKEN"] = csrf
    device = client.defaults.pop("HTTP_X_PKH_DEVICE")
    response = post(client, [queued])
    assert response.status_code == 403 and response.json()["error"] == "device"
    assert not VerificationSheet.objects.exists() and not SyncReceipt.objects.exists()
    client.defaults["HTTP_X_PKH_DEVICE"] = device
    assert sync(client, [queued])[0]["status"] == "applied"


def test_absences_over_the_school_days_are_refused_as_the_form_does(client, facilitator, family):
    snapshot = phone(client, facilitator)
    sheet = sheet_of(snapshot, "sekolah")
    prefix = sheet["rows"][0]["prefix"]
    # Each count within the month, their sum over the 12 school days.
    change = {"school_days": "12", f"{prefix}days_sick": "7", f"{prefix}days_unexcused": "6"}
    result = sync(client, [record(snapshot, sheet, change=change)])[0]
    assert result["status"] == "refused"
    assert "hari sekolah efektif (12)" in " ".join(result["errors"][f"{prefix}days_unexcused"])
    assert not VerificationSheet.objects.exists() and not VerificationEntry.objects.exists()


def test_a_month_not_yet_begun_is_refused_with_the_reason(client, facilitator, family):
    snapshot = phone(client, facilitator)
    queued = record(snapshot, sheet_of(snapshot, "sekolah"))
    ahead = rules.month_add(timezone.localdate().replace(day=1), 1)
    queued["data"]["month"] = month_key(ahead)
    result = sync(client, [queued])[0]
    assert result["status"] == "refused" and "belum berjalan" in result["reason"]
    assert not VerificationSheet.objects.exists()


def test_a_batch_of_lists_over_the_limit_is_refused_whole(client, facilitator, family, settings):
    settings.PKH_FIELD_SYNC_BATCH_MAX = 1
    snapshot = phone(client, facilitator)
    records = [record(snapshot, sheet_of(snapshot, kind)) for kind in ("sekolah", "faskes")]
    response = post(client, records)
    assert response.status_code == 413 and "maksimal 1" in response.json()["error"]
    assert not VerificationSheet.objects.exists() and not SyncReceipt.objects.exists()


# --- conflicts: the server's list changed since the phone's copy --------------------------


def save_online(facilitator, sheet, month, **values):
    """The facilitator saves the same list on the online sheet page (another browser)."""
    laptop = login(Client(), facilitator)
    data = {**shown(sheet), **values, "client_token": str(uuid.uuid4())}
    url = reverse("commitments:sheet", args=[month_key(month), sheet["kind"], sheet["place"]])
    response = laptop.post(url, {k: v for k, v in data.items() if v != ""})
    assert response.status_code == 302


def test_a_list_saved_online_since_the_copy_comes_back_with_both_versions(
    client, facilitator, family, month
):
    snapshot = phone(client, facilitator)
    sheet = sheet_of(snapshot, "sekolah")
    prefix = sheet["rows"][0]["prefix"]
    save_online(facilitator, sheet, month, **{f"{prefix}days_sick": "3"})
    queued = record(snapshot, sheet, change={f"{prefix}days_sick": "2"})
    result = sync(client, [queued])[0]
    assert result["status"] == "conflict"
    assert [(c["field"], c["server"], c["phone"]) for c in result["fields"]] == [
        (f"{prefix}days_sick", "3", "2")
    ]
    assert sheet["rows"][0]["name"] in result["fields"][0]["label"]
    entry = VerificationEntry.objects.get(month=month)
    assert entry.days_sick == 3, "overwritten blindly"
    assert VerificationSheet.objects.count() == 1 and not SyncReceipt.objects.exists()

    # The facilitator keeps the phone's value: the server's becomes the base, as the
    # phone sends it after the choice.
    queued["data"]["base"][f"{prefix}days_sick"] = "3"
    assert sync(client, [queued])[0]["status"] == "applied"
    assert VerificationEntry.objects.get(month=month).days_sick == 2


def test_a_ticked_box_unticked_online_is_a_conflict_when_the_phone_kept_it(
    client, facilitator, family, month
):
    snapshot = phone(client, facilitator)
    sheet = sheet_of(snapshot, "faskes")
    name = next(f["name"] for row in sheet["rows"] for f in row["fields"] if f["type"] == "bool")
    save_online(facilitator, sheet, month, **{name: ""})
    result = sync(client, [record(snapshot, sheet)])[0]
    assert result["status"] == "conflict"
    assert [(c["field"], c["server"], c["phone"]) for c in result["fields"]] == [(name, "", "on")]


def test_a_list_saved_online_with_the_phones_values_or_unchanged_is_applied(
    client, facilitator, family, month
):
    snapshot = phone(client, facilitator)
    sheet = sheet_of(snapshot, "sekolah")
    prefix = sheet["rows"][0]["prefix"]
    # Online, the same count the phone holds; a field only the phone changes.
    save_online(facilitator, sheet, month, **{f"{prefix}days_sick": "2"})
    change = {f"{prefix}days_sick": "2", f"{prefix}days_excused": "1"}
    assert sync(client, [record(snapshot, sheet, change=change)])[0]["status"] == "applied"
    entry = VerificationEntry.objects.get(month=month)
    assert (entry.days_sick, entry.days_excused) == (2, 1)
