"""Writes of the FDS / P2K2 app. Every write goes through a function here."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import User
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
from households.models import Household, Member
from households.selectors import village_choices
from pkh.extensions import families_changed
from pkh.permissions import (
    can_edit_national_catalogue,
    may_create_fds_group,
    may_manage_fds_group,
)
from pkh.photos import photo_prepare
from pkh.sql import analyze, chunks, ids_fill, materialise, run, temp_table
from regions.models import Region

SYNC_BATCH = 900  # ids per statement: under SQLite's variable limit
# PostgreSQL has no such limit (psycopg2 sends the ids inline): a roster import's
# 100,000 families in 10 rounds of statements instead of 110.
SYNC_BATCH_POSTGRES = 10_000
# Above this many families, one pass over a temporary table of their ids (``SYNC_SCOPE``).
SYNC_SCOPE_MIN = 1000
SYNC_SCOPE = "fds_sync_scope"
SYNC_SCOPE_SQL = f"SELECT household_id FROM {SYNC_SCOPE}"  # noqa: S608
SYNC_OPEN = "fds_sync_open"


def _today() -> datetime.date:
    return timezone.localdate()


def _require_catalogue_keeper(by: User) -> None:
    if not can_edit_national_catalogue(by):
        raise ValidationError(
            _(
                "Katalog modul P2K2 berlaku nasional: hanya pengelola katalog nasional yang dapat mengubahnya."
            )
        )


def _require_owner(group: FdsGroup, by: User) -> None:
    if not may_manage_fds_group(by, group):
        raise ValidationError(_("Hanya pendamping kelompok ini yang dapat mengubahnya."))


# --- Module catalogue ---------------------------------------------------------------


@transaction.atomic
def module_create(*, number: int, title: str, description: str = "", by: User) -> FdsModule:
    _require_catalogue_keeper(by)
    if FdsModule.objects.filter(number=number).exists():
        raise ValidationError({"number": _("Nomor modul ini sudah dipakai.")})
    module = FdsModule(number=number, title=title.strip(), description=description)
    module._history_user = by
    module.save()
    return module


@transaction.atomic
def module_update(
    *, module: FdsModule, number: int, title: str, description: str, is_active: bool, by: User
) -> FdsModule:
    """Rename, renumber or retire a module. Sessions already held keep pointing at it."""
    _require_catalogue_keeper(by)
    if FdsModule.objects.filter(number=number).exclude(pk=module.pk).exists():
        raise ValidationError({"number": _("Nomor modul ini sudah dipakai.")})
    module.number, module.title, module.description, module.is_active = (
        number,
        title.strip(),
        description,
        is_active,
    )
    module._history_user = by
    module.save(update_fields=["number", "title", "description", "is_active"])
    return module


@transaction.atomic
def module_session_create(
    *, module: FdsModule, title: str, order: int | None = None, by: User
) -> FdsModuleSession:
    """Add a session to a module; without ``order`` it goes last."""
    _require_catalogue_keeper(by)
    if order is None:
        order = (module.sessions.aggregate(last=Max("order"))["last"] or 0) + 1
    if module.sessions.filter(order=order).exists():
        raise ValidationError({"order": _("Urutan ini sudah dipakai sesi lain di modul ini.")})
    item = FdsModuleSession(module=module, order=order, title=title.strip())
    item._history_user = by
    item.save()
    return item


@transaction.atomic
def module_session_update(
    *, module_session: FdsModuleSession, title: str, order: int, is_active: bool, by: User
) -> FdsModuleSession:
    """Rename, reorder or retire a session. A retired session is no longer offered when
    planning; sessions already held keep it (and their history)."""
    _require_catalogue_keeper(by)
    clash = module_session.module.sessions.filter(order=order).exclude(pk=module_session.pk)
    if clash.exists():
        raise ValidationError({"order": _("Urutan ini sudah dipakai sesi lain di modul ini.")})
    module_session.title, module_session.order, module_session.is_active = (
        title.strip(),
        order,
        is_active,
    )
    module_session._history_user = by
    module_session.save(update_fields=["title", "order", "is_active"])
    return module_session


# --- Groups ---------------------------------------------------------------------------


def _check_village(village: Region | None, by: User) -> None:
    if village is None:
        raise ValidationError({"village": _("Pilih desa tempat kelompok bertemu.")})
    if not village_choices(user=by).filter(pk=village.pk).exists():
        raise ValidationError({"village": _("Desa ini tidak termasuk wilayah Anda.")})


@transaction.atomic
def group_create(
    *, name: str, village: Region | None, meeting_place: str = "", by: User
) -> FdsGroup:
    """A facilitator opens a new group of their own."""
    if not may_create_fds_group(by):
        raise ValidationError(_("Hanya pendamping yang dapat membuat kelompok."))
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Nama kelompok wajib diisi.")})
    _check_village(village, by)
    if FdsGroup.objects.filter(facilitator=by, name__iexact=name).exists():
        raise ValidationError({"name": _("Anda sudah punya kelompok dengan nama ini.")})
    group = FdsGroup(name=name, facilitator=by, village=village, meeting_place=meeting_place)
    group._history_user = by
    group.save()
    return group


@transaction.atomic
def group_update(
    *,
    group: FdsGroup,
    name: str,
    village: Region | None,
    meeting_place: str,
    leader: Member | None,
    is_active: bool,
    by: User,
) -> FdsGroup:
    """Rename a group, move its meeting place, choose its leader or archive it.

    The leader (ketua kelompok) must be the pengurus of a family now in the group. A group
    with families cannot be archived.
    """
    _require_owner(group, by)
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Nama kelompok wajib diisi.")})
    if village != group.village:
        _check_village(village, by)
    clash = FdsGroup.objects.filter(facilitator=group.facilitator, name__iexact=name)
    if clash.exclude(pk=group.pk).exists():
        raise ValidationError({"name": _("Anda sudah punya kelompok dengan nama ini.")})
    if leader is not None and not (
        leader.is_pengurus
        and leader.left_on is None
        and Household.objects.filter(pk=leader.household_id, fds_group=group).exists()
    ):
        raise ValidationError(
            {"leader": _("Ketua harus pengurus salah satu keluarga di kelompok ini.")}
        )
    if not is_active and group.households.exists():
        raise ValidationError(
            {"is_active": _("Pindahkan dulu semua keluarga sebelum kelompok diarsipkan.")}
        )
    group.name, group.village, group.meeting_place, group.leader, group.is_active = (
        name,
        village,
        meeting_place,
        leader,
        is_active,
    )
    group._history_user = by
    group.save(
        update_fields=["name", "village", "meeting_place", "leader", "is_active", "updated_at"]
    )
    return group


def _regroup(
    *, households: list[Household], group: FdsGroup | None, on_date: datetime.date, by: User
) -> None:
    """Move ``households`` into ``group`` (or out of any group) as of ``on_date``."""
    ids = [h.pk for h in households]
    if not ids:
        return
    open_rows = GroupMembership.objects.filter(household_id__in=ids, left_on__isnull=True)
    if open_rows.filter(joined_on__gt=on_date).exists():
        raise ValidationError(
            {
                "on_date": _(
                    "Tanggal pindah tidak boleh sebelum keluarga masuk kelompoknya sekarang."
                )
            }
        )
    if Attendance.objects.filter(household_id__in=ids, session_date__gt=on_date).exists():
        raise ValidationError(
            {
                "on_date": _(
                    "Sebagian keluarga sudah tercatat hadir/absen setelah tanggal ini; "
                    "pilih tanggal sesudahnya."
                )
            }
        )
    # A family that attended its old group's meeting on the day it moves stays in the old
    # group through that day (the meeting keeps counting): the periods overlap one day.
    attended_that_day = set(
        Attendance.objects.filter(household_id__in=ids, session_date=on_date).values_list(
            "household_id", flat=True
        )
    )
    open_rows.filter(household_id__in=attended_that_day).update(
        left_on=on_date + datetime.timedelta(days=1)
    )
    rest = open_rows.exclude(household_id__in=attended_that_day)
    rest.filter(joined_on=on_date).delete()  # a period of zero days
    rest.update(left_on=on_date)
    if group is not None:
        GroupMembership.objects.bulk_create(
            [GroupMembership(household_id=pk, group=group, joined_on=on_date) for pk in ids]
        )
    old_groups = {h.fds_group_id for h in households} - {None}
    now = timezone.now()
    for h in households:
        h.fds_group = group
        h.updated_at = now
    bulk_update_with_history(
        households,
        Household,
        ["fds_group", "updated_at"],
        batch_size=500,
        default_user=by,
        default_change_reason="p2k2",
    )
    # A leader whose family left stops being the leader.
    FdsGroup.objects.filter(pk__in=old_groups, leader__household_id__in=ids).update(leader=None)
    families_changed(ids, fields={"fds_group"})


def _families_of(group: FdsGroup, ids: Iterable[int]) -> list[Household]:
    ids = set(ids)
    if not ids:
        raise ValidationError({"households": _("Pilih minimal satu keluarga.")})
    rows = list(
        Household.objects.filter(pk__in=ids, facilitator_id=group.facilitator_id)
        .select_for_update()
        .order_by("pk")
    )
    if len(rows) != len(ids):
        raise ValidationError(
            {"households": _("Sebagian keluarga bukan dampingan pendamping kelompok ini.")}
        )
    return rows


def _check_move_date(on_date: datetime.date) -> None:
    if on_date > _today():
        raise ValidationError({"on_date": _("Tanggal tidak boleh di masa depan.")})


@transaction.atomic
def group_families_add(
    *, group: FdsGroup, household_ids: Iterable[int], on_date: datetime.date, by: User
) -> int:
    """Move families of the group's facilitator into ``group`` from ``on_date`` on.

    A family is in one group at a time: it leaves its current group on the same day.
    Returns how many families moved (those already in the group are left alone).
    """
    _require_owner(group, by)
    if not group.is_active:
        raise ValidationError(_("Kelompok ini sudah diarsipkan."))
    _check_move_date(on_date)
    rows = [h for h in _families_of(group, household_ids) if h.fds_group_id != group.pk]
    _regroup(households=rows, group=group, on_date=on_date, by=by)
    return len(rows)


@transaction.atomic
def group_families_remove(
    *, group: FdsGroup, household_ids: Iterable[int], on_date: datetime.date, by: User
) -> int:
    """Take families out of ``group`` (into no group) from ``on_date`` on."""
    _require_owner(group, by)
    _check_move_date(on_date)
    rows = _families_of(group, household_ids)
    if any(h.fds_group_id != group.pk for h in rows):
        raise ValidationError({"households": _("Sebagian keluarga tidak ada di kelompok ini.")})
    _regroup(households=rows, group=None, on_date=on_date, by=by)
    return len(rows)


@transaction.atomic
def memberships_sync(
    *, household_ids: Iterable[int], on_date: datetime.date | None = None
) -> dict[str, int]:
    """Reconcile membership periods with ``Household.fds_group`` for these families.

    For writes made elsewhere (roster import, facilitator transfer) that set the current
    group in bulk: an open period in another group is closed ``on_date`` (today by
    default; dropped when it began that day), a family with a group and no open period
    gets one from ``on_date``, a leader whose family left loses the role, and a group
    without a village gets its first family's village (admins' scope). Set-based,
    a few statements per batch of ids; running it twice changes nothing.
    """
    day = on_date or _today()
    ids = sorted(set(household_ids))
    counts = {"closed": 0, "opened": 0}
    if len(ids) > SYNC_SCOPE_MIN:
        # Many families (a roster import): the ids go into a temporary table with its
        # own statistics, and every statement reads it once: a fixed number of
        # statements, each a join of known sizes, instead of rounds of long id lists.
        temp_table(SYNC_SCOPE, "household_id BIGINT PRIMARY KEY")
        ids_fill(SYNC_SCOPE, ids)
        analyze(SYNC_SCOPE)
        _sync_scope(RawSQL(SYNC_SCOPE_SQL, []), day, counts)  # noqa: S611
        return counts
    size = SYNC_BATCH_POSTGRES if connection.vendor == "postgresql" else SYNC_BATCH
    for chunk in chunks(ids, size):
        _sync_scope(chunk, day, counts)
    return counts


def _sync_scope(scope, day: datetime.date, counts: dict[str, int]) -> None:
    """``memberships_sync`` for the families ``scope``: a list of ids, or a subquery of
    them (``RawSQL``)."""
    same_group = Household.objects.filter(
        pk=OuterRef("household_id"), fds_group_id=OuterRef("group_id")
    )
    stale = GroupMembership.objects.filter(household_id__in=scope, left_on__isnull=True).exclude(
        Exists(same_group)
    )
    # Never cut off recorded attendance: a period with attendance on or after ``day``
    # closes the day after the last one (rare: a meeting held today, then a bulk move).
    last_attended = (
        Attendance.objects.filter(
            household_id=OuterRef("household_id"),
            session__group_id=OuterRef("group_id"),
            session_date__gte=day,
        )
        .order_by("-session_date")
        .values("session_date")[:1]
    )
    for pk, last in (
        stale.annotate(last=Subquery(last_attended))
        .filter(last__isnull=False)
        .values_list("pk", "last")
    ):
        GroupMembership.objects.filter(pk=pk).update(left_on=last + datetime.timedelta(days=1))
        counts["closed"] += 1
    stale.filter(joined_on__gte=day).delete()
    counts["closed"] += stale.update(left_on=day)
    # INSERT ... SELECT: a roster import opens 100,000 periods without building them
    # in Python.
    gm, hh = GroupMembership._meta.db_table, Household._meta.db_table
    if isinstance(scope, RawSQL):
        # The families to open a period for, computed first into a table of their own:
        # an INSERT whose NOT EXISTS reads the table it writes can be planned as a nested
        # loop over a scan of that table (empty when planned, growing with every row
        # inserted): 11 s instead of 0.1 s for 25,000 families.
        materialise(
            SYNC_OPEN,
            f"""SELECT h.id AS household_id, h.fds_group_id AS group_id
            FROM {SYNC_SCOPE} s JOIN {hh} h ON h.id = s.household_id
            WHERE h.fds_group_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {gm} o
                WHERE o.household_id = h.id AND o.left_on IS NULL)""",  # noqa: S608
        )
        counts["opened"] += run(
            f"""INSERT INTO {gm} (household_id, group_id, joined_on, left_on)
            SELECT household_id, group_id, %s, NULL FROM {SYNC_OPEN}
            ORDER BY household_id""",  # noqa: S608
            [day],
        )
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {gm} (household_id, group_id, joined_on, left_on)
                SELECT h.id, h.fds_group_id, %s, NULL FROM {hh} h
                WHERE h.id IN ({", ".join(["%s"] * len(scope))}) AND h.fds_group_id IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM {gm} o
                        WHERE o.household_id = h.id AND o.left_on IS NULL)""",  # noqa: S608
                [day, *scope],
            )
            counts["opened"] += cursor.rowcount
    leader_stays = Household.objects.filter(
        pk=OuterRef("leader__household_id"), fds_group_id=OuterRef("pk")
    )
    FdsGroup.objects.filter(leader__household_id__in=scope).exclude(Exists(leader_stays)).update(
        leader=None
    )
    # Groups created elsewhere (e.g. by the roster import) meet in their first
    # family's village until the facilitator says otherwise: admins see them by it.
    first_village = (
        Household.objects.filter(fds_group=OuterRef("pk")).order_by("pk").values("village")[:1]
    )
    FdsGroup.objects.filter(
        village__isnull=True,
        pk__in=Household.objects.filter(pk__in=scope, fds_group__isnull=False).values("fds_group"),
    ).update(village=Subquery(first_village))


