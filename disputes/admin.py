"""The admin of the disputes app: mediation bodies and mediators, subsidy rates (add-only: a
change of rate is a new row with the day it applies from) and backlog clearing targets.
Mediations, petitions and statements change only through their workflows (read-only here)."""

from django.contrib import admin

from governance.admin import ReadOnlyAdmin

from .models import BacklogTarget, Mediation, MediationBody, Mediator, Petition, SubsidyRate, SubsidyStatement


class MediatorInline(admin.TabularInline):
    model = Mediator
    extra = 1
    raw_id_fields = ["user"]


@admin.register(MediationBody)
class MediationBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "level", "township", "village", "is_active"]
    list_filter = ["kind", "level", "is_active"]
    search_fields = ["name"]
    raw_id_fields = ["county", "township", "village"]
    inlines = [MediatorInline]


@admin.register(SubsidyRate)
class SubsidyRateAdmin(admin.ModelAdmin):
    list_display = ["difficulty", "amount", "valid_from", "created_at"]
    list_filter = ["difficulty"]

    def has_change_permission(self, request, obj=None):
        return obj is None  # add a new rate from a date instead of rewriting an old one

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BacklogTarget)
class BacklogTargetAdmin(admin.ModelAdmin):
    list_display = ["area", "year", "target"]
    raw_id_fields = ["area"]


@admin.register(Mediation)
class MediationAdmin(ReadOnlyAdmin):
    list_display = ["number", "body", "status", "created_at", "concluded_at"]
    list_filter = ["status", "level"]
    search_fields = ["number"]


@admin.register(Petition)
class PetitionAdmin(ReadOnlyAdmin):
    list_display = ["case", "channel", "status", "owner", "reply_due_on", "backlog_since"]
    list_filter = ["status", "channel"]


@admin.register(SubsidyStatement)
class SubsidyStatementAdmin(ReadOnlyAdmin):
    list_display = ["body", "month", "status", "cases", "total"]
    list_filter = ["status"]
