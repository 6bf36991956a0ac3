"""Graduation: welfare assessments, the self-graduation pipeline, proposals and their
approval, post-graduation monitoring, quarterly targets and the objections bank.

Programme terms kept in Indonesian:

* graduasi alamiah (natural graduation): the family leaves because no member counts as a
  component any more; detected from the registry, confirmed by the facilitator.
* graduasi sejahtera mandiri (self-graduation): the family leaves because it has become
  prosperous, with a signed statement (surat pernyataan); proposed by the facilitator and
  approved by the supervisor.

Nothing here is deleted: a superseded form version, a returned proposal, an archived
objection all stay as rows.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from households.models import ExitType
from pkh.files import private_storage


class AssessmentForm(models.Model):
    """One version of the welfare assessment form. Versions are numbered 1, 2, ...;
    new assessments use the current (highest) version. A version that has been used is
    never changed: editing it creates the next version (see ``services.form_editable``)."""

    version = models.PositiveIntegerField(_("versi"), unique=True)
    name = models.CharField(_("nama formulir"), max_length=120)
    description = models.TextField(_("keterangan"), blank=True)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_version"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("formulir penilaian")
        verbose_name_plural = _("formulir penilaian")

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class IndicatorGroup(models.Model):
    """A section of the form (e.g. "Kondisi rumah")."""

    form = models.ForeignKey(AssessmentForm, on_delete=models.PROTECT, related_name="groups")
    name = models.CharField(_("nama kelompok"), max_length=120)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["form", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """A question of the form. ``key`` stays the same across versions, so a family's
    assessments made on different versions line up side by side."""

    group = models.ForeignKey(IndicatorGroup, on_delete=models.PROTECT, related_name="indicators")
    form = models.ForeignKey(AssessmentForm, on_delete=models.PROTECT, related_name="indicators")
    key = models.SlugField(_("kode"), max_length=60)
    text = models.CharField(_("pertanyaan"), max_length=250)
    help_text = models.CharField(_("petunjuk"), max_length=250, blank=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["group__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["form", "key"], name="indicator_key_unique_per_form")
        ]

    def __str__(self) -> str:
        return self.text


class AnswerOption(models.Model):
    """A possible answer with its weight: more points mean more prosperous."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="options")
    label = models.CharField(_("jawaban"), max_length=160)
    weight = models.PositiveSmallIntegerField(_("bobot"))
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["indicator", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.label} ({self.weight})"


class Readiness(models.TextChoices):
    NOT_READY = "not_ready", _("Belum siap")
    APPROACHING = "approaching", _("Mendekati siap")
    READY = "ready", _("Siap graduasi mandiri")


