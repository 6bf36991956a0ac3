"""Data corrections (pemutakhiran data): a facilitator's proposed change to the registry,
decided by the supervisor (or, for identity, the admin) and only then applied.

* ``Correction``: one proposal for one family (and, for member changes, one member):
  what it changes (``old_values`` / ``new_values``, JSON), the fingerprint of the record
  when it was proposed (an approval is refused when the record has changed since), the
  document seen and an optional photo of it (a private file).
* ``CorrectionExport``: a batch of approved corrections an admin exported for entry into
  the national system; a correction is in at most one batch, so nothing is sent twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pkh.files import private_storage


class CorrectionKind(models.TextChoices):
    MEMBER_ADD = "anggota_baru", _("Anggota baru")
    MEMBER_LEAVE = "anggota_keluar", _("Anggota keluar")
    IDENTITY = "identitas", _("Perbaikan identitas")
    VILLAGE_MOVE = "pindah_desa", _("Pindah desa")


class CorrectionStatus(models.TextChoices):
    PENDING = "menunggu", _("Menunggu keputusan")
    RETURNED = "dikembalikan", _("Dikembalikan")
    APPROVED = "disetujui", _("Disetujui")
    WITHDRAWN = "ditarik", _("Ditarik")


class Event(models.TextChoices):
    """Why a member joins or leaves the family."""

    BIRTH = "kelahiran", _("Kelahiran")
    MARRIAGE = "perkawinan", _("Perkawinan (masuk KK)")
    DEATH = "kematian", _("Meninggal dunia")
    MOVED = "pindah", _("Pindah domisili")
    MARRIED_OUT = "menikah_keluar", _("Menikah dan keluar dari KK")


JOIN_EVENTS = (Event.BIRTH, Event.MARRIAGE)
LEAVE_EVENTS = (Event.DEATH, Event.MOVED, Event.MARRIED_OUT)


class Document(models.TextChoices):
    """The document the facilitator saw."""

    KTP = "ktp", _("KTP")
    KK = "kk", _("Kartu Keluarga")
    BIRTH = "akta_lahir", _("Akta kelahiran / surat keterangan lahir")
    MARRIAGE = "buku_nikah", _("Buku nikah / akta perkawinan")
    DEATH = "akta_kematian", _("Akta kematian / surat keterangan kematian")
    MOVE = "surat_pindah", _("Surat keterangan pindah")
    VILLAGE_LETTER = "surat_desa", _("Surat keterangan desa/kelurahan")
    OTHER = "lainnya", _("Lainnya")


class Correction(models.Model):
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="corrections"
    )
    # The member a leaving or an identity correction is about; for a new member, the
    # member the approval created.
    member = models.ForeignKey(
        "households.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    kind = models.CharField(_("jenis"), max_length=16, choices=CorrectionKind.choices)
    event = models.CharField(_("peristiwa"), max_length=16, choices=Event.choices, blank=True)
    # {field: value} before and after; dates as ISO text, components as a list of codes.
    old_values = models.JSONField(_("data lama"), default=dict, blank=True)
    new_values = models.JSONField(_("data baru"))
    # sha256 of the record's values when proposed (services.fingerprint).
    fingerprint = models.CharField(max_length=64)
    document = models.CharField(_("dokumen yang dilihat"), max_length=16, choices=Document.choices)
    photo = models.ImageField(
        _("foto dokumen"), storage=private_storage, blank=True, max_length=200
    )
    note = models.TextField(_("keterangan"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CorrectionStatus.choices,
        default=CorrectionStatus.PENDING,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)
    return_reason = models.TextField(_("alasan dikembalikan"), blank=True)
    export = models.ForeignKey(
        "CorrectionExport",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    # One token per rendered form: a double submit proposes once.
    client_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("koreksi data")
        verbose_name_plural = _("koreksi data")
        constraints = [
            models.CheckConstraint(
                condition=Q(export__isnull=True) | Q(status="disetujui"),
                name="only_approved_corrections_exported",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "proposed_at"]),
            models.Index(fields=["household", "-proposed_at"]),
            models.Index(fields=["status", "decided_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind}"

    IDENTITY_FIELDS = frozenset({"name", "nik", "birth_date", "no_kk"})

    @property
    def needs_admin(self) -> bool:
        """Identity (name, NIK, No. KK, birth date) is decided by an admin."""
        return self.kind == CorrectionKind.IDENTITY

    @property
    def is_open(self) -> bool:
        return self.status in (CorrectionStatus.PENDING, CorrectionStatus.RETURNED)


class CorrectionExport(models.Model):
    """Approved corrections exported together (CSV/XLSX) for the national system."""

    period_start = models.DateField(_("dari tanggal"))
    period_end = models.DateField(_("sampai tanggal"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    correction_count = models.PositiveIntegerField(default=0)
    row_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ekspor koreksi")
        verbose_name_plural = _("ekspor koreksi")

    def __str__(self) -> str:
        return f"#{self.pk} {self.period_start}..{self.period_end}"
