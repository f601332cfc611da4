"""Admin: the contact rhythm per colour is edited here; plans, visits and logs are read-only
(they change only through the services, and the logs never)."""

from django.contrib import admin

from .models import ColourRhythm, ShopItem, VolunteerRules


@admin.register(ColourRhythm)
class ColourRhythmAdmin(admin.ModelAdmin):
    list_display = ["colour", "mode", "every_days"]
    list_editable = ["mode", "every_days"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(VolunteerRules)
class VolunteerRulesAdmin(admin.ModelAdmin):
    list_display = ["__str__", "points_per_hour", "credit_hours_per_year"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ShopItem)
class ShopItemAdmin(admin.ModelAdmin):
    list_display = ["name", "village", "points", "stock", "is_active"]
    list_filter = ["is_active"]
    raw_id_fields = ["village"]
