"""Django admin for superusers: reference data (regions, components, benefit table)."""

from django.contrib import admin

from households.models import BenefitCap, BenefitRate, Component
from regions.models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level")
    list_filter = ("level",)
    search_fields = ("code", "name")


class BenefitRateInline(admin.TabularInline):
    model = BenefitRate
    extra = 0


@admin.register(Component)
class ComponentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "category", "order")
    inlines = [BenefitRateInline]


@admin.register(BenefitCap)
class BenefitCapAdmin(admin.ModelAdmin):
    list_display = ("year", "max_components")
