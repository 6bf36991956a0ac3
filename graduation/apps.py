from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GraduationConfig(AppConfig):
    name = "graduation"
    verbose_name = _("Graduasi")

    def ready(self) -> None:
        from accounts.models import Role
        from graduation import demo, facts, hooks, panels, todo
        from pkh.registry import (
            NavItem,
            register_demo_seeder,
            register_family_panel,
            register_nav_item,
            register_todo_source,
        )

        register_nav_item(
            NavItem(_("Graduasi"), "graduation:pipeline", (Role.FACILITATOR,), order=40)
        )
        register_nav_item(
            NavItem(_("Review graduasi"), "graduation:review", (Role.SUPERVISOR,), order=40)
        )
        register_nav_item(
            NavItem(_("Usulan graduasi"), "graduation:proposal_list", (Role.SUPERVISOR,), order=41)
        )
        register_nav_item(
            NavItem(
                _("Formulir penilaian"),
                "graduation:form_list",
                (Role.ADMIN,),
                order=45,
                for_catalogue_keepers=True,
                more=True,
            )
        )
        register_family_panel(panels.family_panel)
        hooks.register_readiness_fact(facts.aid_coverage)
        hooks.register_readiness_fact(facts.fds_attendance)
        register_todo_source(todo.monitoring_visits)
        register_demo_seeder(demo.seed_graduation_demo)
