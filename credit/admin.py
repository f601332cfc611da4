"""Admins keep the rule catalogue: a draft version (base score, items, bands) is edited here and
published with an action; a published version is read-only (a change is a new draft copied from
it). Enterprises and safe villages may be recorded here; ratings, facts and rounds are read-only:
they change only through their workflow."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from governance.admin import ReadOnlyAdmin

from . import rewards, rules
from .models import (
    Enterprise,
    EvaluationRound,
    Fact,
    GradeBand,
    IntegrityCheck,
    PensionEnrolment,
    Rating,
    RuleItem,
    RuleVersion,
    SafeVillage,
)


class FrozenWhenPublished:
    """Inlines and the version itself are editable only while the version is a draft."""

    def _published(self, obj):
        version = obj if isinstance(obj, RuleVersion) else getattr(obj, "rule_version", None)
        return bool(version and version.published_at)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._published(obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._published(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._published(obj)


class RuleItemInline(FrozenWhenPublished, admin.TabularInline):
    model = RuleItem
    extra = 0


class GradeBandInline(FrozenWhenPublished, admin.TabularInline):
    model = GradeBand
    extra = 0


@admin.register(RuleVersion)
class RuleVersionAdmin(FrozenWhenPublished, admin.ModelAdmin):
    list_display = ("number", "base_score", "veto_effect", "note", "published_at")
    readonly_fields = ("number", "published_at", "published_by")
    inlines = [RuleItemInline, GradeBandInline]
    actions = ["publish", "copy_to_draft"]

    def has_add_permission(self, request):
        return False  # a new version starts as a copy ("复制为新草稿")

    @admin.action(description=_("发布所选草稿版本"))
    def publish(self, request, queryset):
        for version in queryset:
            try:
                rules.publish_version(version=version, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, f"v{version.number}：{'；'.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, _("已发布 v%(n)s。") % {"n": version.number})

    @admin.action(description=_("复制最新版本为新草稿"))
    def copy_to_draft(self, request, queryset):
        draft = rules.new_draft(actor=request.user)
        self.message_user(request, _("已创建草稿 v%(n)s，可修改后发布。") % {"n": draft.number})


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin):
    list_display = ("name", "credit_code", "village", "legal_representative")
    search_fields = ("name", "credit_code")


@admin.register(EvaluationRound)
class EvaluationRoundAdmin(ReadOnlyAdmin):
    list_display = ("village", "period", "status", "rule_version", "notice_ends_at", "effective_on")
    list_filter = ("status",)


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ("subject", "round", "rule_version", "score", "grade", "vetoed", "valid_until")
    list_filter = ("grade", "vetoed")


@admin.register(Fact)
class FactAdmin(ReadOnlyAdmin):
    list_display = ("subject", "item_name", "kind", "occurred_on", "status", "source_case")
    list_filter = ("status", "kind", "origin")


@admin.register(IntegrityCheck)
class IntegrityCheckAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "checked_by", "reason", "query_masked", "result")
    list_filter = ("result",)


@admin.register(SafeVillage)
class SafeVillageAdmin(admin.ModelAdmin):
    list_display = ("village", "year", "source", "designated_at", "withdrawn_at", "withdrawal_reason")
    list_filter = ("year",)
    raw_id_fields = ("village",)
    fields = ("village", "year", "source")

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        record = rewards.designate_safe_village(obj.village, obj.year, obj.source, actor=request.user)
        obj.pk = record.pk


class PensionEnrolmentForm(forms.ModelForm):
    recorded_by = None  # set per request by PensionEnrolmentAdmin.get_form

    def clean(self):
        data = super().clean()
        if data.get("resident") and data.get("enrolled_on"):
            try:
                rewards.check_pension_enrolment(
                    actor=self.recorded_by, resident=data["resident"], enrolled_on=data["enrolled_on"]
                )
            except (ValidationError, PermissionDenied) as exc:
                raise forms.ValidationError(getattr(exc, "messages", None) or [str(exc)]) from None
        return data


@admin.register(PensionEnrolment)
class PensionEnrolmentAdmin(admin.ModelAdmin):
    """新农保参保登记, through the service (the recorder is the signed-in user, in scope)."""

    form = PensionEnrolmentForm
    list_display = ("resident", "enrolled_on", "recorded_by", "village")
    raw_id_fields = ("resident",)
    fields = ("resident", "enrolled_on")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type("PensionEnrolmentFormFor", (form,), {"recorded_by": request.user})

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        record = rewards.record_pension_enrolment(
            actor=request.user, resident=obj.resident, enrolled_on=obj.enrolled_on
        )
        obj.pk = record.pk

