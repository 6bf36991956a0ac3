"""The household registry: regions, families (KPM), members (ART), components, visits.

Programme terms kept in Indonesian where no English word is as exact:

* KPM (Keluarga Penerima Manfaat): a beneficiary family, here ``Household``.
* ART (anggota rumah tangga): a family member, here ``Member``.
* pengurus: the member who is the family's registered caretaker (usually the mother);
  payments go to her KKS card. Exactly one per active family.
* komponen: a member who counts for PKH: ``IBU_HAMIL`` (pregnant/postpartum woman),
  ``ANAK_USIA_DINI`` (child 0-6; the rules of when a component counts are in
  ``households/components.py``), ``SD``/``SMP``/``SMA`` (child in primary, junior or
  senior secondary school), ``DISABILITAS`` (severe disability), ``LANSIA`` (elderly).
* No. KK: the 16-digit family card number; NIK: the 16-digit personal id.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from households.validators import validate_sixteen_digits
from regions.models import RegionLevel


class ComponentCategory(models.TextChoices):
    HEALTH = "kesehatan", _("Kesehatan")
    EDUCATION = "pendidikan", _("Pendidikan")
    WELFARE = "kesejahteraan", _("Kesejahteraan sosial")


class Component(models.Model):
    """A PKH component (komponen). Seeded by a migration, editable by admins."""

    code = models.CharField(_("kode"), max_length=20, primary_key=True)
    name = models.CharField(_("nama"), max_length=80)
    category = models.CharField(_("kategori"), max_length=16, choices=ComponentCategory.choices)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    # This component's bit in ``Household.component_mask`` (a power of two, fixed once
    # given: migration 0004 numbers the seeded ones, ``save`` the next free bit).
    flag = models.PositiveIntegerField(unique=True, editable=False)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.flag is None:
            taken = set(Component.objects.values_list("flag", flat=True))
            self.flag = next(1 << bit for bit in range(31) if 1 << bit not in taken)
        super().save(*args, **kwargs)


class BenefitRate(models.Model):
    """Yearly benefit of one component in IDR (docs/domain.md: a setting per year)."""

    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="rates")
    year = models.PositiveSmallIntegerField(_("tahun"))
    amount = models.PositiveIntegerField(_("nilai per tahun (Rp)"))

    class Meta:
        ordering = ["-year", "component__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["component", "year"], name="one_rate_per_component_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.component_id} {self.year}: {self.amount}"


class BenefitCap(models.Model):
    """How many members' components count per family in a year (the highest-value ones).

    The cap counts people: a member holding two components counts once, under the
    higher-value one (``household_benefit_estimate``; docs/domain.md "Component rules")."""

    year = models.PositiveSmallIntegerField(_("tahun"), unique=True)
    max_components = models.PositiveSmallIntegerField(
        _("maksimal orang komponen per keluarga"), default=4
    )

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.max_components}"


class HouseholdStatus(models.TextChoices):
    ACTIVE = "active", _("Aktif")
    SUSPENDED = "suspended", _("Ditangguhkan")
    GRADUATED = "graduated", _("Graduasi")
    EXITED = "exited", _("Keluar")


class ExitType(models.TextChoices):
    GRADUASI_ALAMIAH = "alamiah", _("Graduasi alamiah")
    GRADUASI_MANDIRI = "mandiri", _("Graduasi sejahtera mandiri")
    NOT_ELIGIBLE = "tidak_eligible", _("Tidak memenuhi syarat")
    NON_COMPLIANCE = "tidak_komitmen", _("Tidak memenuhi komitmen")
    MOVED = "pindah", _("Pindah domisili")
    DECEASED = "meninggal", _("Meninggal dunia")
    OTHER = "lainnya", _("Lainnya")


class Household(models.Model):
    """A beneficiary family (KPM), identified by the national register's id."""

    id_keluarga = models.CharField(
        _("ID keluarga"),
        max_length=40,
        unique=True,
        help_text=_("IDSemesta / ID DTKS, disimpan persis (nol di depan penting)."),
    )
    no_kk = models.CharField(
        _("No. KK"), max_length=16, validators=[validate_sixteen_digits], db_index=True
    )
    # No index of its own: (village, status) below serves equality and, on PostgreSQL,
    # ``household_village_prefix`` (migration 0002) the region prefixes (LIKE '34.02.%').
    village = models.ForeignKey(
        "regions.Region",
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="households",
        limit_choices_to={"level": RegionLevel.VILLAGE},
        db_index=False,
    )
    address = models.CharField(_("alamat"), max_length=200, blank=True)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    phone = models.CharField(_("telepon"), max_length=20, blank=True)
    # No index of its own: the (facilitator, ...) indexes below start with it.
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pendamping"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="households",
        limit_choices_to={"role": "facilitator"},
        db_index=False,
    )
    fds_group = models.ForeignKey(
        "fds_sessions.FdsGroup",
        verbose_name=_("kelompok P2K2"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="households",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=HouseholdStatus.choices, default=HouseholdStatus.ACTIVE
    )
    status_date = models.DateField(_("tanggal status"), null=True, blank=True)
    status_reason = models.CharField(_("alasan status"), max_length=200, blank=True)
    exit_type = models.CharField(
        _("jenis keluar/graduasi"), max_length=16, choices=ExitType.choices, blank=True
    )
    year_joined = models.PositiveSmallIntegerField(_("tahun masuk PKH"), null=True, blank=True)
    welfare_decile = models.PositiveSmallIntegerField(
        _("desil kesejahteraan"), null=True, blank=True
    )
    # Denormalised from Visit by the visit services: the caseload filters and sorts on it.
    last_visit_on = models.DateField(_("kunjungan terakhir"), null=True, blank=True, editable=False)
    # Denormalised name of the pengurus member, kept by database triggers on Member
    # (migration 0003: every writer, ORM or bulk SQL, keeps it right). The caseload
    # sorts on it with an index instead of a per-row subquery. NULL: no pengurus.
    pengurus_name_cache = models.CharField(max_length=120, null=True, blank=True, editable=False)
    # Denormalised OR of the ``Component.flag`` of the active members' components, kept
    # by database triggers on members and their components (migration 0004). The
    # caseload's component filter reads it instead of a semi-join per family.
    component_mask = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # user_db_constraint=False: the audit rows name their user without a foreign-key
    # check per row (the roster import writes one audit row per family and member); a
    # user deleted through the ORM (Django admin) still leaves them NULL (SET_NULL).
    history = HistoricalRecords(
        excluded_fields=["last_visit_on", "pengurus_name_cache", "component_mask", "updated_at"],
        user_db_constraint=False,
    )

    class Meta:
        ordering = ["id_keluarga"]
        verbose_name = _("keluarga")
        verbose_name_plural = _("keluarga")
        constraints = [
            models.CheckConstraint(
                condition=Q(welfare_decile__isnull=True)
                | Q(welfare_decile__gte=1, welfare_decile__lte=10),
                name="welfare_decile_1_to_10",
            ),
        ]
        indexes = [
            models.Index(fields=["facilitator", "status"]),
            models.Index(fields=["facilitator", "last_visit_on"]),
            models.Index(fields=["village", "status"]),
            # The caseload's default order (pengurus name), for one facilitator and over
            # a whole region (an admin's caseload). "Oldest visit first" has a
            # PostgreSQL-only index (NULLS FIRST) in migration 0003.
            models.Index(
                fields=["facilitator", "pengurus_name_cache", "id"], name="hh_fac_pengurus"
            ),
            models.Index(fields=["pengurus_name_cache", "id"], name="hh_pengurus"),
        ]

    def __str__(self) -> str:
        return self.id_keluarga

    # Written only by database triggers: a save of an instance read earlier must not
    # put back the value it was read with.
    TRIGGER_FIELDS = frozenset({"pengurus_name_cache", "component_mask"})

    def save(self, *args, **kwargs):
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in self.TRIGGER_FIELDS
            ]
        super().save(*args, **kwargs)


