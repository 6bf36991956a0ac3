"""Roster imports: one ``RosterImport`` per uploaded file, its issues and its staging rows.

The pipeline (``imports/services/``) streams the file into ``StagingRow`` (one row per
roster line, already normalised), builds ``StagingFamily`` (one row per ID_KELUARGA)
in SQL, records rejections and warnings as ``ImportIssue`` and finally upserts the
registry from the staging tables. Staging rows are kept for a while after an import
so that follow-up work (e.g. applying the KIP/KIS/SEMBAKO/KKS flags) can read them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pkh.files import private_storage


class ImportMode(models.TextChoices):
    DRY_RUN = "dry_run", _("Uji coba (tidak menulis apa pun)")
    ALL_OR_NOTHING = "all_or_nothing", _("Semua atau tidak sama sekali")
    SKIP_INVALID = "skip_invalid", _("Lewati keluarga yang tidak valid")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Dalam antrean")
    VALIDATING = "validating", _("Memeriksa")
    AWAITING_CONFIRMATION = "awaiting", _("Menunggu konfirmasi")
    IMPORTING = "importing", _("Mengimpor")
    DONE = "done", _("Selesai")
    FAILED = "failed", _("Gagal")
    CANCELLED = "cancelled", _("Dibatalkan")


RUNNING_STATUSES = (ImportStatus.QUEUED, ImportStatus.VALIDATING, ImportStatus.IMPORTING)


class DerivedStatus(models.TextChoices):
    """The second stage of a committed import: the data other apps derive from the
    registry (aid eligibility and the file's aid statuses, P2K2 membership periods),
    computed by a follow-up task after the registry write committed. Empty: no such
    stage (nothing was written, or an import from before the stage existed)."""

    NONE = "", _("Tidak ada")
    PENDING = "pending", _("Menunggu")
    RUNNING = "running", _("Berjalan")
    DONE = "done", _("Selesai")
    FAILED = "failed", _("Gagal")


DERIVED_OPEN_STATUSES = (DerivedStatus.PENDING, DerivedStatus.RUNNING, DerivedStatus.FAILED)


class RosterImport(models.Model):
    """One roster file uploaded by an admin (or given to ``import_roster``)."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("oleh"),
        on_delete=models.PROTECT,
        related_name="roster_imports",
    )
    # The roster itself is never downloadable: private storage, no URL, no view serves it.
    file = models.FileField(
        _("file"), upload_to="imports/%Y/%m/", max_length=255, storage=private_storage
    )
    file_name = models.CharField(_("nama file"), max_length=255)
    file_size = models.BigIntegerField(_("ukuran file"), default=0)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    mode = models.CharField(
        _("mode"), max_length=16, choices=ImportMode.choices, default=ImportMode.ALL_OR_NOTHING
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    error = models.TextField(_("pesan kesalahan"), blank=True)
    # What the reader found: "csv"/"xlsx", encoding, delimiter, the header row.
    file_format = models.CharField(max_length=8, blank=True)
    encoding = models.CharField(max_length=20, blank=True)
    delimiter = models.CharField(max_length=1, blank=True)
    header_line = models.PositiveIntegerField(default=1)
    headers = models.JSONField(default=list, blank=True)
    columns = models.JSONField(default=list, blank=True)  # canonical columns present
    # Progress, written by the worker while it runs (see imports/progress.py).
    progress_phase = models.CharField(max_length=120, blank=True)
    progress_done = models.BigIntegerField(default=0)
    progress_total = models.BigIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Registry signature when the preview was computed: if it is the same under the
    # import lock, the registry checks need not run again.
    registry_signature = models.CharField(max_length=120, blank=True)
    # Counts (of the preview, then of the write).
    rows = models.PositiveIntegerField(_("baris"), default=0)
    rows_rejected = models.PositiveIntegerField(_("baris ditolak"), default=0)
    warnings = models.PositiveIntegerField(_("peringatan"), default=0)
    households_created = models.PositiveIntegerField(default=0)
    households_updated = models.PositiveIntegerField(default=0)
    households_unchanged = models.PositiveIntegerField(default=0)
    households_skipped = models.PositiveIntegerField(default=0)
    members_created = models.PositiveIntegerField(default=0)
    members_updated = models.PositiveIntegerField(default=0)
    members_unchanged = models.PositiveIntegerField(default=0)
    committed = models.BooleanField(_("tersimpan"), default=False)
    # The follow-up stage after the commit ("memperbarui cakupan bansos dan kelompok
    # P2K2"): its own status, progress, heartbeat and timestamps (imports/services/derived.py).
    derived_status = models.CharField(
        _("status pembaruan data turunan"),
        max_length=8,
        choices=DerivedStatus.choices,
        default=DerivedStatus.NONE,
        blank=True,
    )
    derived_error = models.TextField(blank=True)
    derived_progress_phase = models.CharField(max_length=120, blank=True)
    derived_progress_done = models.BigIntegerField(default=0)
    derived_progress_total = models.BigIntegerField(default=0)
    derived_heartbeat_at = models.DateTimeField(null=True, blank=True)
    derived_attempts = models.PositiveSmallIntegerField(default=0)
    derived_queued_at = models.DateTimeField(null=True, blank=True)
    derived_started_at = models.DateTimeField(null=True, blank=True)
    derived_finished_at = models.DateTimeField(null=True, blank=True)
    staging_cleared = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("diunggah"), auto_now_add=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("impor roster")
        verbose_name_plural = _("impor roster")
        indexes = [
            models.Index(fields=["created_by", "-created_at"]),
            # The "still refreshing" notices and the watchdog look for open stages.
            models.Index(
                fields=["derived_status"],
                name="imports_derived_open",
                condition=models.Q(derived_status__in=("pending", "running", "failed")),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 0
        return max(0, min(100, round(100 * self.progress_done / self.progress_total)))

    @property
    def derived_is_running(self) -> bool:
        return self.derived_status in (DerivedStatus.PENDING, DerivedStatus.RUNNING)

    @property
    def derived_percent(self) -> int:
        if self.derived_status == DerivedStatus.DONE:
            return 100
        if not self.derived_progress_total:
            return 0
        done, total = self.derived_progress_done, self.derived_progress_total
        return max(0, min(100, round(100 * done / total)))

    @property
    def derived_duration(self):
        if self.derived_finished_at and self.derived_started_at:
            return self.derived_finished_at - self.derived_started_at
        return None

    @property
    def duration(self):
        if self.finished_at and self.created_at:
            return self.finished_at - self.created_at
        return None

    @property
    def change_reason(self) -> str:
        """The text written into the audit trail of every record the import touches."""
        return f"Impor roster #{self.pk} ({self.file_name})"[:100]


class IssueKind(models.TextChoices):
    REJECTION = "rejection", _("Ditolak")
    WARNING = "warning", _("Peringatan")


class IssuePhase(models.IntegerChoices):
    FILE = 1, _("Isi file")
    REGISTRY = 2, _("Registri")


class ImportIssue(models.Model):
    """A rejected row or a warning: line as a spreadsheet shows it (header = line 1)."""

    roster_import = models.ForeignKey(RosterImport, on_delete=models.CASCADE, related_name="issues")
    kind = models.CharField(max_length=10, choices=IssueKind.choices)
    phase = models.PositiveSmallIntegerField(choices=IssuePhase.choices, default=IssuePhase.FILE)
    line = models.PositiveIntegerField(null=True, blank=True)
    column = models.CharField(max_length=40, blank=True)
    value = models.CharField(max_length=200, blank=True)
    reason = models.TextField()

    class Meta:
        ordering = ["line", "id"]
        indexes = [models.Index(fields=["roster_import", "kind", "line"])]

    def __str__(self) -> str:
        return f"{self.line}: {self.reason}"


class StagingRow(models.Model):
    """One normalised roster line, as loaded by COPY (PostgreSQL) or executemany (SQLite).

    ``import_id`` is a plain column (no foreign key) so that loading stays cheap; the
    staging tables are UNLOGGED on PostgreSQL (they can be rebuilt from the file).
    Flags (``pengurus``, ``kip`` ...) are 1/0/NULL; NULL means "not given". A value
    that could not be read is NULL and the row is marked ``rejected``.
    ``components`` is a bit mask over ``imports.columns.COMPONENT_BITS`` (NULL: no
    KOMPONEN column). Loaded once and never rewritten as a whole: derived values go to
    ``StagingHousehold`` and ``StagingMember`` by INSERT ... SELECT.
    """

    import_id = models.BigIntegerField()
    line = models.PositiveIntegerField()
    id_keluarga = models.CharField(max_length=40, null=True)
    no_kk = models.CharField(max_length=16, null=True)
    nik = models.CharField(max_length=16, null=True)
    name = models.CharField(max_length=120, null=True)
    name_normalized = models.CharField(max_length=120, null=True)
    sex = models.CharField(max_length=1, null=True)
    birth_date = models.DateField(null=True)
    relationship = models.CharField(max_length=16, null=True)
    pengurus = models.SmallIntegerField(null=True)
    components = models.SmallIntegerField(null=True)
    village_code = models.CharField(max_length=13, null=True)
    address = models.CharField(max_length=200, null=True)
    rt = models.CharField(max_length=3, null=True)
    rw = models.CharField(max_length=3, null=True)
    phone = models.CharField(max_length=20, null=True)
    facilitator_id = models.BigIntegerField(null=True)
    group_name = models.CharField(max_length=80, null=True)
    kip = models.SmallIntegerField(null=True)
    kis = models.SmallIntegerField(null=True)
    sembako = models.SmallIntegerField(null=True)
    kks = models.SmallIntegerField(null=True)
    # Bit 1: rejected by a file rule; bit 2: rejected by a registry rule.
    rejected = models.SmallIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["import_id", "nik"], name="imports_staging_nik"),
            models.Index(fields=["import_id", "id_keluarga"], name="imports_staging_family"),
            # Probable duplicates within the file (same person, or same name on one KK).
            models.Index(
                fields=["import_id", "name_normalized", "birth_date"], name="imports_staging_dup"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.import_id}:{self.line}"


class StagingFamily(models.Model):
    """One family (ID_KELUARGA) of an import, aggregated from its staging rows in SQL."""

    import_id = models.BigIntegerField()
    id_keluarga = models.CharField(max_length=40)
    first_line = models.PositiveIntegerField()
    no_kk = models.CharField(max_length=16, null=True)
    village_code = models.CharField(max_length=13, null=True)
    address = models.CharField(max_length=200, null=True)
    rt = models.CharField(max_length=3, null=True)
    rw = models.CharField(max_length=3, null=True)
    phone = models.CharField(max_length=20, null=True)
    facilitator_id = models.BigIntegerField(null=True)
    group_name = models.CharField(max_length=80, null=True)
    sembako = models.SmallIntegerField(null=True)
    kks = models.SmallIntegerField(null=True)
    # How many distinct values the family's rows hold (more than one: disagreement).
    n_no_kk = models.IntegerField(default=0)
    n_village = models.IntegerField(default=0)
    n_sembako = models.IntegerField(default=0)
    n_kks = models.IntegerField(default=0)
    n_facilitator = models.IntegerField(default=0)
    n_group = models.IntegerField(default=0)
    pengurus_count = models.IntegerField(default=0)
    pengurus_line = models.PositiveIntegerField(null=True)
    rejected = models.SmallIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["import_id", "id_keluarga"], name="imports_stfam_family"),
        ]

    def __str__(self) -> str:
        return f"{self.import_id}:{self.id_keluarga}"


