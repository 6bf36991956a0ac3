"""What accounts adds to the shared pages (``pkh.extensions``): the users' menu entry."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pkh import extensions
from pkh.extensions import NavItem
from pkh.permissions import ADMINS


def register() -> None:
    item = NavItem(_("Pengguna"), "accounts:user_list", ADMINS)
    extensions.menu_items.register(item.url_name, item)
