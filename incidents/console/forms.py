"""Forms of the incidents console. They parse only; `catalogue_edits` checks and writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from governance.console import ConsoleForm
from grids.console.forms import ScopedAreaCodeField
from grids.scoping import VIEW

from ..constants import HandlingLevel, LimitUnit, Phase, UnitKind, Urgency
from ..models import Category, Unit


class CategoryForm(ConsoleForm):
    name = forms.CharField(label=_("名称"), max_length=50)
    handling_level = forms.ChoiceField(label=_("通常处置层级"), choices=HandlingLevel.choices)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices)
    default_unit = forms.ModelChoiceField(
        label=_("默认责任部门"), queryset=Unit.objects.filter(kind=UnitKind.DEPARTMENT), required=False
    )
    is_active = forms.BooleanField(label=_("启用"), required=False)


class TimeLimitForm(ConsoleForm):
    level = forms.ChoiceField(label=_("处置层级"), choices=HandlingLevel.choices)
    phase = forms.ChoiceField(label=_("阶段"), choices=Phase.choices)
    amount = forms.IntegerField(label=_("时限（红线）"), min_value=1)
    warn_amount = forms.IntegerField(label=_("预警（黄线）"), min_value=0)
    unit = forms.ChoiceField(label=_("单位"), choices=LimitUnit.choices)


class RoutingRuleForm(ConsoleForm):
    category = forms.ModelChoiceField(label=_("分类"), queryset=Category.objects.select_related("parent"))
    area = ScopedAreaCodeField(label=_("区域（区划代码，含下级）"), perm=VIEW)
    unit = forms.ModelChoiceField(label=_("处置单位"), queryset=Unit.objects.order_by("kind", "code"))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].user = actor


class RouteTestForm(ConsoleForm):
    category = forms.ModelChoiceField(label=_("分类"), queryset=Category.objects.select_related("parent"))
    grid = ScopedAreaCodeField(label=_("基础网格（区划代码）"), perm=VIEW)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].user = actor
