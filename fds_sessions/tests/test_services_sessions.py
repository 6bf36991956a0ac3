"""Session services: plan, update, hold with attendance, and meeting photos."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from fds_sessions import services
from fds_sessions.models import Attendance, FdsSession, SessionStatus
from fds_sessions.tests.factories import add_families, curriculum
from fds_sessions.tests.helpers import A, E, P, S, jpeg_upload, today
from households.tests.factories import household_with_members

pytestmark = pytest.mark.django_db


def test_session_plan_and_update(group, facilitator):
    first, second = curriculum(2)
    session = services.session_plan(
        group=group, date=today() + datetime.timedelta(days=7), module_session=first, by=facilitator
    )
    assert session.status == SessionStatus.PLANNED
    assert session.place == group.meeting_place
    services.session_update(
        session=session, date=today(), module_session=second, place="Balai dusun", by=facilitator
    )
    session.refresh_from_db()
    assert (session.module_session, session.place) == (second, "Balai dusun")


def test_session_plan_refuses_retired_session_and_colleague(group, facilitator, other_facilitator):
    retired = curriculum(1)[0]
    retired.is_active = False
    retired.save()
    with pytest.raises(ValidationError) as exc:
        services.session_plan(group=group, date=today(), module_session=retired, by=facilitator)
    assert "module_session" in exc.value.error_dict
    with pytest.raises(ValidationError):
        services.session_plan(
            group=group, date=today(), module_session=curriculum(1)[0], by=other_facilitator
        )
    assert not FdsSession.objects.exists()


def test_session_hold_records_attendance(planned, group, facilitator):
    families = add_families(group, 4)
    marks = dict(zip([h.pk for h in families], [P, S, E, A], strict=True))
    services.session_hold(session=planned, attendance=marks, notes="Materi gizi", by=facilitator)
    planned.refresh_from_db()
    assert planned.status == SessionStatus.HELD and planned.held_at
    assert planned.notes == "Materi gizi"
    rows = dict(Attendance.objects.values_list("household_id", "status"))
    assert rows == marks
    assert set(Attendance.objects.values_list("session_date", flat=True)) == {planned.date}


def test_second_submit_updates_and_is_audited(planned, group, facilitator):
    families = add_families(group, 3)
    marks = {h.pk: P for h in families}
    services.session_hold(session=planned, attendance=marks, by=facilitator)
    marks[families[0].pk] = A
    services.session_hold(session=planned, attendance=marks, by=facilitator)
    assert Attendance.objects.count() == 3
    row = Attendance.objects.get(household=families[0])
    assert row.status == A
    history = list(row.history.order_by("history_date").values_list("status", "history_user"))
    assert history == [(P, facilitator.pk), (A, facilitator.pk)]


def test_future_session_cannot_be_held(group, facilitator):
    family = add_families(group, 1)[0]
    session = services.session_plan(
        group=group,
        date=today() + datetime.timedelta(days=1),
        module_session=curriculum(1)[0],
        by=facilitator,
    )
    with pytest.raises(ValidationError):
        services.session_hold(session=session, attendance={family.pk: P}, by=facilitator)
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED
    assert not Attendance.objects.exists()


def test_attendance_for_family_not_in_group_is_refused(planned, group, facilitator):
    families = add_families(group, 2)
    stranger = household_with_members(facilitator=facilitator)
    late = add_families(group, 1, joined_on=today() + datetime.timedelta(days=1))[0]
    for extra in (stranger, late):
        marks = {h.pk: P for h in families} | {extra.pk: P}
        with pytest.raises(ValidationError) as exc:
            services.session_hold(session=planned, attendance=marks, by=facilitator)
        assert "attendance" in exc.value.error_dict
    assert not Attendance.objects.exists()


def test_every_family_must_be_marked_with_a_known_status(planned, group, facilitator):
    families = add_families(group, 2)
    for marks in ({families[0].pk: P}, {families[0].pk: P, families[1].pk: "late"}):
        with pytest.raises(ValidationError):
            services.session_hold(session=planned, attendance=marks, by=facilitator)
    assert not Attendance.objects.exists()


def test_cancelled_session_and_colleague_cannot_hold(
    planned, group, facilitator, other_facilitator
):
    family = add_families(group, 1)[0]
    with pytest.raises(ValidationError):
        services.session_hold(session=planned, attendance={family.pk: P}, by=other_facilitator)
    services.session_cancel(session=planned, by=facilitator)
    with pytest.raises(ValidationError):
        services.session_hold(session=planned, attendance={family.pk: P}, by=facilitator)
    with pytest.raises(ValidationError):
        services.session_cancel(session=planned, by=facilitator)
    assert not Attendance.objects.exists()


def test_photo_is_resized_thumbnailed_stripped_and_private(
    planned, group, facilitator, django_capture_on_commit_callbacks
):
    family = add_families(group, 1)[0]
    services.session_hold(
        session=planned, attendance={family.pk: P}, photo=jpeg_upload(), by=facilitator
    )
    planned.refresh_from_db()
    private = Path(settings.PKH_PRIVATE_MEDIA_ROOT)
    photo_path = Path(planned.photo.path)
    assert private in photo_path.parents
    assert Path(settings.MEDIA_ROOT) not in photo_path.parents
    with Image.open(planned.photo.path) as full:
        assert max(full.size) == settings.PKH_FDS_PHOTO_SIZE
        assert not full.getexif()
    with Image.open(planned.photo_thumbnail.path) as thumb:
        assert max(thumb.size) == settings.PKH_FDS_THUMBNAIL_SIZE
    old = photo_path
    with django_capture_on_commit_callbacks(execute=True):
        services.session_hold(
            session=planned, attendance={family.pk: P}, photo=jpeg_upload(), by=facilitator
        )
    planned.refresh_from_db()
    assert Path(planned.photo.path) != old and not old.exists()


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("daftar.pdf", b"%PDF-1.4 not an image", content_type="application/pdf"),
        SimpleUploadedFile("foto.jpg", b"\xff\xd8\xff\xe0 broken", content_type="image/jpeg"),
    ],
)
def test_bad_photo_refused_and_nothing_written(planned, group, facilitator, upload):
    family = add_families(group, 1)[0]
    with pytest.raises(ValidationError) as exc:
        services.session_hold(
            session=planned, attendance={family.pk: P}, photo=upload, by=facilitator
        )
    assert "photo" in exc.value.error_dict
    planned.refresh_from_db()
    assert planned.status == SessionStatus.PLANNED
    assert not Attendance.objects.exists()


def test_oversized_photo_refused(planned, group, facilitator, settings):
    settings.PKH_FDS_PHOTO_MAX_BYTES = 1000
    family = add_families(group, 1)[0]
    with pytest.raises(ValidationError) as exc:
        services.session_hold(
            session=planned, attendance={family.pk: P}, photo=jpeg_upload(), by=facilitator
        )
    assert "photo" in exc.value.error_dict
    assert not Attendance.objects.exists()
