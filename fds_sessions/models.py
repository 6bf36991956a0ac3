"""FDS / P2K2 (Pertemuan Peningkatan Kemampuan Keluarga): family development sessions.

A facilitator runs a monthly session for each group (kelompok) of about 20-30 families.
The household registry points at a family's current group (``Household.fds_group``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FdsGroup(models.Model):
    """A P2K2 group (kelompok), run by one facilitator."""

    name = models.CharField(_("nama kelompok"), max_length=80)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pendamping"),
        on_delete=models.PROTECT,
        related_name="fds_groups",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("kelompok P2K2")
        verbose_name_plural = _("kelompok P2K2")
        constraints = [
            models.UniqueConstraint(
                fields=["facilitator", "name"], name="group_name_unique_per_facilitator"
            )
        ]

    def __str__(self) -> str:
        return self.name
