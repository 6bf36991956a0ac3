from django.contrib import admin

from corrections.models import Correction, CorrectionExport


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ("pk", "kind", "status", "proposed_at", "decided_at", "export")
    list_filter = ("kind", "status")
    raw_id_fields = ("household", "member", "proposed_by", "decided_by", "export")
    readonly_fields = ("old_values", "new_values", "fingerprint")


@admin.register(CorrectionExport)
class CorrectionExportAdmin(admin.ModelAdmin):
    list_display = ("pk", "period_start", "period_end", "created_by", "created_at", "row_count")
