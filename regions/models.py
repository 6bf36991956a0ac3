"""Kemendagri regions (province, regency, district, village), loaded from the bundled
code list (``python manage.py load_regions``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("Provinsi")
    REGENCY = 2, _("Kabupaten/Kota")
    DISTRICT = 3, _("Kecamatan")
    VILLAGE = 4, _("Desa/Kelurahan")


class Region(models.Model):
    """A Kemendagri region; ``code`` is the dotted code (``34.02.09.2001``) and the key."""

    code = models.CharField(_("kode"), max_length=13, primary_key=True)
    name = models.CharField(_("nama"), max_length=120)
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        # The table keeps the name it had when Region lived in households (moved by
        # regions/migrations/0001_initial.py without touching the database).
        db_table = "households_region"
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def plain_code(self) -> str:
        return self.code.replace(".", "")
