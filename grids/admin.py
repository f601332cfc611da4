"""Admin pages of grid workers' points: the rules (one row), spot checks, leaders' reviews,
monthly ratings."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from governance.admin import ReadOnlyAdmin

from . import fieldwork
from .models import LeaderReview, MonthlyRating, PointsRules, SpotCheck


@admin.register(PointsRules)
class PointsRulesAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not PointsRules.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class SpotCheckForm(forms.ModelForm):
    checked_by = None  # set per request by SpotCheckAdmin.get_form

    def clean(self):
        data = super().clean()
        if data.get("worker"):
            try:
                fieldwork.check_spot_checker(worker=data["worker"], checked_by=self.checked_by)
            except ValidationError as exc:
                raise forms.ValidationError(exc.messages) from None
        return data


@admin.register(SpotCheck)
class SpotCheckAdmin(admin.ModelAdmin):
    """A spot check is recorded through the service (the checker is the signed-in admin)."""

    form = SpotCheckForm

    list_display = ("day", "worker", "passed", "checked_by", "grid")
    list_filter = ("passed",)
    fields = ("worker", "day", "passed", "note")
    raw_id_fields = ("worker",)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type("SpotCheckFormFor", (form,), {"checked_by": request.user})

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = fieldwork.record_spot_check(
            worker=obj.worker, checked_by=request.user, day=obj.day, passed=obj.passed, note=obj.note
        )
        obj.pk = saved.pk


class LeaderReviewForm(SpotCheckForm):
    """The same rule as a spot check: a leader above the worker's grid, never the worker."""


@admin.register(LeaderReview)
class LeaderReviewAdmin(admin.ModelAdmin):
    """领导评议, recorded through the service (the reviewer is the signed-in leader)."""

    form = LeaderReviewForm

    list_display = ("month", "worker", "score", "reviewer", "grid")
    list_filter = ("month",)
    fields = ("worker", "month", "score", "note")
    raw_id_fields = ("worker",)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type("LeaderReviewFormFor", (form,), {"checked_by": request.user})

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = fieldwork.record_leader_review(
            worker=obj.worker, reviewer=request.user, month=obj.month, score=obj.score, note=obj.note
        )
        obj.pk = saved.pk


@admin.register(MonthlyRating)
class MonthlyRatingAdmin(ReadOnlyAdmin):
    list_display = (
        "month",
        "worker",
        "points",
        "leader_score",
        "rating",
        "pay_percent",
        "dismissal_review",
        "township",
    )
    list_filter = ("rating", "dismissal_review", "month")
