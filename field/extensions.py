"""What offline field work adds to the shared pages (``pkh.extensions``): its menu entries."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from pkh import extensions
from pkh.extensions import NavItem
from pkh.permissions import FACILITATORS, LEADS


def register() -> None:
    extensions.menu_items.register(
        "field:app", NavItem(gettext_lazy("Offline"), "field:app", FACILITATORS)
    )
    # Facilitators reach their own devices from the offline page.
    extensions.menu_items.register(
        "field:devices",
        NavItem(gettext_lazy("Perangkat offline"), "field:devices", LEADS, more=True),
    )
