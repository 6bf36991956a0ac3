"""Complementary aid (bantuan komplementer): the catalogue, each family's aid statuses,
advocacy cases and the resource directory.

Programme terms kept in Indonesian where no English word is as exact:

* bansos komplementer: social aid a PKH family should hold besides PKH itself: KIP/PIP
  (school cash aid, per student, identified by NISN), KIS/PBI-JK (state-paid health
  insurance, per person), Sembako (monthly food aid, per family), KKS (the family's
  bank card), RTLH (home repair), KUBE (group business), PENA (graduation business grant).
* sistem sumber: the offices and people who can unlock an aid in an area (the
  resource directory, ``Resource``).
* advokasi: the facilitator taking a family's problem to an office (``AdvocacyCase``).

An ``AidEnrolment`` row exists for every subject (a family, or a member for per-member
aids) that the catalogue's rule makes eligible, and for every subject whose status
someone has set. Rows are kept by ``assistance.services``: the coverage-gap page and
the coverage figures aggregate them set-based, without evaluating rules per family.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class AidUnit(models.TextChoices):
    FAMILY = "keluarga", _("Per keluarga")
    MEMBER = "anggota", _("Per anggota")


class EligibilityRule(models.TextChoices):
    """Who the catalogue makes eligible by default (the rule, as data)."""

    EVERY = "semua", _("Semua keluarga/anggota aktif")
    COMPONENTS = "komponen", _("Anggota dengan komponen tertentu")
    ASSESSED = "penilaian", _("Dinilai pendamping (tidak otomatis)")


class Aid(models.Model):
    """One complementary aid of the national catalogue. Seeded by a migration, edited by the
    national catalogue keeper (``pkh.permissions.can_edit_national_catalogue``).

    ``eligibility`` with ``components`` is the default rule; ``min_age``/``max_age`` are
    hard limits: a member outside them cannot have the aid at all (KIP for a
    70-year-old). ``card_pattern`` is a regular expression the card or account number
    must match in full (digits only after spaces, dots and dashes are removed).
    """

    code = models.CharField(_("kode"), max_length=12, primary_key=True)
    name = models.CharField(_("nama"), max_length=80)
    ministry = models.CharField(_("kementerian/lembaga"), max_length=120)
    unit = models.CharField(_("sasaran"), max_length=10, choices=AidUnit.choices)
    eligibility = models.CharField(
        _("aturan kelayakan"), max_length=10, choices=EligibilityRule.choices
    )
    components = models.ManyToManyField(
        "households.Component",
        verbose_name=_("komponen yang layak"),
        blank=True,
        related_name="+",
        help_text=_("Untuk aturan 'anggota dengan komponen tertentu'."),
    )
    min_age = models.PositiveSmallIntegerField(_("usia minimal"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("usia maksimal"), null=True, blank=True)
    card_label = models.CharField(
        _("nama nomor kartu"), max_length=40, blank=True, help_text=_("Mis. NISN, Nomor KIS.")
    )
    card_pattern = models.CharField(
        _("format nomor kartu (regex)"), max_length=60, blank=True, help_text=_("Mis. \\d{10}")
    )
    card_hint = models.CharField(
        _("keterangan format"), max_length=80, blank=True, help_text=_("Mis. 10 digit angka.")
    )
    summary = models.TextField(_("ringkasan aturan (bahasa sederhana)"), blank=True)
    regulation = models.CharField(_("dasar hukum"), max_length=250, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    history = HistoricalRecords(m2m_fields=[components])

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("bantuan")
        verbose_name_plural = _("katalog bantuan")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(min_age__lte=models.F("max_age")),
                name="aid_min_age_le_max_age",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def per_member(self) -> bool:
        return self.unit == AidUnit.MEMBER

    @property
    def has_card(self) -> bool:
        return bool(self.card_label)


class AidStatus(models.TextChoices):
    RECEIVING = "menerima", _("Menerima")
    ELIGIBLE = "belum_menerima", _("Layak, belum menerima")
    PROPOSED = "diusulkan", _("Diusulkan/dalam proses")
    NOT_ELIGIBLE = "tidak_layak", _("Tidak layak")


class StatusSource(models.TextChoices):
    """Who set a status last: rows set by the rule follow the rule when it changes."""

    RULE = "aturan", _("Aturan katalog")
    USER = "petugas", _("Petugas")
    ROSTER = "impor", _("Impor data")


class ResourceKind(models.TextChoices):
    VILLAGE_OFFICE = "desa", _("Kantor desa/kelurahan")
    DISTRICT_OFFICE = "kecamatan", _("Kantor kecamatan")
    DINSOS = "dinsos", _("Dinas Sosial")
    PUSKESMAS = "puskesmas", _("Puskesmas")
    SCHOOL = "sekolah", _("Sekolah/madrasah")
    BANK = "bank", _("Bank penyalur")
    BPJS = "bpjs", _("Kantor BPJS Kesehatan")
    COOPERATIVE = "koperasi", _("Koperasi")
    CSR = "csr", _("Program CSR")
    OTHER = "lainnya", _("Lainnya")


class Resource(models.Model):
    """An office or person who can unlock aid in an area (sistem sumber).

    ``area`` is a region of any level: a village office sits in a village, Dinas
    Sosial in a regency. Supervisors and admins maintain the directory.
    """

    name = models.CharField(_("nama"), max_length=120)
    kind = models.CharField(_("jenis"), max_length=12, choices=ResourceKind.choices)
    area = models.ForeignKey(
        "regions.Region",
        verbose_name=_("wilayah"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact_person = models.CharField(_("narahubung"), max_length=120, blank=True)
    phone = models.CharField(_("telepon"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("alamat"), max_length=200, blank=True)
    aids = models.ManyToManyField(
        Aid, verbose_name=_("bantuan yang ditangani"), blank=True, related_name="resources"
    )
    notes = models.TextField(_("catatan"), blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[aids], excluded_fields=["updated_at"])

    class Meta:
        ordering = ["area_id", "kind", "name"]
        verbose_name = _("sistem sumber")
        verbose_name_plural = _("sistem sumber")
        indexes = [models.Index(fields=["area", "kind"])]

    def __str__(self) -> str:
        return self.name


class AidEnrolment(models.Model):
    """A subject's status for one aid: a family (per-family aid) or a member.

    ``in_programme`` ("the family is active and the member has not left"),
    ``facilitator`` and ``village`` mirror the family, kept by the services
    (``aid_eligibility_refresh``), so that the coverage figures and the gap page are
    index-only scans over the rows of a caseload. Selectors still scope through the
    family itself as well: a stale copy can hide a row, never show one.
    """

    aid = models.ForeignKey(Aid, on_delete=models.PROTECT, related_name="enrolments")
    household = models.ForeignKey(
        "households.Household",
        on_delete=models.PROTECT,
        related_name="aid_enrolments",
        db_index=False,  # the (household, aid) index serves
    )
    member = models.ForeignKey(
        "households.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="aid_enrolments",
    )
    status = models.CharField(_("status"), max_length=16, choices=AidStatus.choices)
    since = models.DateField(_("sejak"), null=True, blank=True)
    card_number = models.CharField(_("nomor kartu/rekening"), max_length=30, blank=True)
    office = models.ForeignKey(
        Resource,
        verbose_name=_("diusulkan ke"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # enrolment_office: only the few rows that name an office
    )
    note = models.CharField(_("catatan"), max_length=250, blank=True)
    source = models.CharField(
        _("sumber status"), max_length=8, choices=StatusSource.choices, default=StatusSource.RULE
    )
    in_programme = models.BooleanField(default=True, editable=False)
    # Copies of the family's facilitator and village: the family's own foreign keys hold
    # the reference, so the copies carry no constraint of their own (db_constraint=False:
    # no foreign-key check per aid row at the commit of a bulk write; the ORM still
    # applies SET_NULL).
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # the coverage index leads with it
        db_constraint=False,
    )
    village = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["updated_at", "in_programme", "facilitator", "village"],
        user_db_constraint=False,  # as the registry's audit rows (households.models)
    )

    class Meta:
        ordering = ["aid__order", "household_id", "member_id"]
        verbose_name = _("status bantuan")
        verbose_name_plural = _("status bantuan")
        constraints = [
            models.UniqueConstraint(
                fields=["aid", "member"],
                condition=Q(member__isnull=False),
                name="one_enrolment_per_aid_member",
            ),
            models.UniqueConstraint(
                fields=["aid", "household"],
                condition=Q(member__isnull=True),
                name="one_enrolment_per_aid_household",
            ),
        ]
        indexes = [
            models.Index(fields=["household", "aid"], name="enrolment_household_aid"),
            # Coverage figures: index-only scans over a caseload, grouped by facilitator
            # or village.
            models.Index(
                fields=["facilitator", "village", "aid", "status"],
                condition=Q(in_programme=True),
                name="enrolment_coverage",
            ),
            # The gap page: one caseload's "eligible, not receiving" rows in family order,
            # and the same over a whole region (admins) read in family order.
            models.Index(
                fields=["facilitator", "household"],
                condition=Q(in_programme=True, status="belum_menerima"),
                name="enrolment_gap_facilitator",
            ),
            models.Index(
                fields=["household"],
                condition=Q(in_programme=True, status="belum_menerima"),
                name="enrolment_gap",
            ),
            # SET_NULL when a resource is deleted: only rows proposed to an office.
            models.Index(
                fields=["office"], condition=Q(office__isnull=False), name="enrolment_office"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.aid_id} {self.household_id}/{self.member_id}: {self.status}"


class CoverageCount(models.Model):
    """Rollup of ``AidEnrolment`` rows in the programme per (facilitator, village, aid):
    the coverage figures of a whole region read tens of thousands of these instead of
    a million enrolments. Rebuilt by the services for every (facilitator, village) pair
    they touch (``assistance.services.coverage.coverage_counts_rebuild``) and in full nightly."""

    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    village = models.ForeignKey(
        "regions.Region", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    aid = models.ForeignKey(Aid, on_delete=models.CASCADE, related_name="+")
    receiving = models.PositiveIntegerField(default=0)
    not_receiving = models.PositiveIntegerField(default=0)
    proposed = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["village", "facilitator"], name="coverage_count_area")]

    def __str__(self) -> str:
        return f"{self.facilitator_id}/{self.village_id}/{self.aid_id}"


class CaseKind(models.TextChoices):
    MISSING_AID = "bansos", _("Belum menerima bansos yang layak")
    KKS_NOT_DISTRIBUTED = "kks_belum", _("KKS belum dibagikan")
    KKS_BLOCKED = "kks_blokir", _("KKS terblokir")
    KKS_LOST = "kks_hilang", _("KKS hilang/rusak")
    KKS_WRONG_DATA = "kks_data", _("Nama/NIK di KKS salah")
    KKS_PIN = "kks_pin", _("Masalah PIN KKS")
    KKS_BALANCE = "kks_saldo", _("Saldo/bantuan tidak masuk")
    OTHER = "lainnya", _("Lainnya")


class CaseStatus(models.TextChoices):
    OPEN = "terbuka", _("Terbuka")
    WAITING = "menunggu", _("Menunggu kantor")
    RESOLVED = "selesai", _("Selesai")
    UNRESOLVABLE = "tidak_selesai", _("Tidak dapat diselesaikan")


CLOSED_CASE_STATUSES = (CaseStatus.RESOLVED, CaseStatus.UNRESOLVABLE)


class AdvocacyCase(models.Model):
    """A family's aid problem taken to an office (advokasi), with next step and outcome."""

    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="advocacy_cases"
    )
    member = models.ForeignKey(
        "households.Member",
        verbose_name=_("anggota"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    aid = models.ForeignKey(
        Aid, verbose_name=_("bantuan"), null=True, blank=True, on_delete=models.PROTECT
    )
    kind = models.CharField(_("jenis masalah"), max_length=12, choices=CaseKind.choices)
    description = models.TextField(_("uraian"), blank=True)
    resource = models.ForeignKey(
        Resource,
        verbose_name=_("dibawa ke (sistem sumber)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    opened_on = models.DateField(_("tanggal dibuka"))
    taken_on = models.DateField(_("tanggal dibawa ke kantor"), null=True, blank=True)
    next_step = models.CharField(_("langkah berikutnya"), max_length=200, blank=True)
    next_step_due = models.DateField(_("batas langkah berikutnya"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=14, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    closed_on = models.DateField(_("tanggal ditutup"), null=True, blank=True)
    outcome = models.TextField(_("hasil"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("kasus advokasi")
        verbose_name_plural = _("kasus advokasi")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["selesai", "tidak_selesai"])
                | (Q(closed_on__isnull=False) & ~Q(outcome="")),
                name="closed_case_has_date_and_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(kind="bansos") | Q(aid__isnull=False),
                name="missing_aid_case_names_aid",
            ),
        ]
        indexes = [
            models.Index(fields=["household", "status"]),
            models.Index(
                fields=["next_step_due"],
                condition=Q(status__in=["terbuka", "menunggu"]),
                name="case_open_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.household_id})"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_CASE_STATUSES

    @property
    def is_overdue(self) -> bool:
        """An open case whose next step's date has passed."""
        from django.utils import timezone

        return (
            not self.is_closed
            and self.next_step_due is not None
            and self.next_step_due < timezone.localdate()
        )
