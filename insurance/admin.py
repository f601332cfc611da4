"""Admins keep insurers (and their claims staff), perils and premium schedules. Policies are
issued and renewed through the services (the tier and premium are computed), claims change only
through the workflow: both are read-only here."""

from django.contrib import admin

from governance.admin import ReadOnlyAdmin

from .models import Claim, ClaimEvent, Insurer, Peril, Policy, PremiumSchedule


@admin.register(Insurer)
class InsurerAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "county")
    raw_id_fields = ("county",)
    filter_horizontal = ("staff",)


@admin.register(Peril)
class PerilAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(PremiumSchedule)
class PremiumScheduleAdmin(admin.ModelAdmin):
    list_display = ("insurer", "year", "small_premium", "middle_premium", "large_premium")
    list_filter = ("insurer", "year")


@admin.register(Policy)
class PolicyAdmin(ReadOnlyAdmin):
    list_display = ("number", "township", "year", "population", "tier", "premium", "insurer")
    list_filter = ("year", "tier", "insurer")
    search_fields = ("number",)


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = ("number", "status", "township", "peril", "loss_date", "loss_amount", "paid_amount")
    list_filter = ("status",)
    search_fields = ("number", "police_report_number")
    show_full_result_count = False


@admin.register(ClaimEvent)
class ClaimEventAdmin(ReadOnlyAdmin):
    list_display = ("claim", "action_label", "from_state", "to_state", "actor", "created_at")
    show_full_result_count = False
