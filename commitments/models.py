"""Commitment verification (verifikasi komitmen): the conditions of the cash transfer.

PKH is a conditional transfer: each component member (``households.Member`` holding a
``households.Component``) has a commitment, verified every month by the facilitator at
the place that keeps the record:

* education components (``SD``, ``SMP``, ``SMA``): attendance at the member's school
  (``School``, by NPSN when known, and the class, *kelas*, and the pupil's NISN);
* health and welfare components (``IBU_HAMIL``, ``ANAK_USIA_DINI``, ``LANSIA``,
  ``DISABILITAS``): the protocol items at the member's health facility (``HealthFacility``:
  a puskesmas or a posyandu).

Where a member is verified is an ``Enrolment``: dated periods, one open per member and
sector; a new period starts with how it began (enrolled, moved school, transferred to
another facility, not enrolled). What was found in a month is a ``VerificationEntry``,
one per member, month and component; a school's or posyandu's list saved at once is a
``VerificationSheet`` (its ``client_token`` makes the save idempotent). Whether an entry
complies is worked out by ``commitments.rules`` from the settings, never stored.

Terms kept in Indonesian: *memenuhi* (complies), *posyandu* (village health post),
*puskesmas* (sub-district health centre), *nifas* (postpartum), NPSN (the national
school number, 8 digits), NISN (the national student number, 10 digits), *kelas*
(class/grade).
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pkh.files import private_storage
from regions.models import RegionLevel

validate_npsn = RegexValidator(r"^\d{8}$", _("NPSN terdiri dari 8 angka."))
validate_nisn = RegexValidator(r"^\d{10}$", _("NISN terdiri dari 10 angka."))


class Sector(models.TextChoices):
    """Where a commitment is verified: at a school or at a health facility."""

    EDUCATION = "pendidikan", _("Pendidikan")
    HEALTH = "kesehatan", _("Kesehatan")


class SchoolLevel(models.TextChoices):
    SD = "SD", _("SD/MI/sederajat")
    SMP = "SMP", _("SMP/MTs/sederajat")
    SMA = "SMA", _("SMA/SMK/MA/sederajat")


class School(models.Model):
    name = models.CharField(_("nama sekolah"), max_length=120)
    level = models.CharField(_("jenjang"), max_length=3, choices=SchoolLevel.choices)
    npsn = models.CharField(_("NPSN"), max_length=8, blank=True, validators=[validate_npsn])
    village = models.ForeignKey(
        "regions.Region",
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": RegionLevel.VILLAGE},
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("sekolah")
        verbose_name_plural = _("sekolah")
        constraints = [
            models.UniqueConstraint(
                fields=["npsn"], condition=~Q(npsn=""), name="school_npsn_unique"
            ),
            models.UniqueConstraint(
                fields=["village", "level", "name"], name="school_name_unique_in_village"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FacilityKind(models.TextChoices):
    PUSKESMAS = "puskesmas", _("Puskesmas")
    POSYANDU = "posyandu", _("Posyandu")


class HealthFacility(models.Model):
    name = models.CharField(_("nama fasilitas"), max_length=120)
    kind = models.CharField(_("jenis"), max_length=10, choices=FacilityKind.choices)
    village = models.ForeignKey(
        "regions.Region",
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": RegionLevel.VILLAGE},
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("fasilitas kesehatan")
        verbose_name_plural = _("fasilitas kesehatan")
        constraints = [
            models.UniqueConstraint(
                fields=["village", "kind", "name"], name="facility_name_unique_in_village"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EnrolmentChange(models.TextChoices):
    """How an enrolment period began (the dated status event)."""

    ENROLLED = "terdaftar", _("Terdaftar")
    MOVED_SCHOOL = "pindah_sekolah", _("Pindah sekolah")
    TRANSFERRED = "pindah_faskes", _("Pindah fasilitas kesehatan")
    NOT_ENROLLED = "tidak_terdaftar", _("Tidak terdaftar")


class Enrolment(models.Model):
    """A period in which a member is verified at one school (and class) or facility.

    ``end_on`` NULL: the current period; at most one per member and sector. A period
    begun by ``NOT_ENROLLED`` has neither school nor facility: the member is not at
    school (education) or not registered at a facility (health) from ``start_on``.
    """

    member = models.ForeignKey(
        "households.Member", on_delete=models.PROTECT, related_name="enrolments"
    )
    sector = models.CharField(_("bidang"), max_length=10, choices=Sector.choices)
    change = models.CharField(_("perubahan"), max_length=16, choices=EnrolmentChange.choices)
    school = models.ForeignKey(
        School,
        verbose_name=_("sekolah"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    grade = models.CharField(_("kelas"), max_length=10, blank=True)
    # The pupil's national student number (NISN, 10 digits), when known: a verification
    # sheet that names the pupil by NISN alone is matched on it. One member's periods
    # repeat it; no two members share one (enrolment_record refuses).
    nisn = models.CharField(_("NISN"), max_length=10, blank=True, validators=[validate_nisn])
    facility = models.ForeignKey(
        HealthFacility,
        verbose_name=_("fasilitas kesehatan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    start_on = models.DateField(_("sejak tanggal"))
    end_on = models.DateField(_("sampai tanggal"), null=True, blank=True)
    note = models.CharField(_("catatan"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["member_id", "sector", "-start_on", "-id"]
        verbose_name = _("pendaftaran")
        verbose_name_plural = _("pendaftaran")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "sector"],
                condition=Q(end_on__isnull=True),
                name="one_open_enrolment_per_sector",
            ),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=F("start_on")),
                name="enrolment_ends_after_start",
            ),
            models.CheckConstraint(
                condition=(
                    Q(change="tidak_terdaftar", school__isnull=True, facility__isnull=True)
                    | (
                        ~Q(change="tidak_terdaftar")
                        & (
                            Q(sector="pendidikan", school__isnull=False, facility__isnull=True)
                            | Q(sector="kesehatan", facility__isnull=False, school__isnull=True)
                        )
                    )
                ),
                name="enrolment_place_matches_sector",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "end_on"]),
            models.Index(fields=["facility", "end_on"]),
            models.Index(fields=["nisn"], condition=~Q(nisn=""), name="enrolment_nisn"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.sector} {self.start_on}"

    @property
    def is_enrolled(self) -> bool:
        return self.change != EnrolmentChange.NOT_ENROLLED


class VerificationSheet(models.Model):
    """One save of a school's or facility's list for a month (idempotent by token)."""

    month = models.DateField(_("bulan"))
    sector = models.CharField(_("bidang"), max_length=10, choices=Sector.choices)
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    facility = models.ForeignKey(
        HealthFacility, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    saved_at = models.DateTimeField(auto_now_add=True)
    entry_count = models.PositiveIntegerField(default=0)
    # One token per rendered screen: a double submit saves once.
    client_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-saved_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="sheet_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.sector} {self.month:%Y-%m}"


class VerificationEntry(models.Model):
    """What was verified for one member, one month and one of their components.

    Education fields (``school_days`` and the absences) or health items (``NULL``: not
    asked for this member) are filled as the component needs. ``age_months`` is the
    member's age in the month (calendar months since the birth month, see
    ``commitments.rules.age_in_months``), kept as it was when entered. ``enrolled`` False:
    the member was not enrolled (education) or not registered (health) that month.
    """

    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="verification_entries"
    )
    member = models.ForeignKey(
        "households.Member", on_delete=models.PROTECT, related_name="verification_entries"
    )
    component = models.ForeignKey(
        "households.Component", on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("bulan"))
    sector = models.CharField(_("bidang"), max_length=10, choices=Sector.choices)
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    facility = models.ForeignKey(
        HealthFacility, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sheet = models.ForeignKey(
        VerificationSheet,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entries",
    )
    age_months = models.SmallIntegerField(_("umur (bulan)"))
    enrolled = models.BooleanField(_("terdaftar"), default=True)
    school_days = models.PositiveSmallIntegerField(_("hari sekolah"), null=True, blank=True)
    days_sick = models.PositiveSmallIntegerField(_("sakit"), null=True, blank=True)
    days_excused = models.PositiveSmallIntegerField(_("izin"), null=True, blank=True)
    days_unexcused = models.PositiveSmallIntegerField(_("alpa"), null=True, blank=True)
    antenatal_check = models.BooleanField(_("periksa kehamilan"), null=True, blank=True)
    weighed = models.BooleanField(_("penimbangan"), null=True, blank=True)
    immunisation_given = models.BooleanField(_("imunisasi diberikan"), null=True, blank=True)
    posyandu_visit = models.BooleanField(_("kunjungan posyandu"), null=True, blank=True)
    care_visit = models.BooleanField(_("kunjungan perawatan"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], user_db_constraint=False)

    class Meta:
        ordering = ["month", "member_id", "component_id"]
        verbose_name = _("verifikasi komitmen")
        verbose_name_plural = _("verifikasi komitmen")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "month", "component"], name="one_entry_per_member_month"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="entry_month_first_day"),
            models.CheckConstraint(
                condition=Q(school_days__isnull=True)
                | Q(school_days__gte=F("days_sick") + F("days_excused") + F("days_unexcused")),
                name="entry_absences_within_school_days",
            ),
        ]
        indexes = [
            models.Index(fields=["household", "month"]),
            models.Index(fields=["month", "component"]),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.component_id} {self.month:%Y-%m}"


class SanctionKind(models.TextChoices):
    """What a quarter of non-compliance may lead to, once the supervisor confirms."""

    SUSPENSION = "penangguhan", _("Penangguhan")
    CANCELLATION = "pembatalan", _("Pembatalan")


class SanctionStatus(models.TextChoices):
    PENDING = "menunggu", _("Menunggu konfirmasi")
    CONFIRMED = "dikonfirmasi", _("Dikonfirmasi")
    RETURNED = "dikembalikan", _("Dikembalikan")


class SanctionProposal(models.Model):
    """A suspension (penangguhan) or cancellation (pembatalan) of a family for a quarter
    of non-compliance (``commitments.selectors.consequences``): the facilitator proposes
    with the reason, the supervisor confirms (the family's status changes, through
    ``households.services``) or returns it with a comment. Who, when and why of each
    step are kept here and in the history."""

    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="sanction_proposals"
    )
    kind = models.CharField(_("jenis"), max_length=12, choices=SanctionKind.choices)
    quarter = models.DateField(_("triwulan"))  # the quarter's first day
    months_failed = models.PositiveSmallIntegerField(_("bulan tidak memenuhi"))
    status = models.CharField(
        _("status"), max_length=12, choices=SanctionStatus.choices, default=SanctionStatus.PENDING
    )
    reason = models.TextField(_("alasan"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(_("komentar"), blank=True)

    history = HistoricalRecords(user_db_constraint=False)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("usulan sanksi komitmen")
        verbose_name_plural = _("usulan sanksi komitmen")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status="menunggu"),
                name="one_pending_sanction_per_household",
            ),
            models.CheckConstraint(condition=Q(quarter__day=1), name="sanction_quarter_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.household_id} {self.quarter:%Y-%m}"


class SheetImportStatus(models.TextChoices):
    PREVIEW = "pratinjau", _("Pratinjau")
    COMMITTED = "tersimpan", _("Tersimpan")
    CANCELLED = "dibatalkan", _("Dibatalkan")


class SheetImportMode(models.TextChoices):
    ALL_OR_NOTHING = "semua", _("Semua atau tidak sama sekali")
    SKIP_INVALID = "lewati", _("Lewati baris yang salah")


class SheetImport(models.Model):
    """A school's or the national system's attendance sheet uploaded by a facilitator
    (docs/commitments.md, "Import a verification sheet"): read and checked into a
    preview, then confirmed once, writing the education entries through
    ``commitments.services.verification.month_sheet_save``.

    The file is kept privately (no URL, never served back); ``issues`` holds the row
    errors as ``[line, column, reason]`` (no cell values: the report reads the file
    again), ``groups`` the preview per month and school."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("oleh"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(
        _("file"), upload_to="commitments/sheets/%Y/%m/", max_length=255, storage=private_storage
    )
    file_name = models.CharField(_("nama file"), max_length=255)
    file_size = models.BigIntegerField(_("ukuran file"), default=0)
    file_format = models.CharField(max_length=8, blank=True)
    headers = models.JSONField(default=list, blank=True)
    unknown_columns = models.JSONField(default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SheetImportStatus.choices,
        default=SheetImportStatus.PREVIEW,
    )
    mode = models.CharField(
        _("mode"),
        max_length=8,
        choices=SheetImportMode.choices,
        default=SheetImportMode.ALL_OR_NOTHING,
    )
    rows_read = models.PositiveIntegerField(_("baris dibaca"), default=0)
    rows_valid = models.PositiveIntegerField(_("baris valid"), default=0)
    rows_invalid = models.PositiveIntegerField(_("baris salah"), default=0)
    entries_create = models.PositiveIntegerField(default=0)
    entries_replace = models.PositiveIntegerField(default=0)
    entries_written = models.PositiveIntegerField(default=0)
    groups = models.JSONField(default=list, blank=True)
    issues = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("impor lembar verifikasi")
        verbose_name_plural = _("impor lembar verifikasi")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"
