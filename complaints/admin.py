from django.contrib import admin

from complaints.models import Complaint, ComplaintCategory, ComplaintEvent


@admin.register(ComplaintCategory)
class ComplaintCategoryAdmin(admin.ModelAdmin):
    """The complaint catalogue: names, service-level deadlines, suggested case kinds."""

    list_display = ("name", "code", "deadline_days", "case_kind", "order", "is_active")
    list_editable = ("deadline_days", "order", "is_active")
    ordering = ("order", "name")


class ComplaintEventInline(admin.TabularInline):
    model = ComplaintEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "by", "kind", "from_status", "to_status", "detail", "note")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    """Read-only: complaints change through the app (with their events), not here."""

    list_display = ("pk", "category", "status", "due_on", "escalation", "facilitator")
    list_filter = ("status", "category", "escalation")
    inlines = [ComplaintEventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
