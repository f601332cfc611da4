import json

from axes.utils import reset as reset_lockouts
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django_celery_beat.admin import PeriodicTaskAdmin as CeleryBeatPeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask

from .models import AccessRecord, CalendarDay, ConfigChange, Delivery, DeliveryAttempt, Job, User


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that change only through their services (cases, events, claims, ratings …): the
    admin shows them and changes nothing."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = DjangoUserAdmin.fieldsets + ((_("平台信息"), {"fields": ("full_name", "phone")}),)
    list_display = ("username", "full_name", "phone", "is_active", "is_staff")
    search_fields = ("username", "full_name", "phone")
    actions = ["unlock_sign_in", "disable_and_sign_out"]

    @admin.action(description=_("解除登录锁定"), permissions=["change"])
    def unlock_sign_in(self, request, queryset):
        for username in queryset.values_list("username", flat=True):
            reset_lockouts(username=username)
        unlocked = _("已解除 %(count)d 个账号的登录锁定。") % {"count": queryset.count()}
        self.message_user(request, unlocked, messages.SUCCESS)

    @admin.action(description=_("停用账号（立即注销其全部会话和 API 令牌）"), permissions=["change"])
    def disable_and_sign_out(self, request, queryset):
        disabled = 0
        for user in queryset.filter(is_active=True):
            user.is_active = False
            user.save()  # governance.sessions ends the sessions and tokens
            disabled += 1
        self.message_user(request, _("已停用 %(count)d 个账号。") % {"count": disabled}, messages.SUCCESS)


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "status", "done", "total", "requested_by", "created_at", "finished_at")
    list_filter = ("kind", "status")
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "is_workday")
    list_filter = ("is_workday", "name")
    date_hierarchy = "date"
    search_fields = ("name",)


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ("at", "ok", "status_code", "answer")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("id", "notification", "channel", "address", "status", "attempts", "due_at", "sent_at")
    list_filter = ("channel", "status", "urgent")
    search_fields = ("address", "notification__title")
    list_select_related = ("notification",)
    inlines = [DeliveryAttemptInline]


@admin.register(AccessRecord)
class AccessRecordAdmin(ReadOnlyAdmin):
    """查阅留痕: who saw which full ID numbers, key-person records and unmasked exports."""

    list_display = ("at", "user", "kind", "via", "what", "rows", "reason")
    list_filter = ("kind", "via", "subject", ("at", admin.DateFieldListFilter))
    search_fields = ("user__username", "user__full_name", "object_id", "what", "reason")
    list_select_related = ("user",)
    date_hierarchy = "at"
    raw_id_fields = ("user",)


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


@admin.register(ConfigChange)
class ConfigChangeAdmin(ReadOnlyAdmin):
    """配置变更记录: each edit of the configuration with the fields before and after."""

    list_display = ("at", "user", "via", "action", "model", "object_repr", "changed_fields")
    list_filter = ("action", "via", "model", ("at", admin.DateFieldListFilter))
    search_fields = ("user__username", "user__full_name", "object_id", "object_repr")
    list_select_related = ("user",)
    date_hierarchy = "at"
    fields = ("at", "user", "via", "path", "action", "model", "object_id", "object_repr", "difference")
    readonly_fields = fields

    @admin.display(description=_("字段"))
    def changed_fields(self, obj):
        return "、".join(sorted(set(obj.before) | set(obj.after)))

    @admin.display(description=_("修改前 → 修改后"))
    def difference(self, obj):
        names = sorted(set(obj.before) | set(obj.after))
        rows = ((name, _json(obj.before.get(name, "")), _json(obj.after.get(name, ""))) for name in names)
        return format_html_join("\n", "<div><code>{}</code>: {} → {}</div>", rows)


admin.site.unregister(PeriodicTask)


@admin.register(PeriodicTask)
class PeriodicTaskAdmin(CeleryBeatPeriodicTaskAdmin):
    """The list's enable, disable and toggle actions save the tasks one by one, so each change
    leaves its configuration-change row (the package's own actions use QuerySet.update, which
    sends no signals: governance/config_changes.py)."""

    def _save_each(self, request, queryset, enabled):
        tasks = list(queryset)
        for task in tasks:
            task.enabled = enabled(task)
            if not task.enabled:
                task.last_run_at = None
            task.save()
        self.message_user(request, _("已更新 %(count)d 个周期任务。") % {"count": len(tasks)}, messages.SUCCESS)

    @admin.action(description=CeleryBeatPeriodicTaskAdmin.enable_tasks.short_description)
    def enable_tasks(self, request, queryset):
        self._save_each(request, queryset, lambda task: True)

    @admin.action(description=CeleryBeatPeriodicTaskAdmin.disable_tasks.short_description)
    def disable_tasks(self, request, queryset):
        self._save_each(request, queryset, lambda task: False)

    @admin.action(description=CeleryBeatPeriodicTaskAdmin.toggle_tasks.short_description)
    def toggle_tasks(self, request, queryset):
        self._save_each(request, queryset, lambda task: not task.enabled)
