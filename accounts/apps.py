from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Akun")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts import extensions
        from pkh.middleware import session_mark_active

        user_logged_in.connect(session_mark_active, dispatch_uid="pkh-session-idle")
        extensions.register()
