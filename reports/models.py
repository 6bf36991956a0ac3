"""Quarterly progress reports and the runs that produce them.

* ``ProgressReport``: one facilitator's report for one quarter, stored as a snapshot (the
  numbers and their definitions, computed from the database as it was in that quarter), so
  later edits do not change an old report. One per (facilitator, quarter): a regeneration
  replaces it and records who asked for it.
* ``ReportRun``: one request to produce reports for a quarter (the schedule, a button or the
  ``progress_reports`` command), with one ``ReportRunItem`` per facilitator holding that
  facilitator's result (done, or failed with the error).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Trigger(models.TextChoices):
    SCHEDULE = "schedule", _("Jadwal otomatis")
    MANUAL = "manual", _("Tombol buat ulang")
    COMMAND = "command", _("Perintah manage.py")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Menunggu antrian")
    RUNNING = "running", _("Sedang berjalan")
    DONE = "done", _("Selesai")
    FAILED = "failed", _("Gagal")


class ReportRun(models.Model):
    quarter = models.CharField(_("triwulan"), max_length=6)
    status = models.CharField(
        _("status"), max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    trigger = models.CharField(_("pemicu"), max_length=8, choices=Trigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diminta oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    total = models.PositiveIntegerField(_("jumlah pendamping"), default=0)
    done_count = models.PositiveIntegerField(_("selesai"), default=0)
    failed_count = models.PositiveIntegerField(_("gagal"), default=0)
    # A run-level problem (e.g. the queue could not be reached); per-facilitator errors
    # live on the items.
    error = models.TextField(_("galat"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("proses laporan")
        verbose_name_plural = _("proses laporan")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in RunStatus]),
                name="report_run_status_valid",
            ),
            # The schedule starts one run per quarter, even if beat fires twice.
            models.UniqueConstraint(
                fields=["quarter"],
                condition=models.Q(trigger="schedule"),
                name="one_scheduled_run_per_quarter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quarter} #{self.pk} ({self.status})"


class ReportRunItem(models.Model):
    """One facilitator's report inside a run: its own status, attempts and error."""

    run = models.ForeignKey(ReportRun, on_delete=models.CASCADE, related_name="items")
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    error = models.TextField(_("galat"), blank=True)
    # Who asked for this facilitator's report (null: the schedule); copied to the report.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["run_id", "facilitator__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "facilitator"], name="one_item_per_run_facilitator"
            )
        ]
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self) -> str:
        return f"run {self.run_id} / {self.facilitator_id}: {self.status}"


class ProgressReport(models.Model):
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pendamping"),
        on_delete=models.PROTECT,
        related_name="progress_reports",
    )
    quarter = models.CharField(_("triwulan"), max_length=6)
    # The whole report: sections, figures with their definitions, tables (see snapshot.py).
    snapshot = models.JSONField(_("isi laporan"))
    # Flat {figure key: number} of the headline figures, for the team and district pages.
    summary = models.JSONField(_("ringkasan"), default=dict)
    generated_at = models.DateTimeField(_("dibuat pada"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuat oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    trigger = models.CharField(_("pemicu"), max_length=8, choices=Trigger.choices)
    run = models.ForeignKey(
        ReportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    regenerated_count = models.PositiveSmallIntegerField(_("kali dibuat ulang"), default=0)

    class Meta:
        ordering = ["-quarter", "facilitator__username"]
        verbose_name = _("laporan triwulan")
        verbose_name_plural = _("laporan triwulan")
        constraints = [
            models.UniqueConstraint(
                fields=["facilitator", "quarter"], name="one_report_per_facilitator_quarter"
            )
        ]
        indexes = [models.Index(fields=["quarter", "facilitator"])]

    def __str__(self) -> str:
        return f"{self.quarter} {self.facilitator_id}"