class StagingHousehold(models.Model):
    """The plan for one accepted family: its registered household (if any), final
    facilitator and FDS group, and what the import does (0 nothing, 1 create, 2 update).
    Rebuilt by the registry checks (for the preview, and again under the import lock
    if the registry changed)."""

    import_id = models.BigIntegerField()
    id_keluarga = models.CharField(max_length=40)
    household_id = models.BigIntegerField(null=True)
    facilitator_final = models.BigIntegerField(null=True)
    fds_group_id = models.BigIntegerField(null=True)
    pengurus_line = models.PositiveIntegerField(null=True)
    action = models.SmallIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["import_id", "id_keluarga"], name="imports_sthh_family"),
        ]

    def __str__(self) -> str:
        return f"{self.import_id}:{self.id_keluarga}"


class StagingMember(models.Model):
    """The plan for one member of an accepted family (0 nothing, 1 create, 2 update).
    ``line`` 0: a registered member not in the file who loses the pengurus flag."""

    import_id = models.BigIntegerField()
    line = models.PositiveIntegerField()
    nik = models.CharField(max_length=16)
    id_keluarga = models.CharField(max_length=40)
    member_id = models.BigIntegerField(null=True)
    is_pengurus_final = models.SmallIntegerField(null=True)
    action = models.SmallIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["import_id", "nik"], name="imports_stmem_nik"),
        ]

    def __str__(self) -> str:
        return f"{self.import_id}:{self.nik}"
