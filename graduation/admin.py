"""Django admin for superusers: read-mostly views of graduation data.

Day-to-day editing happens in the app's own pages (forms by admins, targets and the
objections bank by supervisors), which go through the services and keep versions.
"""

from django.contrib import admin

from graduation.models import (
    AssessmentForm,
    Graduation,
    GraduationAssessment,
    GraduationProposal,
    Objection,
    QuarterlyTarget,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AssessmentForm)
class AssessmentFormAdmin(ReadOnlyAdmin):
    list_display = ("version", "name", "created_at", "created_by")


@admin.register(GraduationAssessment)
class GraduationAssessmentAdmin(ReadOnlyAdmin):
    list_display = ("household", "assessed_on", "score_pct", "readiness", "form")
    list_filter = ("readiness",)
    raw_id_fields = ("household",)


@admin.register(GraduationProposal)
class GraduationProposalAdmin(ReadOnlyAdmin):
    list_display = ("household", "status", "exit_type", "submitted_at", "decided_at")
    list_filter = ("status", "exit_type")


@admin.register(Graduation)
class GraduationAdmin(ReadOnlyAdmin):
    list_display = ("household", "exit_type", "date", "source")
    list_filter = ("exit_type", "source")


@admin.register(QuarterlyTarget)
class QuarterlyTargetAdmin(ReadOnlyAdmin):
    list_display = ("facilitator", "year", "quarter", "target")
    list_filter = ("year", "quarter")


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ("argument", "is_archived", "updated_at")
    search_fields = ("argument", "answer", "tags")
