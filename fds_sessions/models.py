"""FDS / P2K2 (Pertemuan Peningkatan Kemampuan Keluarga): family development sessions.

A facilitator runs a monthly session for each group (kelompok) of about 20-30 families,
following a module curriculum (``FdsModule`` / ``FdsModuleSession``), and records who
came (``Attendance``). Terms kept in Indonesian:

* kelompok: a P2K2 group; ketua kelompok: its leader, one of its families' pengurus.
* pengurus: a family's registered caretaker (see ``households.models``).

The household registry points at a family's *current* group (``Household.fds_group``);
``GroupMembership`` keeps the periods a family spent in each group, so that "sessions held
while the family was in the group" is exact. ``fds_sessions.services`` maintains it and
``memberships_sync`` reconciles it with writes made elsewhere (imports, transfers).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pkh.files import private_storage


class FdsModule(models.Model):
    """A module of the national P2K2 curriculum (e.g. "Kesehatan dan Gizi"). Seeded, edited
    by the national catalogue keeper (``pkh.permissions.can_edit_national_catalogue``).

    Retiring (``is_active=False``) hides it from planning; sessions already held keep it.
    """

    number = models.PositiveSmallIntegerField(_("nomor"), unique=True)
    title = models.CharField(_("judul modul"), max_length=120)
    description = models.TextField(_("keterangan"), blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("modul P2K2")
        verbose_name_plural = _("modul P2K2")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class FdsModuleSession(models.Model):
    """One session (sesi) of a module, in curriculum order. Retired, never deleted once used."""

    module = models.ForeignKey(
        FdsModule, verbose_name=_("modul"), on_delete=models.PROTECT, related_name="sessions"
    )
    order = models.PositiveSmallIntegerField(_("urutan"))
    title = models.CharField(_("judul sesi"), max_length=160)
    is_active = models.BooleanField(_("aktif"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["module__number", "order"]
        verbose_name = _("sesi modul")
        verbose_name_plural = _("sesi modul")
        constraints = [
            models.UniqueConstraint(fields=["module", "order"], name="module_session_order_unique")
        ]

    def __str__(self) -> str:
        return f"{self.module.number}.{self.order} {self.title}"

    @property
    def code(self) -> str:
        return f"{self.module.number}.{self.order}"


class FdsGroup(models.Model):
    """A P2K2 group (kelompok), run by one facilitator.

    ``village`` is where the group meets; it places the group in an admin's region.
    ``leader`` (ketua kelompok) is the pengurus of one of the group's families.
    """

    name = models.CharField(_("nama kelompok"), max_length=80)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pendamping"),
        on_delete=models.PROTECT,
        related_name="fds_groups",
    )
    village = models.ForeignKey(
        "regions.Region",
        verbose_name=_("desa/kelurahan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    meeting_place = models.CharField(_("tempat pertemuan"), max_length=120, blank=True)
    leader = models.ForeignKey(
        "households.Member",
        verbose_name=_("ketua kelompok"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("kelompok P2K2")
        verbose_name_plural = _("kelompok P2K2")
        constraints = [
            models.UniqueConstraint(
                fields=["facilitator", "name"], name="group_name_unique_per_facilitator"
            )
        ]
        indexes = [models.Index(fields=["village", "is_active"])]

    def __str__(self) -> str:
        return self.name


class GroupMembership(models.Model):
    """A period a family spent in a group: ``joined_on`` inclusive, ``left_on`` exclusive.

    A family has at most one open period (``left_on`` empty): its current group, which
    always equals ``Household.fds_group``.
    """

    household = models.ForeignKey(
        "households.Household", on_delete=models.CASCADE, related_name="fds_memberships"
    )
    group = models.ForeignKey(FdsGroup, on_delete=models.CASCADE, related_name="memberships")
    joined_on = models.DateField(_("bergabung"))
    left_on = models.DateField(_("keluar"), null=True, blank=True)

    class Meta:
        ordering = ["household_id", "joined_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(left_on__isnull=True),
                name="one_open_group_membership",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="membership_left_after_joined",
            ),
        ]
        indexes = [
            models.Index(fields=["group", "joined_on"]),
            models.Index(fields=["household", "joined_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} in {self.group_id} {self.joined_on}-{self.left_on or ''}"

    def covers(self, day: datetime.date) -> bool:
        return self.joined_on <= day and (self.left_on is None or day < self.left_on)


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Direncanakan")
    HELD = "held", _("Terlaksana")
    CANCELLED = "cancelled", _("Dibatalkan")


class FdsSession(models.Model):
    """A group's meeting: planned, then held (with attendance, photo and notes)."""

    group = models.ForeignKey(
        FdsGroup, verbose_name=_("kelompok"), on_delete=models.PROTECT, related_name="sessions"
    )
    date = models.DateField(_("tanggal"))
    place = models.CharField(_("tempat"), max_length=120, blank=True)
    module_session = models.ForeignKey(
        FdsModuleSession,
        verbose_name=_("modul dan sesi"),
        on_delete=models.PROTECT,
        related_name="held_sessions",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    notes = models.TextField(_("catatan"), blank=True)
    photo = models.ImageField(_("foto"), storage=private_storage, blank=True, max_length=200)
    photo_thumbnail = models.ImageField(storage=private_storage, blank=True, max_length=200)
    held_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "photo_thumbnail"])

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("pertemuan P2K2")
        verbose_name_plural = _("pertemuan P2K2")
        indexes = [
            models.Index(fields=["group", "status", "date"]),
            models.Index(fields=["status", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.date}"

    @property
    def is_held(self) -> bool:
        return self.status == SessionStatus.HELD


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Hadir")
    SICK = "sick", _("Sakit")
    EXCUSED = "excused", _("Izin")
    ABSENT = "absent", _("Tidak hadir")


class Attendance(models.Model):
    """One family's attendance at one session. ``session_date`` copies the session's date
    so that "the family's latest sessions" reads from one index."""

    session = models.ForeignKey(FdsSession, on_delete=models.CASCADE, related_name="attendance")
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="fds_attendance"
    )
    session_date = models.DateField()
    status = models.CharField(_("kehadiran"), max_length=8, choices=AttendanceStatus.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["session_id", "household_id"]
        verbose_name = _("kehadiran")
        verbose_name_plural = _("kehadiran")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "household"], name="one_attendance_per_family_session"
            )
        ]
        indexes = [models.Index(fields=["household", "-session_date"])]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.household_id}: {self.status}"
