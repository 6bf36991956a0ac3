"""Sanction proposals for non-compliance: the facilitator proposes a suspension
(penangguhan) or cancellation (pembatalan) that a quarter calls for
(``commitments.selectors.consequences``); the family's supervisor confirms it (the
family's status changes through ``households.services``) or returns it with a comment."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commitments import notify
from commitments.models import SanctionKind, SanctionProposal, SanctionStatus
from commitments.selectors.consequences import (
    household_consequence,
    judged_quarter,
    proposable_kind,
    quarter_label,
    quarter_start,
)
from households.models import ExitType, Household, HouseholdStatus
from households.services import household_status_set
from pkh.permissions import can_decide_sanction, is_family_facilitator

ALLOWED_STATUS = {
    SanctionKind.SUSPENSION: (HouseholdStatus.ACTIVE,),
    SanctionKind.CANCELLATION: (HouseholdStatus.ACTIVE, HouseholdStatus.SUSPENDED),
}


def _lock(household: Household) -> Household:
    return Household.objects.select_for_update().get(pk=household.pk)


@transaction.atomic
def sanction_propose(
    *,
    household: Household,
    by,
    quarter: datetime.date,
    reason: str,
    today: datetime.date | None = None,
) -> SanctionProposal:
    """Propose the sanction ``quarter`` calls for (the judged quarter: only its figures
    are final). The kind follows the figures, not the caller."""
    if not is_family_facilitator(by, household):
        raise PermissionDenied(_("Hanya pendamping keluarga yang dapat mengusulkan sanksi."))
    today = today or timezone.localdate()
    quarter = quarter_start(quarter)
    if quarter != judged_quarter(today):
        raise ValidationError(
            _("Usulan hanya untuk triwulan yang sudah selesai diverifikasi (%(q)s).")
            % {"q": quarter_label(judged_quarter(today))}
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Alasan wajib diisi.")})
    household = _lock(household)
    consequence = household_consequence(household=household, quarter=quarter)
    kind = proposable_kind(consequence)
    if kind is None:
        raise ValidationError(_("Triwulan ini tidak mengharuskan penangguhan atau pembatalan."))
    if household.status not in ALLOWED_STATUS[kind]:
        raise ValidationError(_("Status keluarga ini tidak dapat diusulkan %(kind)s.")
                              % {"kind": SanctionKind(kind).label.lower()})  # fmt: skip
    if SanctionProposal.objects.filter(
        household=household, quarter=quarter, kind=kind, status=SanctionStatus.CONFIRMED
    ).exists():
        raise ValidationError(_("Sanksi triwulan ini sudah dikonfirmasi."))
    try:
        with transaction.atomic():
            proposal = SanctionProposal(
                household=household,
                kind=kind,
                quarter=quarter,
                months_failed=consequence.months_failed,
                reason=reason,
                proposed_by=by,
            )
            proposal._history_user = by
            proposal.save()
    except IntegrityError:
        raise ValidationError(
            _("Keluarga ini sudah punya usulan sanksi yang menunggu konfirmasi.")
        ) from None
    notify.sanction_proposed(proposal)
    return proposal


@transaction.atomic
def sanction_decide(
    *, proposal: SanctionProposal, by, confirm: bool, comment: str = ""
) -> SanctionProposal:
    """Confirm (the family is suspended, or leaves PKH for non-compliance) or return with
    a comment. A conditional UPDATE lets exactly one of two decisions through."""
    if not can_decide_sanction(by, proposal):
        raise PermissionDenied(_("Hanya supervisor pendamping keluarga ini yang dapat memutuskan."))
    comment = comment.strip()
    if not confirm and not comment:
        raise ValidationError({"comment": _("Tulis komentar: mengapa usulan dikembalikan.")})
    household = _lock(proposal.household)
    if confirm and household.status not in ALLOWED_STATUS[proposal.kind]:
        raise ValidationError(_("Status keluarga sudah berubah; kembalikan usulan ini."))
    now = timezone.now()
    claimed = SanctionProposal.objects.filter(pk=proposal.pk, status=SanctionStatus.PENDING).update(
        status=SanctionStatus.CONFIRMED if confirm else SanctionStatus.RETURNED,
        decided_by=by,
        decided_at=now,
        decision_comment=comment,
    )
    if not claimed:
        raise ValidationError(_("Usulan ini sudah diputuskan sebelumnya; tidak ada yang diubah."))
    proposal.refresh_from_db()
    # The conditional UPDATE writes no history row: save once for it (who and when).
    proposal._history_user = by
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
    if confirm:
        why = _("%(kind)s komitmen triwulan %(q)s: %(reason)s") % {
            "kind": proposal.get_kind_display(),
            "q": quarter_label(proposal.quarter),
            "reason": proposal.reason,
        }
        why = why[: Household._meta.get_field("status_reason").max_length]
        if proposal.kind == SanctionKind.SUSPENSION:
            household_status_set(
                household=household, by=by, status=HouseholdStatus.SUSPENDED,
                date=timezone.localdate(), reason=why,
            )  # fmt: skip
        else:
            household_status_set(
                household=household, by=by, status=HouseholdStatus.EXITED,
                date=timezone.localdate(), reason=why, exit_type=ExitType.NON_COMPLIANCE,
            )  # fmt: skip
    notify.sanction_decided(proposal, confirmed=confirm)
    return proposal