class Sex(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


class Relationship(models.TextChoices):
    HEAD = "KEPALA_KELUARGA", _("Kepala keluarga")
    WIFE = "ISTRI", _("Istri")
    HUSBAND = "SUAMI", _("Suami")
    CHILD = "ANAK", _("Anak")
    CHILD_IN_LAW = "MENANTU", _("Menantu")
    GRANDCHILD = "CUCU", _("Cucu")
    PARENT = "ORANG_TUA", _("Orang tua")
    PARENT_IN_LAW = "MERTUA", _("Mertua")
    OTHER_FAMILY = "FAMILI_LAIN", _("Famili lain")
    OTHER = "LAINNYA", _("Lainnya")


class Disability(models.TextChoices):
    NONE = "", _("Tidak ada")
    MILD = "ringan", _("Disabilitas ringan/sedang")
    SEVERE = "berat", _("Disabilitas berat")


class SchoolLevel(models.TextChoices):
    NONE = "", _("Tidak sekolah / belum")
    PAUD = "PAUD", _("PAUD/TK")
    SD = "SD", _("SD/MI/sederajat")
    SMP = "SMP", _("SMP/MTs/sederajat")
    SMA = "SMA", _("SMA/SMK/MA/sederajat")
    HIGHER = "PT", _("Perguruan tinggi")
    DONE = "LULUS", _("Tidak sekolah lagi")


class MemberExit(models.TextChoices):
    DECEASED = "meninggal", _("Meninggal dunia")
    MOVED = "pindah", _("Pindah/keluar dari KK")
    OTHER = "lainnya", _("Lainnya")


class Member(models.Model):
    """A family member (ART). ``nik`` is unique across the registry."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members")
    nik = models.CharField(
        _("NIK"), max_length=16, unique=True, validators=[validate_sixteen_digits]
    )
    name = models.CharField(_("nama"), max_length=120)
    # Upper-cased, single-spaced name: with birth_date it is the probable-duplicate key.
    name_normalized = models.CharField(max_length=120, editable=False)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("tanggal lahir"))
    relationship = models.CharField(
        _("hubungan dengan kepala keluarga"),
        max_length=16,
        choices=Relationship.choices,
        default=Relationship.OTHER,
    )
    is_pengurus = models.BooleanField(_("pengurus"), default=False)
    components = models.ManyToManyField(
        Component, verbose_name=_("komponen PKH"), blank=True, related_name="members"
    )
    disability = models.CharField(
        _("disabilitas"), max_length=8, choices=Disability.choices, blank=True, default=""
    )
    school_level = models.CharField(
        _("jenjang sekolah"), max_length=8, choices=SchoolLevel.choices, blank=True, default=""
    )
    # HPL (hari perkiraan lahir) of the pregnancy behind an IBU_HAMIL component: the
    # component counts until the nifas period after it ends (households/components.py).
    expected_delivery_date = models.DateField(
        _("HPL (hari perkiraan lahir)"), null=True, blank=True
    )
    left_on = models.DateField(_("tanggal keluar"), null=True, blank=True)
    left_reason = models.CharField(
        _("alasan keluar"), max_length=12, choices=MemberExit.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        m2m_fields=[components], excluded_fields=["updated_at"], user_db_constraint=False
    )

    class Meta:
        ordering = ["household_id", "-is_pengurus", "birth_date"]
        verbose_name = _("anggota keluarga")
        verbose_name_plural = _("anggota keluarga")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(is_pengurus=True),
                name="one_pengurus_per_household",
            ),
        ]
        indexes = [
            models.Index(fields=["name_normalized", "birth_date"], name="member_dup_key"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_normalized = normalize_name(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_normalized"}
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.left_on is None


def normalize_name(name: str) -> str:
    """Upper case, surrounding and doubled spaces collapsed (the roster's rule)."""
    return " ".join(name.split()).upper()


class VisitPurpose(models.TextChoices):
    VERIFICATION = "verifikasi", _("Verifikasi")
    FDS_FOLLOWUP = "tindak_lanjut_p2k2", _("Tindak lanjut P2K2/FDS")
    AID_ADVOCACY = "advokasi_bansos", _("Advokasi bansos")
    GRADUATION = "graduasi", _("Graduasi")
    OTHER = "lainnya", _("Lainnya")


class Visit(models.Model):
    """A home visit by a facilitator."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="visits")
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits"
    )
    date = models.DateField(_("tanggal kunjungan"))
    purpose = models.CharField(_("tujuan"), max_length=20, choices=VisitPurpose.choices)
    notes = models.TextField(_("catatan hasil"), blank=True)
    follow_up_date = models.DateField(_("tanggal tindak lanjut"), null=True, blank=True)
    # One token per rendered form: a double submit creates one visit.
    client_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["client_token", "updated_at"])

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("kunjungan")
        verbose_name_plural = _("kunjungan")
        indexes = [
            models.Index(fields=["household", "-date"]),
            models.Index(fields=["facilitator", "date"]),
            models.Index(fields=["facilitator", "follow_up_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.date}"


class HouseholdTransfer(models.Model):
    """A record of a family moved from one facilitator to another (who, when, by whom)."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="transfers")
    from_facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    to_facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    moved_at = models.DateTimeField(auto_now_add=True)
    batch = models.UUIDField(_("kelompok pemindahan"), db_index=True)
    reason = models.CharField(_("alasan"), max_length=200, blank=True)

    class Meta:
        ordering = ["-moved_at", "-id"]
        indexes = [models.Index(fields=["to_facilitator", "moved_at"])]

    def __str__(self) -> str:
        return f"{self.household_id}: {self.from_facilitator_id} -> {self.to_facilitator_id}"
