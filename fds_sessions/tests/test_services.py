import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from fds_sessions import services
from fds_sessions.models import (
    Attendance,
    AttendanceStatus,
    FdsGroup,
    FdsModule,
    FdsModuleSession,
    FdsSession,
    GroupMembership,
    SessionStatus,
)
from fds_sessions.selectors.figures import AttendanceRate, attendance_rates
from fds_sessions.selectors.groups import group_scope
from fds_sessions.tests.factories import GroupFactory, add_families, curriculum, held_session
from households.models import Household
from households.services import households_transfer
from households.tests.factories import household_with_members
from pkh.extensions import families_changed
from regions.models import Region

pytestmark = pytest.mark.django_db

P, S, E, A = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.SICK,
    AttendanceStatus.EXCUSED,
    AttendanceStatus.ABSENT,
)


def today():
    return timezone.localdate()


def jpeg_upload(size=(3000, 2000), name="pertemuan.jpg", exif=True) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (120, 160, 90))
    out = io.BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        kwargs["exif"] = data.tobytes()
    image.save(out, format="JPEG", **kwargs)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def group(facilitator):
    return GroupFactory(facilitator=facilitator, name="Melati Patalan")


# --- Groups ---------------------------------------------------------------------------


def test_group_create_by_facilitator(facilitator, regions):
    village = Region.objects.get(code="34.02.09.2001")
    group = services.group_create(name="  Mawar   Patalan ", village=village, by=facilitator)
    assert group.name == "Mawar Patalan"
    assert group.facilitator == facilitator
    assert group.history.first().history_user == facilitator


def test_group_create_refuses_supervisor_duplicate_and_foreign_village(
    facilitator, supervisor, regions
):
    village = Region.objects.get(code="34.02.09.2001")
    with pytest.raises(ValidationError):
        services.group_create(name="Mawar", village=village, by=supervisor)
    services.group_create(name="Mawar", village=village, by=facilitator)
    with pytest.raises(ValidationError) as exc:
        services.group_create(name="mawar", village=village, by=facilitator)
    assert "name" in exc.value.error_dict
    foreign = Region.objects.get(code="33.74.01.1001")
    with pytest.raises(ValidationError) as exc:
        services.group_create(name="Anggrek", village=foreign, by=facilitator)
    assert "village" in exc.value.error_dict
    assert FdsGroup.objects.count() == 1


def test_group_update_leader_must_be_pengurus_of_a_member_family(group, facilitator):
    inside = add_families(group, 2)
    outsider = household_with_members(facilitator=facilitator)
    pengurus = inside[0].members.get(is_pengurus=True)
    husband = inside[0].members.exclude(is_pengurus=True).first()
    common = {"name": group.name, "village": group.village, "meeting_place": "", "by": facilitator}
    services.group_update(group=group, leader=pengurus, is_active=True, **common)
    group.refresh_from_db()
    assert group.leader == pengurus
    for wrong in (husband, outsider.members.get(is_pengurus=True)):
        with pytest.raises(ValidationError) as exc:
            services.group_update(group=group, leader=wrong, is_active=True, **common)
        assert "leader" in exc.value.error_dict
    group.refresh_from_db()
    assert group.leader == pengurus


def test_group_cannot_be_archived_with_families_or_edited_by_colleague(
    group, facilitator, other_facilitator
):
    add_families(group, 1)
    common = {"name": group.name, "village": group.village, "meeting_place": "", "leader": None}
    with pytest.raises(ValidationError):
        services.group_update(group=group, is_active=False, by=facilitator, **common)
    with pytest.raises(ValidationError):
        services.group_update(group=group, is_active=True, by=other_facilitator, **common)
    group.refresh_from_db()
    assert group.is_active


def test_group_families_add_moves_family_and_keeps_periods(group, facilitator):
    other = GroupFactory(facilitator=facilitator, name="Kenanga Patalan")
    family = add_families(other, 1, joined_on=datetime.date(2024, 1, 1))[0]
    other.leader = family.members.get(is_pengurus=True)
    other.save()
    on = today() - datetime.timedelta(days=10)
    moved = services.group_families_add(
        group=group, household_ids=[family.pk], on_date=on, by=facilitator
    )
    assert moved == 1
    family.refresh_from_db()
    assert family.fds_group == group
    periods = list(GroupMembership.objects.filter(household=family).order_by("joined_on"))
    assert [(p.group_id, p.joined_on, p.left_on) for p in periods] == [
        (other.pk, datetime.date(2024, 1, 1), on),
        (group.pk, on, None),
    ]
    other.refresh_from_db()
    assert other.leader is None
    assert family.history.first().history_user == facilitator


