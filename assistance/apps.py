from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "assistance"
    verbose_name = _("Bantuan komplementer")

    def ready(self) -> None:
        from accounts.models import Role
        from assistance import demo, panel, signals, todo  # noqa: F401  (signals connect)
        from pkh.registry import (
            NavItem,
            register_demo_seeder,
            register_family_panel,
            register_nav_item,
            register_todo_source,
        )

        every_role = (Role.FACILITATOR, Role.SUPERVISOR, Role.ADMIN)
        register_nav_item(NavItem(_("Bansos"), "assistance:gap", every_role, order=30))
        # The roles reach the catalogue from the Bansos pages; a keeper has no role for them.
        register_nav_item(
            NavItem(
                _("Katalog bansos"),
                "assistance:catalogue",
                (),
                31,
                for_catalogue_keepers=True,
                more=True,
            )
        )
        register_family_panel(panel.aid_panel)
        register_todo_source(todo.open_cases)
        register_demo_seeder(demo.seed_assistance)
