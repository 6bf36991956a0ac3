from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The start page. It sits above every app: it gathers their to-dos through
    ``pkh.extensions.todo_sources`` and counts the caseload, and no app imports it."""

    name = "home"
    verbose_name = _("Beranda")
