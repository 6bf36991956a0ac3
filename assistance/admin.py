"""Django admin for superusers: the aid catalogue and the resource directory.

Day-to-day editing happens in the app (the national catalogue keeper, a superuser, edits
the catalogue; supervisors and admins the directory of their areas); this is the
superuser's fallback.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from assistance.models import Aid, Resource


@admin.register(Aid)
class AidAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "unit", "eligibility", "card_label", "is_active", "order")
    filter_horizontal = ("components",)


@admin.register(Resource)
class ResourceAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "area", "phone", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "area__code", "area__name")
    raw_id_fields = ("area",)
    filter_horizontal = ("aids",)
