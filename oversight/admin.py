"""Configuration of the assessment and the stability index, edited by admins. Ratings, evidence
and indices have their own pages (they change only through services)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from incidents.constants import Source
from incidents.selectors import categories

from .models import ColourBand, Indicator, RatingRule, StabilityIndicator


class CaseMeasureForm(forms.ModelForm):
    """Refuses category codes the catalogue does not have and unknown sources: a typo would
    otherwise count nothing, silently."""

    def clean_category_codes(self):
        codes = self.cleaned_data["category_codes"] or []
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise forms.ValidationError(_('请填写分类代码列表，如 ["MD", "XA01"]。'))
        unknown = sorted(set(codes) - set(categories().filter(code__in=codes).values_list("code", flat=True)))
        if unknown:
            raise forms.ValidationError(_("事件分类中没有这些代码：%(c)s") % {"c": "、".join(unknown)})
        return codes

    def clean_sources(self):
        sources = self.cleaned_data["sources"] or []
        if not isinstance(sources, list) or not set(sources) <= set(Source.values):
            raise forms.ValidationError(_("事件来源只能是：%(s)s") % {"s": "、".join(Source.values)})
        return sources


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    form = CaseMeasureForm
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
    search_fields = ["code", "name"]
    ordering = ["level", "order", "code"]


@admin.register(RatingRule)
class RatingRuleAdmin(admin.ModelAdmin):
    list_display = ["level", "title", "pass_score"]


@admin.register(StabilityIndicator)
class StabilityIndicatorAdmin(admin.ModelAdmin):
    form = CaseMeasureForm
    list_display = ["code", "name", "group", "metric", "weight", "baseline", "ceiling", "is_active"]
    list_filter = ["group", "is_active"]


@admin.register(ColourBand)
class ColourBandAdmin(admin.ModelAdmin):
    list_display = ["colour", "min_index"]