# --- Sessions -------------------------------------------------------------------------


def _check_plan(*, group: FdsGroup, module_session: FdsModuleSession, date, by: User) -> None:
    _require_owner(group, by)
    if not group.is_active:
        raise ValidationError(_("Kelompok ini sudah diarsipkan."))
    if date is None:
        raise ValidationError({"date": _("Tanggal wajib diisi.")})
    if not (module_session.is_active and module_session.module.is_active):
        raise ValidationError({"module_session": _("Sesi modul ini sudah tidak dipakai.")})


@transaction.atomic
def session_plan(
    *,
    group: FdsGroup,
    date: datetime.date,
    module_session: FdsModuleSession,
    place: str = "",
    by: User,
) -> FdsSession:
    """Plan a group's meeting (any date, also in the future)."""
    _check_plan(group=group, module_session=module_session, date=date, by=by)
    session = FdsSession(
        group=group,
        date=date,
        place=place or group.meeting_place,
        module_session=module_session,
        created_by=by,
    )
    session._history_user = by
    session.save()
    return session


@transaction.atomic
def session_update(
    *,
    session: FdsSession,
    date: datetime.date,
    module_session: FdsModuleSession,
    place: str,
    by: User,
) -> FdsSession:
    """Change a planned meeting. A held meeting keeps its date and module."""
    if session.status != SessionStatus.PLANNED:
        raise ValidationError(_("Hanya pertemuan yang masih direncanakan yang dapat diubah."))
    if module_session.pk != session.module_session_id:
        _check_plan(group=session.group, module_session=module_session, date=date, by=by)
    else:
        _require_owner(session.group, by)
    session.date, session.module_session, session.place = date, module_session, place
    session._history_user = by
    session.save(update_fields=["date", "module_session", "place", "updated_at"])
    return session