class GraduationAssessment(models.Model):
    """A welfare assessment of one family on one form version. The score and readiness
    are stored as computed at the time (later threshold changes do not rewrite them);
    ``is_latest`` marks the family's newest assessment (kept by the service)."""

    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="graduation_assessments"
    )
    form = models.ForeignKey(AssessmentForm, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField(_("tanggal penilaian"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveIntegerField(_("skor"))
    max_score = models.PositiveIntegerField(_("skor maksimal"))
    score_pct = models.PositiveSmallIntegerField(_("skor (%)"))
    readiness = models.CharField(_("kesiapan"), max_length=12, choices=Readiness.choices)
    notes = models.TextField(_("catatan"), blank=True)
    is_latest = models.BooleanField(default=True, editable=False)
    # The entry form's hidden token: the same form posted twice is one assessment.
    client_token = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("penilaian kesejahteraan")
        verbose_name_plural = _("penilaian kesejahteraan")
        constraints = [
            models.UniqueConstraint(
                fields=["household"], condition=Q(is_latest=True), name="one_latest_assessment"
            ),
            models.UniqueConstraint(
                fields=["household", "client_token"], name="one_assessment_per_client_token"
            ),
            models.CheckConstraint(condition=Q(score_pct__lte=100), name="score_pct_at_most_100"),
        ]
        indexes = [
            models.Index(fields=["household", "-assessed_on"]),
            models.Index(fields=["readiness", "is_latest"]),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.assessed_on} {self.score_pct}%"


class AssessmentAnswer(models.Model):
    assessment = models.ForeignKey(
        GraduationAssessment, on_delete=models.PROTECT, related_name="answers"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    option = models.ForeignKey(AnswerOption, on_delete=models.PROTECT, related_name="+")
    weight = models.PositiveSmallIntegerField(_("bobot"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator"], name="one_answer_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.indicator_id}={self.option_id}"


class Stage(models.TextChoices):
    ASSESSED = "assessed", _("Dinilai")
    TARGETED = "targeted", _("Ditargetkan")
    APPROACHED = "approached", _("Didekati")
    SUPPORTED = "supported", _("Didukung")
    PROPOSED = "proposed", _("Diusulkan")
    GRADUATED = "graduated", _("Graduasi")
    MONITORED = "monitored", _("Dimonitor")


# Stages a facilitator sets by hand; the others follow from proposals and decisions.
MANUAL_STAGES = (Stage.ASSESSED, Stage.TARGETED, Stage.APPROACHED, Stage.SUPPORTED)
# Stages that count as "targeted" for the review page.
TARGETED_STAGES = tuple(s for s in Stage.values if s != Stage.ASSESSED)


class PipelineEntry(models.Model):
    """A family on the self-graduation pipeline (one entry per family)."""

    household = models.OneToOneField(
        "households.Household", on_delete=models.PROTECT, related_name="graduation_pipeline"
    )
    stage = models.CharField(_("tahap"), max_length=12, choices=Stage.choices)
    stage_since = models.DateField(_("sejak"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["stage_since", "pk"]
        verbose_name = _("tahap graduasi keluarga")
        verbose_name_plural = _("tahap graduasi keluarga")
        indexes = [models.Index(fields=["stage"])]

    def __str__(self) -> str:
        return f"{self.household_id}: {self.stage}"


class PipelineEvent(models.Model):
    """A stage change or a note on a family's pipeline, oldest first; never edited."""

    entry = models.ForeignKey(PipelineEntry, on_delete=models.PROTECT, related_name="events")
    stage = models.CharField(_("tahap"), max_length=12, choices=Stage.choices)
    stage_changed = models.BooleanField(default=False)
    date = models.DateField(_("tanggal"))
    note = models.TextField(_("catatan"), blank=True)
    objection = models.ForeignKey(
        "graduation.Objection",
        verbose_name=_("keberatan terkait"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pipeline_events",
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.date} {self.stage}"


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu keputusan")
    APPROVED = "approved", _("Disetujui")
    RETURNED = "returned", _("Dikembalikan")


# Exit types a proposal may carry: graduation types set status "graduated", the others
# (other exit reasons, e.g. a member became a civil servant) set status "exited".
GRADUATION_EXIT_TYPES = (ExitType.GRADUASI_ALAMIAH, ExitType.GRADUASI_MANDIRI)
PROPOSAL_EXIT_TYPES = (
    ExitType.GRADUASI_MANDIRI,
    ExitType.GRADUASI_ALAMIAH,
    ExitType.NOT_ELIGIBLE,
    ExitType.OTHER,
)


def statement_upload_to(instance, filename: str) -> str:
    # The original file name may hold a name: keep only the extension.
    import uuid
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()[:6]
    return f"statements/{uuid.uuid4().hex}{suffix}"


class GraduationProposal(models.Model):
    """A facilitator's proposal that a family leaves PKH, decided by their supervisor.

    A returned proposal stays as it is; the facilitator submits a new one."""

    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="graduation_proposals"
    )
    assessment = models.ForeignKey(
        GraduationAssessment, on_delete=models.PROTECT, related_name="proposals"
    )
    exit_type = models.CharField(
        _("jenis graduasi"),
        max_length=16,
        choices=[(t.value, t.label) for t in PROPOSAL_EXIT_TYPES],
        default=ExitType.GRADUASI_MANDIRI,
    )
    reason = models.TextField(_("alasan"))
    statement = models.FileField(
        _("surat pernyataan"), upload_to=statement_upload_to, storage=private_storage
    )
    statement_content_type = models.CharField(max_length=40)
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)
    decision_comment = models.TextField(_("komentar"), blank=True)
    graduation_date = models.DateField(_("tanggal graduasi"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("usulan graduasi")
        verbose_name_plural = _("usulan graduasi")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status="pending"),
                name="one_pending_proposal_per_household",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="decided_proposals_have_decision_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(graduation_date__isnull=False),
                name="approved_proposals_have_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "decided_at"])]

    def __str__(self) -> str:
        return f"{self.household_id} {self.status}"


class GraduationSource(models.TextChoices):
    NATURAL = "natural", _("Deteksi graduasi alamiah")
    PROPOSAL = "proposal", _("Usulan disetujui")


class Graduation(models.Model):
    """A family's exit from PKH recorded through this app (natural or by proposal)."""

    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="graduations"
    )
    exit_type = models.CharField(_("jenis"), max_length=16, choices=ExitType.choices)
    date = models.DateField(_("tanggal"))
    reason = models.CharField(_("alasan"), max_length=200, blank=True)
    source = models.CharField(_("sumber"), max_length=10, choices=GraduationSource.choices)
    proposal = models.OneToOneField(
        GraduationProposal,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="graduation",
    )
    # The family's facilitator at the time (per-facilitator counts survive transfers).
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["date", "exit_type"])]

    def __str__(self) -> str:
        return f"{self.household_id} {self.exit_type} {self.date}"


class MonitoringOutcome(models.TextChoices):
    SELF_RELIANT = "self_reliant", _("Masih mandiri")
    FALLEN_BACK = "fallen_back", _("Kembali rentan")


class MonitoringVisit(models.Model):
    """A follow-up visit after graduation, due 3, 6 and 12 months after it."""

    graduation = models.ForeignKey(
        Graduation, on_delete=models.PROTECT, related_name="monitoring_visits"
    )
    months_after = models.PositiveSmallIntegerField(_("bulan ke"))
    due_on = models.DateField(_("jatuh tempo"))
    done_on = models.DateField(_("tanggal kunjungan"), null=True, blank=True)
    outcome = models.CharField(
        _("hasil"), max_length=12, choices=MonitoringOutcome.choices, blank=True
    )
    note = models.TextField(_("catatan"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["graduation", "months_after"], name="one_monitoring_per_milestone"
            ),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True, outcome="")
                | Q(done_on__isnull=False) & ~Q(outcome=""),
                name="done_monitoring_has_outcome",
            ),
        ]
        indexes = [models.Index(fields=["done_on", "due_on"])]

    def __str__(self) -> str:
        return f"{self.graduation_id} +{self.months_after}m"


class QuarterlyTarget(models.Model):
    """A facilitator's self-graduation target for one quarter, set by their supervisor.
    Without a row the default comes from ``PKH_GRADUATION_YEARLY_TARGET``."""

    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="graduation_targets"
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    quarter = models.PositiveSmallIntegerField(_("triwulan"))
    target = models.IntegerField(_("target"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["facilitator", "year", "quarter"], name="one_target_per_quarter"
            ),
            models.CheckConstraint(condition=Q(target__gte=0), name="target_not_negative"),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="quarter_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facilitator_id} {self.year}Q{self.quarter}: {self.target}"


class Objection(models.Model):
    """An argument families raise against self-graduation and a good answer to it.
    Written and curated by supervisors; archived, never deleted."""

    argument = models.CharField(_("keberatan keluarga"), max_length=250)
    answer = models.TextField(_("jawaban yang baik"))
    tags = models.CharField(_("kata kunci"), max_length=200, blank=True)
    is_archived = models.BooleanField(_("diarsipkan"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["argument", "pk"]
        verbose_name = _("keberatan dan jawaban")
        verbose_name_plural = _("keberatan dan jawaban")

    def __str__(self) -> str:
        return self.argument
