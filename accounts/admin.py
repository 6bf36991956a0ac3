from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (
        ("PKH", {"fields": ("role", "supervisor", "areas", "phone")}),
    )
    list_display = ("username", "first_name", "last_name", "role", "supervisor", "is_active")
    list_filter = ("role", "is_active")
    autocomplete_fields = ("areas",)
