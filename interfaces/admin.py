from django.contrib import admin, messages
from django.utils.translation import gettext as _

from governance.admin import ReadOnlyAdmin

from . import services
from .models import ApiKey, PublicService, ServiceAttribute, Submission, Subscription, WebhookAttempt, WebhookDelivery


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


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    """Made and switched on the console's webhook page (interfaces/console), only shown here."""

    list_display = ("name", "target_url", "key", "is_active", "created_at")
    list_select_related = ("key",)
    list_filter = ("is_active",)
    exclude = ("secret_encrypted",)


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ("number", "started_at", "duration_ms", "ok", "status_code", "answer", "error", "replayed_by")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    """Every delivery with its attempts; filter by subscription, status and event; replay."""

    list_display = ("uid", "subscription", "kind", "case", "status", "attempts", "created_at")
    list_select_related = ("subscription", "case")
    list_filter = ("subscription", "status", "kind")
    search_fields = ("uid", "case__number")
    inlines = [WebhookAttemptInline]
    actions = ["replay"]

    @admin.action(description=_("重新推送所选（各一次，记入推送日志）"))
    def replay(self, request, queryset):
        for delivery in queryset:
            services.replay_delivery(delivery=delivery, actor=request.user)
        self.message_user(request, _("已安排重新推送 %(n)d 条。") % {"n": queryset.count()}, messages.SUCCESS)
