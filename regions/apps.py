from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    """The ground floor of the domain: Kemendagri regions, which accounts (a user's area)
    and households (a family's village) both point to. Imports no other project app."""

    name = "regions"
    verbose_name = _("Wilayah")
