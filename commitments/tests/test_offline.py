"""Commitment checks offline through the HTTP stack: the school and posyandu lists in the
phone's caseload copy, and a queued list synced exactly once through /lapangan/kirim/."""

from __future__ import annotations

import json
import uuid

import pytest
from django.urls import reverse

from commitments.models import Sector, VerificationEntry, VerificationSheet
from conftest import login
from field.models import SyncReceipt
from households.services import households_transfer

pytestmark = pytest.mark.django_db


def phone(client, user):
    login(client, user)
    response = client.get(reverse("field:data"))
    client.defaults["HTTP_X_PKH_DEVICE"] = response.json()["device"]
    return response.json()


def sheet_of(snapshot, kind):
    return next(s for s in snapshot["kinds"]["commitment"]["sheets"] if s["kind"] == kind)


def record(snapshot, sheet, *, token=None, change=None):
    """A list as the phone queues it: every field at its shown value (booleans ticked
    are sent, unticked left out, as a browser posts a form)."""
    fields = {}
    for f in sheet["fields"] + [f for row in sheet["rows"] for f in row["fields"]]:
        if f["type"] == "bool":
            if f["initial"]:
                fields[f["name"]] = "on"
        else:
            fields[f["name"]] = str(f["initial"])
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
        },
    }


def sync(client, records):
    response = client.post(
        reverse("field:sync"), json.dumps({"records": records}), content_type="application/json"
    )
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
    SyncReceipt.objects.all().delete()  # only the sheet's own token is left to guard
    result = sync(client, [queued])[0]
    assert result["status"] == "refused" and "pengguna lain" in result["reason"]
    assert VerificationSheet.objects.count() == 1
