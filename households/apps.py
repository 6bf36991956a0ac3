from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HouseholdsConfig(AppConfig):
    name = "households"
    verbose_name = _("Registri keluarga")

    def ready(self) -> None:
        from households import extensions

        extensions.register()
