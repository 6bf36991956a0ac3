from django.contrib import admin

from field.models import SyncReceipt


@admin.register(SyncReceipt)
class SyncReceiptAdmin(admin.ModelAdmin):
    list_display = ("kind", "user", "object_id", "created_at")
    list_filter = ("kind",)
    readonly_fields = ("client_token", "user", "kind", "object_id", "created_at")
