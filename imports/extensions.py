"""What the roster import adds to the shared pages (``pkh.extensions``): its menu entry."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from pkh import extensions
from pkh.extensions import NavItem


def register() -> None:
    item = NavItem(_("Impor roster"), "imports:list", (Role.ADMIN,))
    extensions.menu_items.register(item.url_name, item)
