"""The offline endpoints through the test client: the caseload copy, and the sync of
queued visits and attendance (happy path, resend, conflict, scope, every limit)."""

from __future__ import annotations

import base64
import datetime
import io
import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from conftest import login
from fds_sessions import services as fds_services
from fds_sessions.models import Attendance, FdsSession, SessionStatus
from fds_sessions.tests.factories import GroupFactory, add_families, curriculum
from field.models import SyncReceipt
from households.models import Visit
from households.services import households_transfer
from households.tests.factories import HouseholdFactory, household_with_members

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def post(client, records, **extra):
    return client.post(
        reverse("field:sync"),
        data=json.dumps({"records": records}),
        content_type="application/json",
        **extra,
    )


def visit_record(household, token=None, **data):
    return {
        "token": str(token or uuid.uuid4()),
        "kind": "visit",
        "data": {
            "household": household.pk,
            "date": TODAY().isoformat(),
            "purpose": "verifikasi",
            "notes": "Ibu Sri sudah mengurus KIS.",
            **data,
        },
    }


def jpeg(side=200) -> str:
    out = io.BytesIO()
    Image.new("RGB", (side, side), (30, 120, 60)).save(out, format="JPEG")
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()


def with_device(client):
    """The phone's first caseload copy registers its device; later requests name it."""
    client.defaults.pop("HTTP_X_PKH_DEVICE", None)
    client.defaults["HTTP_X_PKH_DEVICE"] = client.get(reverse("field:data")).json()["device"]
    return client


@pytest.fixture
def signed_in(client, facilitator):
    client.force_login(facilitator)
    return with_device(client)


@pytest.fixture
def planned(facilitator):
    group = GroupFactory(facilitator=facilitator, name="Melati Patalan")
    families = add_families(group, 3)
    session = fds_services.session_plan(
        group=group, date=TODAY(), module_session=curriculum(1)[0], by=facilitator
    )
    return session, families


def attendance_record(session, families, token=None, base=None, **data):
    return {
        "token": str(token or uuid.uuid4()),
        "kind": "attendance",
        "data": {
            "session": session.pk,
            "attendance": {str(h.pk): "present" for h in families},
            "notes": "Modul pengasuhan, 3 keluarga.",
            "base": base if base is not None else {"attendance": {}, "notes": ""},
            **data,
        },
    }


# --- the copy for the phone --------------------------------------------------------------


def test_snapshot_holds_own_families_groups_and_planned_sessions(
    signed_in, facilitator, other_facilitator, planned, django_assert_max_num_queries
):
    session, families = planned
    mine = household_with_members(facilitator=facilitator)
    theirs = household_with_members(facilitator=other_facilitator)
    # 17: the caseload copy, plus the commitment lists (offline_record_kinds).
    with django_assert_max_num_queries(17):
        response = signed_in.get(reverse("field:data"))
    assert response.status_code == 200
    body = response.json()
    ids = {f["id"] for f in body["families"]}
    assert ids == {mine.pk, *(h.pk for h in families)}
    assert theirs.pk not in ids
    family = next(f for f in body["families"] if f["id"] == mine.pk)
    assert family["members"] and "nik" not in json.dumps(body).lower()
    assert body["groups"][0]["families"] == sorted(h.pk for h in families) or set(
        body["groups"][0]["families"]
    ) == {h.pk for h in families}
    assert body["sessions"][0]["id"] == session.pk
    assert {f["id"] for f in body["sessions"][0]["families"]} == {h.pk for h in families}
    assert body["username"] == "pendamping1"


def test_snapshot_query_count_does_not_grow_with_families(
    signed_in, facilitator, django_assert_max_num_queries
):
    household_with_members(facilitator=facilitator)
    with django_assert_max_num_queries(17) as one:
        assert len(signed_in.get(reverse("field:data")).json()["families"]) == 1
    for _ in range(29):
        household_with_members(facilitator=facilitator)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(signed_in.get(reverse("field:data")).json()["families"]) == 30


def test_endpoints_refuse_the_signed_out_and_other_roles(client, supervisor):
    assert client.get(reverse("field:data")).status_code == 401
    assert post(client, []).status_code == 401
    client.force_login(supervisor)
    assert client.get(reverse("field:data")).status_code == 403
    assert post(client, []).status_code == 403
    assert client.get(reverse("field:app")).status_code == 403


