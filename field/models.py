"""Offline field work: the phone keeps a copy of the facilitator's caseload and queues
what is recorded without signal; ``services.sync_records`` applies the queue.

``SyncReceipt`` is the idempotency record of every queued record the server applied,
by the phone's client token: a resend (a dropped connection, a retry) finds it and
answers "already applied" without writing again. It is written in the same transaction
as the record itself, so a record and its receipt exist together or not at all.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordKind(models.TextChoices):
    VISIT = "visit", _("Kunjungan rumah")
    ATTENDANCE = "attendance", _("Kehadiran P2K2")


class SyncReceipt(models.Model):
    client_token = models.UUIDField(unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=RecordKind.choices)
    # The id of what the record made or changed (a Visit, an FdsSession).
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tanda terima sinkronisasi")
        verbose_name_plural = _("tanda terima sinkronisasi")
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.client_token}"


class FieldDevice(models.Model):
    """A phone (a browser profile) that holds an offline copy: registered when it first
    prepares, named by its key in every offline request (``X-PKH-Device``). A revoked
    device is refused and told to wipe what it holds (docs/offline.md)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="field_devices"
    )
    key = models.UUIDField(unique=True)
    # The browser and system it reported, e.g. "Chrome · Android": no personal data.
    label = models.CharField(max_length=80, blank=True)
    # The session it was registered in: revoking ends it, so the phone is signed out.
    session_key = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("perangkat offline")
        verbose_name_plural = _("perangkat offline")
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.label or 'device'} #{self.pk}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
