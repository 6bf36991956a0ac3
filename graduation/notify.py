"""The one place graduation tells people about a graduation proposal (in-app
notifications): a submitted proposal its family's supervisor (who decides it), a
decision its proposer.

It calls ``notifications.services`` (just above ``accounts``, so below graduation in the
layers). The row is written in the caller's transaction: a proposal or a decision that
rolls back leaves no notification. Titles never hold a family's name, NIK or No. KK:
they name the proposal by number and link to its page.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from notifications import services as notifications


def _url(proposal) -> str:
    return reverse("graduation:proposal_detail", args=[proposal.pk])


def proposal_submitted(proposal) -> None:
    """The supervisor of the family's facilitator has a proposal to decide (nobody when
    the family has no facilitator or the facilitator no supervisor)."""
    facilitator = proposal.household.facilitator
    notifications.notify(
        facilitator.supervisor if facilitator is not None else None,
        kind="graduation_waiting",
        title=_("Usulan graduasi #%(pk)d menunggu keputusan") % {"pk": proposal.pk},
        url=_url(proposal),
    )


def proposal_decided(proposal, *, approved: bool) -> None:
    """The proposer learns the supervisor's decision."""
    if approved:
        kind, title = "graduation_approved", _("Usulan graduasi #%(pk)d disetujui")
    else:
        kind, title = "graduation_returned", _("Usulan graduasi #%(pk)d dikembalikan")
    notifications.notify(
        proposal.submitted_by, kind=kind, title=title % {"pk": proposal.pk}, url=_url(proposal)
    )
