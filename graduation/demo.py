"""Demo data for ``seed_demo``: assessments, pipeline entries, a pending proposal,
quarterly targets and a few objections. Idempotent: a second run adds nothing."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from graduation.models import (
    GraduationAssessment,
    GraduationProposal,
    Objection,
    PipelineEntry,
    QuarterlyTarget,
    Stage,
)
from graduation.selectors import assessment_forms as form_selectors
from graduation.selectors import targets as target_selectors
from graduation.services import assessments as assessment_services
from graduation.services import objections as objection_services
from graduation.services import pipeline as pipeline_services
from graduation.services import proposals as proposal_services
from graduation.services import targets as target_services
from households.models import Household, HouseholdStatus

FAMILIES_PER_FACILITATOR = 8
# Per family, which option index to pick on every indicator (0 = poorest answer):
# spreads the demo families over the three readiness classes.
PROFILES = [2, 2, 1, 1, 0, 2, 1, 0]
STAGES = [Stage.TARGETED, Stage.APPROACHED, Stage.SUPPORTED, Stage.ASSESSED]

OBJECTIONS = [
    (
        "Kami belum sejahtera, penghasilan masih pas-pasan.",
        "Tunjukkan hasil penilaian keluarga sendiri: rumah, aset dan penghasilan sudah di atas "
        "batas. Graduasi bukan berarti semua bantuan berhenti: KIS, KIP dan pendampingan usaha "
        "tetap bisa diusahakan.",
        "penghasilan, sejahtera",
    ),
    (
        "Nanti kalau anak sekolah butuh biaya bagaimana?",
        "KIP/PIP untuk anak sekolah terpisah dari PKH dan tetap bisa diterima bila memenuhi "
        "syarat. Pendamping membantu mengurusnya.",
        "pendidikan, kip",
    ),
    (
        "Tetangga yang lebih mampu masih menerima PKH.",
        "Setiap keluarga dinilai sendiri dan pendamping juga menilai tetangga itu. Keluarga yang "
        "graduasi mandiri menjadi contoh dan diberi penghargaan di pertemuan P2K2.",
        "keadilan, tetangga",
    ),
    (
        "Kalau usaha kami bangkrut, apakah bisa masuk PKH lagi?",
        "Keluarga yang kembali rentan dapat diusulkan lagi melalui DTSEN. Pendamping memantau "
        "3, 6 dan 12 bulan setelah graduasi.",
        "usaha, pemantauan",
    ),
]

DEMO_PDF = b"%PDF-1.4\n% demo surat pernyataan\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _answers(form, profile: int) -> dict[int, int]:
    answers = {}
    for group in form_selectors.form_groups(form=form):
        for indicator in group.indicators.all():
            options = list(indicator.options.all())
            answers[indicator.pk] = options[min(profile, len(options) - 1)].pk
    return answers


def seed_graduation_demo(*, stdout) -> None:
    form = form_selectors.form_current()
    if form is None:
        return
    today = timezone.localdate()
    year, quarter = target_selectors.quarter_of(today)
    created = {"assessments": 0, "pipeline": 0, "proposals": 0, "targets": 0, "objections": 0}
    with transaction.atomic():
        supervisors = User.objects.filter(role=Role.SUPERVISOR, is_active=True).order_by("pk")
        author = supervisors.first()
        if author is not None:
            for argument, answer, tags in OBJECTIONS:
                if not Objection.objects.filter(argument=argument).exists():
                    objection_services.objection_save(
                        by=author, argument=argument, answer=answer, tags=tags
                    )
                    created["objections"] += 1
        for supervisor in supervisors:
            team = supervisor.team.filter(role=Role.FACILITATOR, is_active=True)
            missing = {
                f.pk: target_selectors.default_quarter_target(quarter)
                for f in team
                if not QuarterlyTarget.objects.filter(
                    facilitator=f, year=year, quarter=quarter
                ).exists()
            }
            if missing:
                target_services.targets_set(
                    by=supervisor, year=year, quarter=quarter, targets=missing
                )
                created["targets"] += len(missing)
        facilitators = User.objects.filter(role=Role.FACILITATOR, is_active=True).order_by("pk")
        proposal_made = GraduationProposal.objects.exists()
        for facilitator in facilitators:
            families = list(
                Household.objects.filter(
                    facilitator=facilitator, status=HouseholdStatus.ACTIVE
                ).order_by("pk")[:FAMILIES_PER_FACILITATOR]
            )
            for i, household in enumerate(families):
                if not GraduationAssessment.objects.filter(household=household).exists():
                    # An older assessment and a recent one: the history shows progress.
                    for days_ago, bump in ((200, -1), (20, 0)):
                        assessment_services.assessment_create(
                            household=household,
                            form=form,
                            answers=_answers(form, max(0, PROFILES[i % len(PROFILES)] + bump)),
                            by=facilitator,
                            assessed_on=today - datetime.timedelta(days=days_ago),
                        )
                        created["assessments"] += 1
                if (
                    i < len(STAGES)
                    and not PipelineEntry.objects.filter(household=household).exists()
                ):
                    pipeline_services.pipeline_add(
                        household=household,
                        by=facilitator,
                        stage=STAGES[i],
                        date=today - datetime.timedelta(days=30 - i),
                        note="Keluarga menunjukkan usaha warung yang berjalan baik.",
                    )
                    created["pipeline"] += 1
            if not proposal_made and families and facilitator.supervisor_id:
                household = families[0]
                proposal_services.proposal_submit(
                    household=household,
                    by=facilitator,
                    reason="Usaha warung stabil, penghasilan di atas UMK, rumah layak huni.",
                    statement=SimpleUploadedFile(
                        "surat.pdf", DEMO_PDF, content_type="application/pdf"
                    ),
                )
                created["proposals"] += 1
                proposal_made = True
    stdout.write(
        "graduation demo: " + ", ".join(f"{n} {kind}" for kind, n in created.items()) + " created\n"
    )