def test_group_families_add_refuses_bad_input_and_writes_nothing(
    group, facilitator, other_facilitator
):
    mine = household_with_members(facilitator=facilitator)
    theirs = household_with_members(facilitator=other_facilitator)
    cases = [
        ({"household_ids": [mine.pk, theirs.pk], "on_date": today()}, "households"),
        ({"household_ids": [], "on_date": today()}, "households"),
        ({"household_ids": [mine.pk], "on_date": today() + datetime.timedelta(days=1)}, "on_date"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as exc:
            services.group_families_add(group=group, by=facilitator, **kwargs)
        assert field in exc.value.error_dict
    assert not GroupMembership.objects.exists()
    mine.refresh_from_db()
    assert mine.fds_group is None


def test_move_cannot_predate_recorded_attendance_or_current_period(group, facilitator):
    other = GroupFactory(facilitator=facilitator, name="Kenanga")
    family = add_families(other, 1, joined_on=today() - datetime.timedelta(days=60))[0]
    held_session(other, today() - datetime.timedelta(days=5), {family.pk: P})
    for days in (6, 90):
        with pytest.raises(ValidationError) as exc:
            services.group_families_add(
                group=group,
                household_ids=[family.pk],
                on_date=today() - datetime.timedelta(days=days),
                by=facilitator,
            )
        assert "on_date" in exc.value.error_dict
    family.refresh_from_db()
    assert family.fds_group == other


def test_move_on_the_day_of_a_meeting_keeps_that_meeting(group, facilitator):
    other = GroupFactory(facilitator=facilitator, name="Kenanga")
    family, stays = add_families(other, 2, joined_on=today() - datetime.timedelta(days=60))
    held_session(other, today(), {family.pk: P, stays.pk: A})
    services.group_families_add(
        group=group, household_ids=[family.pk], on_date=today(), by=facilitator
    )
    old = GroupMembership.objects.get(household=family, group=other)
    new = GroupMembership.objects.get(household=family, group=group)
    assert old.covers(today()) and new.covers(today())
    rates = attendance_rates(user=facilitator, by="household", start=today(), end=today())
    assert rates[family.pk] == AttendanceRate(present=1, held=1)
    # The new group's meeting the same day lists the family too.
    assert family.pk in services.members_on(group=group, day=today())


def test_group_families_remove(group, facilitator):
    families = add_families(group, 3)
    services.group_families_remove(
        group=group, household_ids=[families[0].pk], on_date=today(), by=facilitator
    )
    assert set(Household.objects.filter(fds_group=group)) == set(families[1:])
    period = GroupMembership.objects.get(household=families[0])
    assert period.left_on == today()
    outsider = household_with_members(facilitator=facilitator)
    with pytest.raises(ValidationError):
        services.group_families_remove(
            group=group, household_ids=[outsider.pk], on_date=today(), by=facilitator
        )


# --- memberships_sync -----------------------------------------------------------------


@pytest.fixture(params=["id lists", "temporary table"])
def sync_path(request, monkeypatch):
    """Both ways of ``memberships_sync``: rounds of id lists (a few families) and one
    pass over a temporary table of the ids (many: a roster import)."""
    if request.param == "temporary table":
        monkeypatch.setattr(services, "SYNC_SCOPE_MIN", 0)
    return request.param


def test_transfer_to_another_facilitator_closes_the_membership(
    group, facilitator, other_facilitator, admin_user
):
    family = add_families(group, 1)[0]
    households_transfer(households=[family.pk], to_facilitator=other_facilitator, by=admin_user)
    period = GroupMembership.objects.get(household=family)
    assert period.left_on == today()


def test_sync_opens_periods_for_bulk_assignment_and_is_idempotent(group, facilitator, sync_path):
    families = [household_with_members(facilitator=facilitator) for _ in range(3)]
    ids = {h.pk for h in families}
    Household.objects.filter(pk__in=ids).update(fds_group=group)
    families_changed(ids, fields={"fds_group"})
    assert GroupMembership.objects.filter(group=group, left_on=None).count() == 3
    counts = services.memberships_sync(household_ids=ids)
    assert counts == {"closed": 0, "opened": 0}
    assert GroupMembership.objects.count() == 3


def test_sync_moves_between_groups_and_drops_leader(group, facilitator, sync_path):
    other = GroupFactory(facilitator=facilitator, name="Kenanga")
    family = add_families(group, 1, joined_on=today() - datetime.timedelta(days=30))[0]
    group.leader = family.members.get(is_pengurus=True)
    group.save()
    Household.objects.filter(pk=family.pk).update(fds_group=other)
    services.memberships_sync(household_ids=[family.pk])
    periods = {p.group_id: p for p in GroupMembership.objects.filter(household=family)}
    assert periods[group.pk].left_on == today()
    assert periods[other.pk].joined_on == today() and periods[other.pk].left_on is None
    group.refresh_from_db()
    assert group.leader is None


def test_sync_unrelated_fields_do_nothing(group, facilitator):
    family = household_with_members(facilitator=facilitator)
    Household.objects.filter(pk=family.pk).update(fds_group=group)
    families_changed({family.pk}, fields={"phone"})
    assert not GroupMembership.objects.exists()


# --- Sessions -------------------------------------------------------------------------


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


@pytest.fixture
def planned(group, facilitator):
    return services.session_plan(
        group=group, date=today(), module_session=curriculum(1)[0], by=facilitator
    )


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


# --- Module catalogue -----------------------------------------------------------------


def test_curriculum_is_seeded():
    titles = list(FdsModule.objects.values_list("number", "title"))
    assert titles[0] == (1, "Pengasuhan dan Pendidikan Anak")
    assert len(titles) == 6
    assert FdsModuleSession.objects.filter(module__number=1).count() == 4
    assert FdsModuleSession.objects.get(module__number=5, order=2).title == "Kesejahteraan Lansia"


def test_stunting_module_is_seeded_with_its_sessions_in_order():
    """Data migration 0005: the stunting module is no longer empty (issue 16)."""
    titles = list(FdsModuleSession.objects.filter(module__number=6).values_list("order", "title"))
    assert [order for order, _title in titles] == [1, 2, 3, 4, 5, 6]
    assert titles[0][1] == "Mengenal Stunting: Pengertian, Penyebab dan Dampaknya"
    assert titles[-1][1] == "Jamban Sehat dan Lingkungan Bersih"
    assert FdsModuleSession.objects.filter(module__number=6, is_active=True).count() == 6


def test_stunting_seed_leaves_a_module_with_sessions_as_it_is(catalogue_keeper):
    """A district that added its own stunting sessions before the migration keeps them."""
    import importlib

    from django.apps import apps

    seed = importlib.import_module("fds_sessions.migrations.0005_seed_stunting_sessions")
    stunting = FdsModule.objects.get(number=6)
    FdsModuleSession.objects.filter(module=stunting).delete()
    services.module_session_create(module=stunting, title="Sesi kabupaten", by=catalogue_keeper)
    seed.seed_stunting(apps, None)
    assert list(stunting.sessions.values_list("title", flat=True)) == ["Sesi kabupaten"]
    FdsModuleSession.objects.filter(module=stunting).delete()
    seed.seed_stunting(apps, None)
    assert stunting.sessions.count() == len(seed.STUNTING_SESSIONS)


def test_keeper_adds_stunting_sessions_and_retires_one(catalogue_keeper, group, facilitator):
    stunting = FdsModule.objects.get(number=6)
    seeded = stunting.sessions.count()  # the sessions the data migration seeded
    first = services.module_session_create(
        module=stunting, title="Gizi Remaja Putri", by=catalogue_keeper
    )
    second = services.module_session_create(
        module=stunting, title="Pemberian Makan Bayi dan Anak", by=catalogue_keeper
    )
    assert (first.order, second.order) == (seeded + 1, seeded + 2)
    with pytest.raises(ValidationError):
        services.module_session_create(
            module=stunting, title="Dobel", order=seeded + 2, by=catalogue_keeper
        )
    # A session already held keeps its history when retired.
    family = add_families(group, 1)[0]
    session = held_session(group, today(), {family.pk: P}, module_session=first)
    services.module_session_update(
        module_session=first,
        title=first.title,
        order=first.order,
        is_active=False,
        by=catalogue_keeper,
    )
    session.refresh_from_db()
    assert session.module_session == first
    assert not FdsModuleSession.objects.get(pk=first.pk).is_active


def test_only_the_national_keeper_edits_the_catalogue(
    facilitator, supervisor, admin_user, other_region_admin
):
    module = FdsModule.objects.get(number=1)
    for user in (facilitator, supervisor, admin_user, other_region_admin):
        with pytest.raises(ValidationError):
            services.module_create(number=7, title="Baru", by=user)
        with pytest.raises(ValidationError):
            services.module_session_create(module=module, title="Baru", by=user)
    assert FdsModule.objects.count() == 6


def test_module_number_unique(catalogue_keeper):
    with pytest.raises(ValidationError) as exc:
        services.module_create(number=1, title="Dobel", by=catalogue_keeper)
    assert "number" in exc.value.error_dict


def test_sync_never_cuts_off_attendance_recorded_today(group, facilitator, sync_path):
    """A family that joined today, attended today's meeting and is moved by an import the
    same day keeps that meeting in its period (the rates count it)."""
    other = GroupFactory(facilitator=facilitator, name="Kenanga")
    family = add_families(group, 1, joined_on=today())[0]
    held_session(group, today(), {family.pk: P})
    Household.objects.filter(pk=family.pk).update(fds_group=other)
    services.memberships_sync(household_ids=[family.pk])
    period = GroupMembership.objects.get(household=family, group=group)
    assert period.covers(today())
    assert GroupMembership.objects.get(household=family, left_on=None).group == other
    rates = attendance_rates(user=facilitator, by="household", start=today(), end=today())
    assert rates[family.pk] == AttendanceRate(present=1, held=1)


def test_sync_gives_imported_groups_a_village_for_admin_scope(facilitator, admin_user, sync_path):
    imported = FdsGroup.objects.create(name="Kelompok impor", facilitator=facilitator)
    family = household_with_members(facilitator=facilitator)
    Household.objects.filter(pk=family.pk).update(fds_group=imported)
    assert not group_scope(user=admin_user).filter(pk=imported.pk).exists()
    families_changed({family.pk}, fields={"fds_group"})
    imported.refresh_from_db()
    assert imported.village_id == family.village_id
    assert group_scope(user=admin_user).filter(pk=imported.pk).exists()
