from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FdsSessionsConfig(AppConfig):
    name = "fds_sessions"
    verbose_name = _("P2K2 / FDS")

    def ready(self) -> None:
        from accounts.models import Role
        from fds_sessions import demo, extensions, receivers
        from households.signals import households_changed
        from pkh.registry import (
            NavItem,
            register_demo_seeder,
            register_family_panel,
            register_nav_item,
            register_todo_source,
        )

        every_role = (Role.FACILITATOR, Role.SUPERVISOR, Role.ADMIN)
        register_nav_item(NavItem(_("P2K2"), "fds_sessions:group_list", every_role, order=30))
        register_nav_item(
            NavItem(
                _("Modul P2K2"),
                "fds_sessions:module_list",
                (Role.ADMIN,),
                65,
                for_catalogue_keepers=True,
                more=True,
            )
        )
        register_todo_source(extensions.fds_followups)
        register_family_panel(extensions.family_panel)
        register_demo_seeder(demo.seed_fds_demo)
        households_changed.connect(
            receivers.on_households_changed, dispatch_uid="fds_sessions.memberships_sync"
        )
