"""Django admin for superusers: the module catalogue (the app's own pages are the usual way)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from fds_sessions.models import FdsModule, FdsModuleSession


class FdsModuleSessionInline(admin.TabularInline):
    model = FdsModuleSession
    extra = 0


@admin.register(FdsModule)
class FdsModuleAdmin(SimpleHistoryAdmin):
    list_display = ("number", "title", "is_active")
    inlines = [FdsModuleSessionInline]
