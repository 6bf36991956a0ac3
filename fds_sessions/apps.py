from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FdsSessionsConfig(AppConfig):
    name = "fds_sessions"
    verbose_name = _("P2K2 / FDS")

    def ready(self) -> None:
        from fds_sessions import extensions

        extensions.register()
