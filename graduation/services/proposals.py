"""Graduation proposals: a facilitator submits, the supervisor decides."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from graduation import notify
from graduation.models import (
    PROPOSAL_EXIT_TYPES,
    GraduationAssessment,
    GraduationProposal,
    GraduationSource,
    PipelineEntry,
    PipelineEvent,
    ProposalStatus,
    Stage,
)
from graduation.selectors.proposals import assessment_max_age_cutoff
from graduation.services.checks import lock_household, not_in_future, require_family_facilitator
from graduation.services.graduations import household_graduate
from graduation.services.pipeline import pipeline_move
from graduation.validators import EXTENSIONS, validate_statement_file
from households.models import ExitType, Household, HouseholdStatus
from pkh.permissions import can_decide_graduation


@transaction.atomic
def proposal_submit(
    *,
    household: Household,
    by: User,
    reason: str,
    statement: UploadedFile | None,
    exit_type: str = ExitType.GRADUASI_MANDIRI,
) -> GraduationProposal:
    """Propose that a family leaves PKH. Carries its latest assessment (from the last 6
    months), the reason and the signed statement (PDF or image)."""
    require_family_facilitator(household, by)
    if not reason.strip():
        raise ValidationError({"reason": _("Alasan wajib diisi.")})
    if exit_type not in PROPOSAL_EXIT_TYPES:
        raise ValidationError({"exit_type": _("Jenis graduasi tidak dikenal.")})
    if statement is None:
        raise ValidationError({"statement": _("Unggah surat pernyataan yang ditandatangani.")})
    content_type = validate_statement_file(statement)
    household = lock_household(household)
    if household.status != HouseholdStatus.ACTIVE:
        raise ValidationError(_("Hanya keluarga aktif yang dapat diusulkan graduasi."))
    if GraduationProposal.objects.filter(
        household=household, status=ProposalStatus.PENDING
    ).exists():
        raise ValidationError(_("Keluarga ini sudah punya usulan yang menunggu keputusan."))
    assessment = GraduationAssessment.objects.filter(household=household, is_latest=True).first()
    if assessment is None or assessment.assessed_on < assessment_max_age_cutoff():
        raise ValidationError(
            _(
                "Usulan perlu penilaian kesejahteraan dari 6 bulan terakhir. Nilai keluarga ini dulu."
            )
        )
    proposal = GraduationProposal(
        household=household,
        assessment=assessment,
        exit_type=exit_type,
        reason=reason.strip(),
        statement_content_type=content_type,
        submitted_by=by,
    )
    # The stored name's extension follows the checked content, not the client's file name.
    proposal.statement.save(f"surat{EXTENSIONS[content_type]}", statement, save=False)
    proposal.save()
    today = timezone.localdate()
    entry = PipelineEntry.objects.filter(household=household).first()
    if entry is None:
        entry = PipelineEntry.objects.create(
            household=household, stage=Stage.PROPOSED, stage_since=today, created_by=by
        )
        PipelineEvent.objects.create(
            entry=entry, stage=Stage.PROPOSED, stage_changed=True, date=today, by=by
        )
    else:
        pipeline_move(entry, stage=Stage.PROPOSED, date=today, by=by)
    notify.proposal_submitted(proposal)
    return proposal


@transaction.atomic
def proposal_decide(
    *,
    proposal: GraduationProposal,
    by: User,
    approve: bool,
    comment: str = "",
    graduation_date: datetime.date | None = None,
) -> GraduationProposal:
    """Approve (the family graduates with the proposal's type and ``graduation_date``) or
    return a proposal with a comment.

    Two supervisors deciding at once: a conditional UPDATE (``status = pending``) lets
    exactly one through; the other gets "already decided" and nothing changes."""
    if not can_decide_graduation(by, proposal):
        raise PermissionDenied(_("Hanya supervisor pendamping keluarga ini yang dapat memutuskan."))
    comment = comment.strip()
    if not approve and not comment:
        raise ValidationError({"comment": _("Tulis komentar: apa yang perlu diperbaiki.")})
    if approve:
        if graduation_date is None:
            raise ValidationError({"graduation_date": _("Tanggal graduasi wajib diisi.")})
        not_in_future(graduation_date, "graduation_date")
    now = timezone.now()
    status = ProposalStatus.APPROVED if approve else ProposalStatus.RETURNED
    claimed = GraduationProposal.objects.filter(
        pk=proposal.pk, status=ProposalStatus.PENDING
    ).update(
        status=status,
        decided_by=by,
        decided_at=now,
        decision_comment=comment,
        graduation_date=graduation_date if approve else None,
    )
    if not claimed:
        raise ValidationError(_("Usulan ini sudah diputuskan sebelumnya; tidak ada yang diubah."))
    proposal.refresh_from_db()
    if approve:
        household_graduate(
            household=proposal.household,
            exit_type=proposal.exit_type,
            date=graduation_date,
            reason=_("Usulan graduasi disetujui: %(reason)s") % {"reason": proposal.reason},
            source=GraduationSource.PROPOSAL,
            by=by,
            proposal=proposal,
        )
    else:
        entry = PipelineEntry.objects.filter(household_id=proposal.household_id).first()
        if entry is not None:
            pipeline_move(
                entry,
                stage=Stage.SUPPORTED,
                date=timezone.localdate(),
                by=by,
                note=_("Usulan dikembalikan: %(comment)s") % {"comment": comment},
            )
    notify.proposal_decided(proposal, approved=approve)
    return proposal
