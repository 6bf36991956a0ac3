"""What reports adds to the shared pages (``pkh.extensions``): its menu entries and
its demo data."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pkh import extensions
from pkh.extensions import NavItem
from pkh.permissions import ADMINS, FACILITATORS, LEADS
from reports import demo


def register() -> None:
    for item in (
        NavItem(_("Laporan"), "reports:list", FACILITATORS),
        NavItem(_("Laporan tim"), "reports:team", LEADS),
        NavItem(_("Laporan wilayah"), "reports:district", ADMINS, more=True),
        NavItem(_("Status laporan"), "reports:runs", LEADS, more=True),
    ):
        extensions.menu_items.register(item.url_name, item)
    extensions.demo_seeders.register("reports", demo.seed_reports_demo)
