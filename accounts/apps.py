from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Akun")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts.models import Role
        from pkh.middleware import session_mark_active
        from pkh.registry import NavItem, register_nav_item

        user_logged_in.connect(session_mark_active, dispatch_uid="pkh-session-idle")

        register_nav_item(NavItem(_("Pengguna"), "accounts:user_list", (Role.ADMIN,), order=80))
