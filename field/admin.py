from django.contrib import admin

from field.models import FieldDevice, SyncReceipt


@admin.register(SyncReceipt)
class SyncReceiptAdmin(admin.ModelAdmin):
    list_display = ("kind", "user", "object_id", "created_at")
    list_filter = ("kind",)
    readonly_fields = ("client_token", "user", "kind", "object_id", "created_at")


@admin.register(FieldDevice)
class FieldDeviceAdmin(admin.ModelAdmin):
    # Revoking goes through the "Perangkat offline" page (it also ends the session).
    list_display = ("user", "label", "created_at", "last_seen_at", "revoked_at")
    list_filter = ("revoked_at",)
    readonly_fields = (
        "user",
        "key",
        "label",
        "session_key",
        "created_at",
        "last_seen_at",
        "revoked_at",
        "revoked_by",
    )
