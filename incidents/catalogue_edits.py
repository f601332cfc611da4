"""Admins' edits of the catalogue (the console): categories, time limits and routing rules.
Each is one transaction; bad input raises ValidationError({field: [Chinese message]})."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from grids.levels import AreaLevel
from grids.models import Area

from .constants import HandlingLevel, LimitUnit, Phase, UnitKind, Urgency
from .models import Category, RoutingRule, TimeLimit, Unit

ROUTABLE_LEVELS = (AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE, AreaLevel.GRID)


@transaction.atomic
def update_category(
    *, category: Category, name: str, handling_level: str, urgency: str, default_unit: Unit | None, is_active: bool
) -> Category:
    category = Category.objects.select_for_update().get(pk=category.pk)
    errors: dict[str, list] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("名称不能为空。")]
    if handling_level not in HandlingLevel.values:
        errors["handling_level"] = [_("未知的处置层级。")]
    if urgency not in Urgency.values:
        errors["urgency"] = [_("未知的紧急程度。")]
    if default_unit is not None and default_unit.kind != UnitKind.DEPARTMENT:
        errors["default_unit"] = [_("默认责任部门只能是县直部门。")]
    if handling_level == HandlingLevel.DEPARTMENT and default_unit is None:
        parent_unit = category.parent.default_unit_id if category.parent_id else None
        if parent_unit is None:
            errors["default_unit"] = [_("县直部门处置的分类须指定默认责任部门。")]
    if errors:
        raise ValidationError(errors)
    category.name, category.handling_level, category.urgency = name, handling_level, urgency
    category.default_unit, category.is_active = default_unit, is_active
    category.save(update_fields=["name", "handling_level", "urgency", "default_unit", "is_active"])
    return category


@transaction.atomic
def set_time_limit(
    *, category: Category, level: str, phase: str, amount: int, warn_amount: int, unit: str
) -> TimeLimit:
    """Create or change the limit of one category × level × phase."""
    errors: dict[str, list] = {}
    if level not in HandlingLevel.values:
        errors["level"] = [_("未知的处置层级。")]
    if phase not in Phase.values:
        errors["phase"] = [_("未知的阶段。")]
    if unit not in LimitUnit.values:
        errors["unit"] = [_("未知的时间单位。")]
    if amount is None or amount < 1:
        errors["amount"] = [_("时限至少为 1。")]
    if warn_amount is None or warn_amount < 0:
        errors["warn_amount"] = [_("预警时间不能为负。")]
    elif amount is not None and warn_amount > amount:
        errors["warn_amount"] = [_("预警（黄线）不能晚于时限（红线）。")]
    if errors:
        raise ValidationError(errors)
    values = {"amount": amount, "warn_amount": warn_amount, "unit": unit}
    limit, _created = TimeLimit.objects.update_or_create(
        category=category, level=level, phase=phase, county=None, defaults=values
    )
    return limit


@transaction.atomic
def add_routing_rule(*, category: Category, area: Area, unit: Unit) -> RoutingRule:
    errors: dict[str, list] = {}
    if area.level not in ROUTABLE_LEVELS:
        errors["area"] = [_("分拨规则只能设在县、乡镇、村或基础网格上。")]
    elif RoutingRule.objects.filter(category=category, area=area).exists():
        errors["area"] = [_("该分类在该区域已有分拨规则，请先删除原规则。")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return RoutingRule.objects.create(category=category, area=area, unit=unit)
    except IntegrityError:  # added by a concurrent request since the check above
        raise ValidationError({"area": [_("该分类在该区域已有分拨规则，请先删除原规则。")]}) from None


@transaction.atomic
def delete_routing_rule(*, rule: RoutingRule) -> None:
    RoutingRule.objects.filter(pk=rule.pk).delete()