@transaction.atomic
def session_cancel(*, session: FdsSession, by: User) -> FdsSession:
    _require_owner(session.group, by)
    if session.status != SessionStatus.PLANNED:
        raise ValidationError(_("Hanya pertemuan yang masih direncanakan yang dapat dibatalkan."))
    session.status = SessionStatus.CANCELLED
    session._history_user = by
    session.save(update_fields=["status", "updated_at"])
    return session


def members_on(*, group: FdsGroup, day: datetime.date) -> set[int]:
    """Ids of the families that were in ``group`` on ``day``."""
    return set(
        GroupMembership.objects.filter(group=group, joined_on__lte=day)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=day))
        .values_list("household_id", flat=True)
    )


def _delete_files(names: list[str], storage) -> None:
    for name in names:
        if name:
            storage.delete(name)


@transaction.atomic
def session_hold(
    *,
    session: FdsSession,
    attendance: Mapping[int, str],
    notes: str = "",
    photo=None,
    by: User,
) -> FdsSession:
    """Record that a meeting took place: every family's attendance, notes and a photo.

    ``attendance`` maps household id to an ``AttendanceStatus`` and must cover exactly
    the families that were in the group on the session's date. Submitting again updates
    the records (each change goes to the audit trail) instead of adding new ones.
    """
    session = FdsSession.objects.select_for_update().select_related("group").get(pk=session.pk)
    _require_owner(session.group, by)
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(_("Pertemuan ini sudah dibatalkan."))
    if session.date > _today():
        raise ValidationError(
            _("Pertemuan bertanggal di masa depan belum dapat dicatat sebagai terlaksana.")
        )
    valid = set(AttendanceStatus.values)
    if any(status not in valid for status in attendance.values()):
        raise ValidationError({"attendance": _("Status kehadiran tidak dikenal.")})
    members = members_on(group=session.group, day=session.date)
    strangers = set(attendance) - members
    if strangers:
        raise ValidationError(
            {
                "attendance": _(
                    "%(n)d keluarga tidak termasuk kelompok ini pada tanggal pertemuan."
                )
                % {"n": len(strangers)}
            }
        )
    missing = members - set(attendance)
    if missing:
        raise ValidationError(
            {
                "attendance": _("Tandai kehadiran semua keluarga (%(n)d belum ditandai).")
                % {"n": len(missing)}
            }
        )
    prepared = (
        photo_prepare(
            photo,
            max_bytes=settings.PKH_FDS_PHOTO_MAX_BYTES,
            sides=(settings.PKH_FDS_PHOTO_SIZE, settings.PKH_FDS_THUMBNAIL_SIZE),
        )
        if photo is not None
        else None
    )
    existing = {a.household_id: a for a in session.attendance.all()}
    new, changed = [], []
    for household_id, status in attendance.items():
        row = existing.get(household_id)
        if row is None:
            new.append(
                Attendance(
                    session=session,
                    household_id=household_id,
                    session_date=session.date,
                    status=status,
                    recorded_by=by,
                )
            )
        elif row.status != status:
            row.status, row.recorded_by = status, by
            changed.append(row)
    try:
        with transaction.atomic():
            bulk_create_with_history(new, Attendance, default_user=by)
    except IntegrityError:
        raise ValidationError(_("Kehadiran sedang disimpan dari perangkat lain; coba lagi."))
    if changed:
        now = timezone.now()
        for row in changed:
            row.updated_at = now
        bulk_update_with_history(
            changed,
            Attendance,
            ["status", "recorded_by", "updated_at"],
            default_user=by,
            default_change_reason="ubah kehadiran",
        )
    fields = ["notes", "updated_at"]
    session.notes = notes
    if session.status != SessionStatus.HELD:
        session.status, session.held_at = SessionStatus.HELD, timezone.now()
        fields += ["status", "held_at"]
    if prepared is not None:
        full, thumb = prepared
        storage = session.photo.storage
        old = [session.photo.name, session.photo_thumbnail.name]
        stem = f"p2k2/{session.group_id}/{session.pk}-{uuid.uuid4().hex}"
        session.photo.save(f"{stem}.jpg", full, save=False)
        session.photo_thumbnail.save(f"{stem}-thumb.jpg", thumb, save=False)
        fields += ["photo", "photo_thumbnail"]
        transaction.on_commit(lambda: _delete_files(old, storage))
    session._history_user = by
    session.save(update_fields=fields)
    return session
