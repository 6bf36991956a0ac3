from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "assistance"
    verbose_name = _("Bantuan komplementer")

    def ready(self) -> None:
        from assistance import extensions

        extensions.register()