def test_sync_needs_the_csrf_token(facilitator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(facilitator)
    with_device(client)
    household = HouseholdFactory(facilitator=facilitator)
    assert post(client, [visit_record(household)]).status_code == 403
    token = client.get(reverse("field:status")).json()["csrf"]
    assert post(client, [visit_record(household)], HTTP_X_CSRFTOKEN=token).status_code == 200
    assert Visit.objects.count() == 1


# --- visits ------------------------------------------------------------------------------


def test_queued_visits_are_applied_once_and_a_resend_is_a_no_op(signed_in, facilitator):
    households = [HouseholdFactory(facilitator=facilitator) for _ in range(3)]
    records = [visit_record(h) for h in households]
    first = post(signed_in, records).json()["results"]
    assert [r["status"] for r in first] == ["applied"] * 3
    again = post(signed_in, records).json()["results"]
    assert [r["status"] for r in again] == ["duplicate"] * 3
    assert [r["id"] for r in again] == [r["id"] for r in first]
    assert Visit.objects.count() == 3
    assert SyncReceipt.objects.count() == 3
    households[0].refresh_from_db()
    assert households[0].last_visit_on == TODAY()


def test_visit_out_of_scope_is_refused_with_the_reason_and_nothing_leaks(
    signed_in, facilitator, other_facilitator, admin_user
):
    moved = HouseholdFactory(facilitator=facilitator)
    households_transfer(households=[moved.pk], to_facilitator=other_facilitator, by=admin_user)
    result = post(signed_in, [visit_record(moved)]).json()["results"][0]
    nowhere = visit_record(moved)
    nowhere["data"]["household"] = 999999
    missing = post(signed_in, [nowhere]).json()["results"][0]
    assert result["status"] == missing["status"] == "refused"
    assert result["reason"] == missing["reason"]
    assert "tidak lagi dalam dampingan Anda" in result["reason"]
    assert other_facilitator.username not in json.dumps(result)
    assert not Visit.objects.exists() and not SyncReceipt.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"date": (datetime.date.today() + datetime.timedelta(days=2)).isoformat()}, "date"),
        ({"date": "2006-12-31"}, "date"),
        ({"date": ""}, "date"),
        ({"purpose": "piknik"}, "purpose"),
        ({"notes": "x" * 5001}, "notes"),
        ({"follow_up_date": "2001-01-01"}, "follow_up_date"),
    ],
)
def test_visit_limits_are_the_forms_and_nothing_is_written(signed_in, facilitator, data, field):
    household = HouseholdFactory(facilitator=facilitator)
    result = post(signed_in, [visit_record(household, **data)]).json()["results"][0]
    assert result["status"] == "refused"
    assert field in result["errors"]
    assert not Visit.objects.exists() and not SyncReceipt.objects.exists()


