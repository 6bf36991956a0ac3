"""The one place commitment verification tells people about a sanction proposal (in-app
notifications): a proposal its family's supervisor, a decision its proposer.

It calls ``notifications.services`` (just above ``accounts``, so below commitments in
the layers). The row is written in the caller's transaction: a proposal or a decision
that rolls back leaves no notification. Titles never hold a family's name, NIK or No.
KK: they name the proposal by kind and number and link to its page.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from notifications import services as notifications


def _url(proposal) -> str:
    return reverse("commitments:sanction_detail", args=[proposal.pk])


def _what(proposal) -> dict:
    return {"kind": proposal.get_kind_display().lower(), "pk": proposal.pk}


def sanction_proposed(proposal) -> None:
    """The supervisor of the family's facilitator has a proposal to decide (nobody when
    the family has no facilitator or the facilitator no supervisor)."""
    facilitator = proposal.household.facilitator
    notifications.notify(
        facilitator.supervisor if facilitator is not None else None,
        kind="sanction_waiting",
        title=_("Usulan %(kind)s #%(pk)d menunggu konfirmasi") % _what(proposal),
        url=_url(proposal),
    )


def sanction_decided(proposal, *, confirmed: bool) -> None:
    """The proposer learns the supervisor's decision."""
    if confirmed:
        kind, title = "sanction_confirmed", _("Usulan %(kind)s #%(pk)d dikonfirmasi")
    else:
        kind, title = "sanction_returned", _("Usulan %(kind)s #%(pk)d dikembalikan")
    notifications.notify(
        proposal.proposed_by, kind=kind, title=title % _what(proposal), url=_url(proposal)
    )
