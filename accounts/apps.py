from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Akun")

    def ready(self) -> None:
        from accounts.models import Role
        from pkh.registry import NavItem, register_nav_item

        register_nav_item(NavItem(_("Pengguna"), "accounts:user_list", (Role.ADMIN,), order=80))
