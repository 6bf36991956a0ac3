from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HouseholdsConfig(AppConfig):
    name = "households"
    verbose_name = _("Registri keluarga")

    def ready(self) -> None:
        from accounts.models import Role
        from households import todo
        from pkh.registry import NavItem, register_nav_item, register_todo_source

        every_role = (Role.FACILITATOR, Role.SUPERVISOR, Role.ADMIN)
        register_nav_item(NavItem(_("Keluarga"), "households:caseload", every_role, order=10))
        register_nav_item(
            NavItem(_("Tim"), "households:team_overview", (Role.SUPERVISOR, Role.ADMIN), order=20)
        )
        register_nav_item(
            NavItem(
                _("Pindah pendamping"), "households:transfer", (Role.ADMIN,), order=70, more=True
            )
        )
        register_todo_source(todo.visit_followups)
