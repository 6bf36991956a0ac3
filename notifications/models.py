"""In-app notifications and each user's email preference.

A notification tells one user that something waits for them (a complaint assigned or
escalated, a correction approved or returned, a proposal waiting) and links to the page.
Its ``title`` is written for anyone looking over the user's shoulder: it never holds a
NIK, a No. KK or a family's name, only what happened ("Pengaduan #12 lewat tenggat").
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message to one user. ``kind`` is a short machine key chosen by the app that
    sends it (``complaint_assigned``, ``complaint_escalated``, ``correction_approved``,
    ...); ``url`` a path inside the site."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penerima"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("jenis"), max_length=40)
    title = models.CharField(_("judul"), max_length=200)
    url = models.CharField(_("tautan"), max_length=500)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    read_at = models.DateTimeField(_("dibaca"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_recent"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notif_recipient_unread",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """A user's choice about email. No row means the defaults (the weekly digest on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email_digest = models.BooleanField(_("kirim ringkasan mingguan lewat email"), default=True)
    # When the last weekly digest went out: a second run in the same week sends nothing.
    digest_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("preferensi notifikasi")
        verbose_name_plural = _("preferensi notifikasi")

    def __str__(self) -> str:
        return str(self.user)
