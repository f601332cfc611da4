"""Configuration of the assessment and the stability index, edited by admins. Ratings, evidence
and indices have their own pages (they change only through services)."""

from django.contrib import admin

from .models import ColourBand, Indicator, RatingRule, StabilityIndicator


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "level",
        "group",
        "metric",
        "comparison",
        "threshold",
        "points",
        "is_veto",
        "is_active",
    ]
    list_filter = ["level", "metric", "is_veto", "is_active"]
    list_editable = ["threshold", "points", "is_veto", "is_active"]
    search_fields = ["code", "name"]
    ordering = ["level", "order", "code"]


@admin.register(RatingRule)
class RatingRuleAdmin(admin.ModelAdmin):
    list_display = ["level", "title", "pass_score"]


@admin.register(StabilityIndicator)
class StabilityIndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "group", "metric", "weight", "baseline", "ceiling", "is_active"]
    list_filter = ["group", "is_active"]
    list_editable = ["weight", "baseline", "ceiling", "is_active"]


@admin.register(ColourBand)
class ColourBandAdmin(admin.ModelAdmin):
    list_display = ["colour", "min_index"]