def test_follow_up_before_the_visit_is_refused_by_the_service(signed_in, facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    record = visit_record(
        household,
        date=TODAY().isoformat(),
        follow_up_date=(TODAY() - datetime.timedelta(1)).isoformat(),
    )
    result = post(signed_in, [record]).json()["results"][0]
    assert result["status"] == "refused" and "follow_up_date" in result["errors"]
    assert not Visit.objects.exists()


def test_a_token_of_another_user_is_refused(client, facilitator, other_facilitator):
    mine = HouseholdFactory(facilitator=facilitator)
    theirs = HouseholdFactory(facilitator=other_facilitator)
    token = uuid.uuid4()
    with_device(login(client, other_facilitator))
    assert post(client, [visit_record(theirs, token)]).json()["results"][0]["status"] == "applied"
    with_device(login(client, facilitator))
    result = post(client, [visit_record(mine, token)]).json()["results"][0]
    assert result["status"] == "refused"
    assert "pengguna lain" in result["reason"]
    assert Visit.objects.get().household == theirs


def test_a_visit_token_used_by_the_online_form_of_another_user_is_refused(
    client, facilitator, other_facilitator
):
    theirs = HouseholdFactory(facilitator=other_facilitator)
    token = uuid.uuid4()
    client.force_login(other_facilitator)
    client.post(
        reverse("households:visit_create", args=[theirs.pk]),
        {"date": TODAY().isoformat(), "purpose": "verifikasi", "client_token": str(token)},
    )
    assert Visit.objects.count() == 1
    with_device(login(client, facilitator))
    mine = HouseholdFactory(facilitator=facilitator)
    result = post(client, [visit_record(mine, token)]).json()["results"][0]
    assert result["status"] == "refused"
    assert Visit.objects.count() == 1


def test_a_batch_over_the_limit_is_refused_whole(signed_in, facilitator, settings):
    settings.PKH_FIELD_SYNC_BATCH_MAX = 3
    household = HouseholdFactory(facilitator=facilitator)
    response = post(signed_in, [visit_record(household) for _ in range(4)])
    assert response.status_code == 413
    assert "maksimal 3" in response.json()["error"]
    assert not Visit.objects.exists()
    assert post(signed_in, [visit_record(household) for _ in range(3)]).status_code == 200


def test_unreadable_bodies_and_records_are_refused(signed_in, facilitator):
    response = signed_in.post(reverse("field:sync"), data="{", content_type="application/json")
    assert response.status_code == 400
    household = HouseholdFactory(facilitator=facilitator)
    no_household = visit_record(household)
    no_household["data"]["household"] = "abc"
    results = post(
        signed_in,
        [
            {"token": "abc", "kind": "visit", "data": {}},
            {"token": str(uuid.uuid4()), "kind": "commitment", "data": {}},
            {"token": str(uuid.uuid4()), "kind": "visit", "data": "x"},
            no_household,
        ],
    ).json()["results"]
    assert [r["status"] for r in results] == ["refused"] * 4
    assert not Visit.objects.exists()


# --- attendance --------------------------------------------------------------------------


def test_attendance_with_a_photo_is_applied_once(signed_in, planned):
    session, families = planned
    record = attendance_record(session, families, photo=jpeg())
    assert post(signed_in, [record]).json()["results"][0]["status"] == "applied"
    assert post(signed_in, [record]).json()["results"][0]["status"] == "duplicate"
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD
    assert session.photo and session.photo_thumbnail
    assert session.notes == "Modul pengasuhan, 3 keluarga."
    assert Attendance.objects.filter(session=session).count() == 3
    assert session.history.filter(history_type="~").count() == 1


def test_attendance_conflict_shows_both_versions_and_writes_nothing(
    signed_in, facilitator, planned
):
    session, families = planned
    # Meanwhile, on the desktop: the first family was marked sick.
    fds_services.session_hold(
        session=session,
        attendance={families[0].pk: "sick", families[1].pk: "present", families[2].pk: "present"},
        by=facilitator,
    )
    record = attendance_record(session, families)  # phone's base: nothing marked
    record["data"]["attendance"][str(families[2].pk)] = "absent"
    result = post(signed_in, [record]).json()["results"][0]
    assert result["status"] == "conflict"
    by_field = {c["field"]: c for c in result["fields"]}
    # families[1]: same value on both sides, no conflict; 0 and 2 differ.
    assert set(by_field) == {f"a{families[0].pk}", f"a{families[2].pk}"}
    assert by_field[f"a{families[0].pk}"]["server"] == "sick"
    assert by_field[f"a{families[0].pk}"]["phone"] == "present"
    assert dict(Attendance.objects.values_list("household_id", "status"))[families[0].pk] == "sick"
    assert not SyncReceipt.objects.exists()
    # The facilitator chose: the server's "sick", their own "absent". Sent again with the
    # server's values as the base, it applies.
    record["data"]["attendance"][str(families[0].pk)] = "sick"
    record["data"]["base"] = {
        "attendance": {
            str(k): v for k, v in Attendance.objects.values_list("household_id", "status")
        },
        "notes": "",
    }
    assert post(signed_in, [record]).json()["results"][0]["status"] == "applied"
    marks = dict(Attendance.objects.values_list("household_id", "status"))
    assert marks == {families[0].pk: "sick", families[1].pk: "present", families[2].pk: "absent"}


def test_attendance_unchanged_on_the_server_since_the_copy_is_applied(
    signed_in, facilitator, planned
):
    session, families = planned
    marks = {h.pk: "present" for h in families}
    fds_services.session_hold(session=session, attendance=marks, by=facilitator)
    base = {"attendance": {str(k): v for k, v in marks.items()}, "notes": ""}
    record = attendance_record(session, families, base=base)
    record["data"]["attendance"][str(families[0].pk)] = "absent"
    assert post(signed_in, [record]).json()["results"][0]["status"] == "applied"
    assert Attendance.objects.get(household=families[0]).status == "absent"


def test_attendance_notes_changed_on_both_sides_is_a_conflict(signed_in, facilitator, planned):
    session, families = planned
    fds_services.session_hold(
        session=session,
        attendance={h.pk: "present" for h in families},
        notes="Dicatat di kantor.",
        by=facilitator,
    )
    base = {"attendance": {str(h.pk): "present" for h in families}, "notes": ""}
    result = post(signed_in, [attendance_record(session, families, base=base)]).json()
    fields = result["results"][0]["fields"]
    assert [c["field"] for c in fields] == ["notes"]
    assert fields[0]["server"] == "Dicatat di kantor."


def test_attendance_of_another_facilitators_session_is_refused(client, other_facilitator, planned):
    session, families = planned
    with_device(login(client, other_facilitator))
    result = post(client, [attendance_record(session, families)]).json()["results"][0]
    assert result["status"] == "refused"
    assert "tidak lagi dalam kelompok Anda" in result["reason"]
    assert not Attendance.objects.exists()


def test_attendance_of_a_family_moved_away_is_refused_and_explained(
    signed_in, other_facilitator, admin_user, planned
):
    session, families = planned
    households_transfer(
        households=[families[0].pk], to_facilitator=other_facilitator, by=admin_user
    )
    result = post(signed_in, [attendance_record(session, families)]).json()["results"][0]
    assert result["status"] == "refused"
    assert "tidak lagi termasuk kelompok ini" in result["reason"]
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    ("change", "expect"),
    [
        ("future", "masa depan"),
        ("unmarked", "belum ditandai"),
        ("status", "tidak dikenal"),
        ("oversized_photo", "terlalu besar"),
        ("broken_photo", "foto"),
        ("cancelled", "dibatalkan"),
        ("notes", "notes"),
    ],
)
def test_attendance_limits_are_refused_with_nothing_written(
    signed_in, facilitator, planned, settings, change, expect
):
    session, families = planned
    record = attendance_record(session, families)
    if change == "future":
        FdsSession.objects.filter(pk=session.pk).update(date=TODAY() + datetime.timedelta(days=3))
    elif change == "unmarked":
        del record["data"]["attendance"][str(families[0].pk)]
    elif change == "status":
        record["data"]["attendance"][str(families[0].pk)] = "late"
    elif change == "oversized_photo":
        settings.PKH_FIELD_PHOTO_MAX_BYTES = 1000
        record["data"]["photo"] = jpeg(400)
    elif change == "broken_photo":
        record["data"]["photo"] = "data:image/jpeg;base64," + base64.b64encode(b"no photo").decode()
    elif change == "cancelled":
        fds_services.session_cancel(session=session, by=facilitator)
    elif change == "notes":
        record["data"]["notes"] = "x" * 5001
    result = post(signed_in, [record]).json()["results"][0]
    assert result["status"] == "refused"
    assert expect in (result["reason"] + json.dumps(result["errors"])).lower()
    session.refresh_from_db()
    assert not Attendance.objects.exists() and not SyncReceipt.objects.exists()
    assert not session.photo


# --- the shell, the worker, the manifest -------------------------------------------------


def test_shell_worker_and_manifest(signed_in):
    page = signed_in.get(reverse("field:app"))
    assert page.status_code == 200
    assert b"Siapkan offline" in page.content
    assert page["Cache-Control"] == "private, no-store"
    csp = page["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp
    assert "worker-src 'self'" in csp and "blob:" in csp
    worker = Client().get(reverse("field:service_worker"))
    assert worker.status_code == 200 and worker["Content-Type"].startswith("text/javascript")
    assert b"/static/js/field-app.js" in worker.content
    manifest = Client().get(reverse("field:manifest")).json()
    assert manifest["name"] == "Pendamping PKH"
    assert manifest["display"] == "standalone" and manifest["lang"] == "id"
    assert {i["sizes"] for i in manifest["icons"]} == {"192x192", "512x512"}
