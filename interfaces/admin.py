from django.contrib import admin

from governance.admin import ReadOnlyAdmin

from .models import ApiKey, PublicService, ServiceAttribute, Submission


class ServiceAttributeInline(admin.TabularInline):
    model = ServiceAttribute
    extra = 0


@admin.register(PublicService)
class PublicServiceAdmin(admin.ModelAdmin):
    """Which categories other systems may report (Open311 services) and their questions."""

    list_display = ("category", "group", "keywords", "is_active")
    list_select_related = ("category",)
    inlines = [ServiceAttributeInline]


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyAdmin):
    """Made and revoked on the console's key page (interfaces/console), only shown here."""

    list_display = ("name", "prefix", "source", "rate_per_minute", "created_at", "revoked_at")
    exclude = ("digest",)


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ("token", "channel", "key", "external_number", "state", "case", "created_at")
    list_select_related = ("key", "case")
    list_filter = ("channel", "state")
