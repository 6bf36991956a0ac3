from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Laporan")

    def ready(self) -> None:
        from accounts.models import Role
        from pkh.registry import NavItem, register_demo_seeder, register_nav_item
        from reports import demo

        register_nav_item(NavItem(_("Laporan"), "reports:list", (Role.FACILITATOR,), order=60))
        register_nav_item(
            NavItem(_("Laporan tim"), "reports:team", (Role.SUPERVISOR, Role.ADMIN), order=60)
        )
        register_nav_item(
            NavItem(_("Laporan wilayah"), "reports:district", (Role.ADMIN,), order=61, more=True)
        )
        register_nav_item(
            NavItem(
                _("Status laporan"),
                "reports:runs",
                (Role.SUPERVISOR, Role.ADMIN),
                order=62,
                more=True,
            )
        )
        register_demo_seeder(demo.seed_reports_demo)
