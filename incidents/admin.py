"""Admins edit the catalogue: categories, time limits, routing rules, reply templates, units.
Cases and their events are read-only here: they change only through the workflow."""

from django.contrib import admin

from governance.admin import ReadOnlyAdmin
from grids.levels import AreaLevel
from grids.models import Area

from .models import (
    Case,
    CaseEvent,
    Category,
    ReplyTemplate,
    ResponseLimit,
    ReviewRules,
    RoutingRule,
    TimeLimit,
    Unit,
)


class TimeLimitInline(admin.TabularInline):
    model = TimeLimit
    extra = 0


class ResponseLimitInline(admin.StackedInline):
    """“115”: an urgent category's push / dispatch / arrival limits (else its parent's, else 1/1/5 min)."""

    model = ResponseLimit
    extra = 0
    max_num = 1


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "parent", "handling_level", "default_unit", "urgency", "is_active")
    list_filter = ("handling_level", "urgency", "is_active")
    search_fields = ("code", "name")
    inlines = [TimeLimitInline, ResponseLimitInline]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ("category", "area", "unit")
    autocomplete_fields = ("category", "unit")
    raw_id_fields = ("area",)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "area")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    raw_id_fields = ("area",)
    filter_horizontal = ("members",)


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ("action", "category", "text")
    list_filter = ("action",)


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("number", "status", "category", "township", "handling_unit", "created_at")
    list_filter = ("status", "source", "urgency")
    search_fields = ("number",)
    show_full_result_count = False


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ("case", "action_label", "from_state", "to_state", "actor", "created_at")
    show_full_result_count = False


@admin.register(ReviewRules)
class ReviewRulesAdmin(admin.ModelAdmin):
    """One row: the escalation multiple and the weekly weights (docs/rhythm.md)."""

    list_display = ("__str__", "county")

    def has_add_permission(self, request):
        # the common row once; in a prefecture, one more row per county that sets its own
        return not ReviewRules.objects.exists() or Area.objects.filter(level=AreaLevel.CITY).exists()

    def has_delete_permission(self, request, obj=None):
        return False
