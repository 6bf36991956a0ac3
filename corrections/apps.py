from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CorrectionsConfig(AppConfig):
    name = "corrections"
    verbose_name = _("Koreksi data")

    def ready(self) -> None:
        from corrections import extensions

        extensions.register()
