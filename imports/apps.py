from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("Impor data")

    def ready(self) -> None:
        from accounts.models import Role
        from pkh.registry import NavItem, register_nav_item

        register_nav_item(NavItem(_("Impor roster"), "imports:list", (Role.ADMIN,), order=80))
