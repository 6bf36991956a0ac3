"""Complaints (pengaduan): a family's problem as a ticket with an owner and a deadline.

A facilitator opens a complaint for a family or one of its members, in a category of
the editable catalogue and through a channel (home visit, P2K2, phone, walk-in). Its
deadline is the category's service level (``deadline_days``, else the setting
``PKH_COMPLAINT_DEADLINE_DAYS``) counted from the day it was opened. An open complaint
past its deadline escalates to the facilitator's supervisor, and
``PKH_COMPLAINT_ADMIN_ESCALATION_DAYS`` later to the region's admins
(``complaints.services.complaints_escalate``, run by Celery beat).

Life cycle: new → in progress → referred (to an office of the resource directory,
*sistem sumber*) → resolved, or rejected with a reason. Every change is a
``ComplaintEvent`` (who, when, what, a note).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assistance.models import CaseKind
from pkh.files import private_storage


class ComplaintCategory(models.Model):
    """An entry of the complaint catalogue (seeded by migration 0002, editable in the
    admin site). ``deadline_days`` empty means the default from the settings;
    ``case_kind`` is the advocacy case kind suggested when a case is opened from it."""

    code = models.SlugField(_("kode"), max_length=30, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    deadline_days = models.PositiveSmallIntegerField(
        _("batas waktu (hari)"),
        null=True,
        blank=True,
        help_text=_("Kosong: memakai batas bawaan (PKH_COMPLAINT_DEADLINE_DAYS)."),
    )
    case_kind = models.CharField(
        _("jenis kasus advokasi yang disarankan"),
        max_length=12,
        choices=CaseKind.choices,
        blank=True,
    )
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("kategori pengaduan")
        verbose_name_plural = _("kategori pengaduan")
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline_days__isnull=True) | Q(deadline_days__gte=1),
                name="complaint_category_deadline_positive",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def effective_deadline_days(self) -> int:
        return self.deadline_days or settings.PKH_COMPLAINT_DEADLINE_DAYS


class Channel(models.TextChoices):
    HOME_VISIT = "kunjungan", _("Kunjungan rumah")
    P2K2 = "p2k2", _("Pertemuan P2K2")
    PHONE = "telepon", _("Telepon")
    WALK_IN = "datang", _("Datang langsung")


class ComplaintStatus(models.TextChoices):
    NEW = "baru", _("Baru")
    IN_PROGRESS = "diproses", _("Diproses")
    REFERRED = "dirujuk", _("Dirujuk")
    RESOLVED = "selesai", _("Selesai")
    REJECTED = "ditolak", _("Ditolak")


OPEN_STATUSES = (ComplaintStatus.NEW, ComplaintStatus.IN_PROGRESS, ComplaintStatus.REFERRED)
CLOSED_STATUSES = (ComplaintStatus.RESOLVED, ComplaintStatus.REJECTED)


class Escalation(models.IntegerChoices):
    NONE = 0, _("Belum")
    SUPERVISOR = 1, _("Ke supervisor")
    ADMIN = 2, _("Ke admin")


def photo_upload_to(instance, filename: str) -> str:
    return f"complaints/{timezone.now():%Y/%m}/{filename}"


class Complaint(models.Model):
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("keluarga"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    member = models.ForeignKey(
        "households.Member",
        verbose_name=_("anggota"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.ForeignKey(
        ComplaintCategory, verbose_name=_("kategori"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices)
    description = models.TextField(_("uraian"))
    # A photo of a document (private: pkh/files.py), re-encoded without metadata.
    photo = models.ImageField(
        _("foto dokumen"), storage=private_storage, blank=True, max_length=200
    )
    photo_thumbnail = models.ImageField(storage=private_storage, blank=True, max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=ComplaintStatus.choices, default=ComplaintStatus.NEW
    )
    # Who carries the ticket: the family's facilitator when it was opened, moved along
    # with the family while it is open (complaints.extensions.follow_transfers).
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pendamping"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuka oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("dibuka"), default=timezone.now)
    due_on = models.DateField(_("batas waktu"))
    escalation = models.PositiveSmallIntegerField(
        _("eskalasi"), choices=Escalation.choices, default=Escalation.NONE
    )
    escalated_at = models.DateTimeField(_("dieskalasi"), null=True, blank=True)
    referred_to = models.ForeignKey(
        "assistance.Resource",
        verbose_name=_("dirujuk ke"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    advocacy_case = models.ForeignKey(
        "assistance.AdvocacyCase",
        verbose_name=_("kasus advokasi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    # The outcome when resolved, the reason when rejected.
    resolution = models.TextField(_("hasil / alasan"), blank=True)
    closed_at = models.DateTimeField(_("ditutup"), null=True, blank=True)
    # One token per rendered form: a double submit opens one complaint.
    client_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("pengaduan")
        verbose_name_plural = _("pengaduan")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["selesai", "ditolak"])
                | (Q(closed_at__isnull=False) & ~Q(resolution="")),
                name="closed_complaint_has_time_and_resolution",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["selesai", "ditolak"]) | Q(closed_at__isnull=True),
                name="open_complaint_is_not_closed",
            ),
            models.CheckConstraint(
                condition=~Q(status="dirujuk") | Q(referred_to__isnull=False),
                name="referred_complaint_names_office",
            ),
        ]
        indexes = [
            models.Index(fields=["facilitator", "status", "due_on"], name="complaint_fac_open"),
            models.Index(fields=["household", "status"], name="complaint_household"),
            models.Index(
                fields=["due_on"],
                condition=Q(status__in=["baru", "diproses", "dirujuk"]),
                name="complaint_open_due",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.category}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()


class EventKind(models.TextChoices):
    OPENED = "dibuka", _("Dibuka")
    STATUS = "status", _("Status diubah")
    REFERRED = "dirujuk", _("Dirujuk")
    ESCALATED = "eskalasi", _("Eskalasi")
    CASE_LINKED = "kasus", _("Kasus advokasi dikaitkan")
    NOTE = "catatan", _("Catatan")
    REASSIGNED = "pindah", _("Pindah pendamping")


class ComplaintEvent(models.Model):
    """One change of a complaint: who (``None`` for the system's escalation), when, what
    (``kind``, the status before and after, ``detail``) and a note."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    from_status = models.CharField(max_length=10, choices=ComplaintStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=ComplaintStatus.choices, blank=True)
    detail = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["complaint", "at"], name="complaint_event_at")]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind} {self.at:%Y-%m-%d}"
