"""Query-string filters of the grids API (django-filter). Every filter narrows a queryset that
the view already scoped to the caller; an area named in a filter (`under`, `parent`) is looked
up inside the caller's scope too, so a filter can never widen what a user sees."""

import django_filters as df
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from governance.roles import Role

from .. import selectors
from ..levels import AreaLevel
from ..models import (
    Area,
    Assignment,
    Household,
    HouseholdColour,
    KeyPersonTag,
    MonthlyRating,
    RegisterStatus,
    Resident,
)
from ..scoping import VIEW_KEY_PERSONS


class IdFilter(df.NumberFilter):
    """An id in the query string: a whole number (so `?area=1.5` is a 400, not `area=1`)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        super().__init__(*args, **kwargs)


def documented(openapi_type, filter_):
    """Give a filter its OpenAPI type without losing its label as the parameter's description."""
    schema = build_basic_type(openapi_type)
    if isinstance(filter_, IdFilter):
        schema["minimum"] = 1
    return extend_schema_field({**schema, "description": filter_.label})(filter_)


def id_filter(label, **kwargs):
    return documented(OpenApiTypes.INT, IdFilter(label=label, **kwargs))


def _visible_area(request, pk: int):
    """The (path, depth, level) of an area the caller may see, or None (missing or out of scope)."""
    return selectors.areas_for(request.user).filter(pk=pk).values_list("path", "depth", "level").first()


UNDER_HELP = _("区域 ID：只返回该区域及其下级（整个子树）中的记录。")


class AreaFilter(df.FilterSet):
    level = df.ChoiceFilter(choices=AreaLevel.choices, label=_("层级"))
    parent = id_filter(_("上级区域 ID：只返回它的直接下级"), method="filter_parent")
    code = df.CharFilter(field_name="code", label=_("区划代码"))
    name = df.CharFilter(field_name="name", lookup_expr="icontains", label=_("名称（包含）"))
    under = id_filter(UNDER_HELP, method="filter_under")
    has_boundary = df.BooleanFilter(method="filter_has_boundary", label=_("是否有边界"))

    class Meta:
        model = Area
        fields = ["level", "parent", "code", "name", "under", "has_boundary"]

    def filter_parent(self, queryset, name, value):
        parent = _visible_area(self.request, value)
        if parent is None:
            return queryset.none()
        path, depth, _level = parent
        return queryset.filter(path__startswith=path, depth=depth + 1)

    def filter_under(self, queryset, name, value):
        area = _visible_area(self.request, value)
        return queryset.none() if area is None else queryset.filter(path__startswith=area[0])

    def filter_has_boundary(self, queryset, name, value):
        return queryset.filter(boundary__isnull=not value)


class VacantGridFilter(df.FilterSet):
    under = id_filter(UNDER_HELP, method="filter_under")

    class Meta:
        model = Area
        fields = ["under"]

    filter_under = AreaFilter.filter_under


class PersonFilter(df.FilterSet):
    """People are matched through their assignments inside the caller's scope: `?role=grid_worker
    &active=true&under=12` means “holds an active grid-worker assignment somewhere under area 12”."""

    role = df.ChoiceFilter(choices=Role.choices, method="filter_noop", label=_("角色"))
    under = id_filter(UNDER_HELP, method="filter_noop")
    active = df.BooleanFilter(method="filter_noop", label=_("是否有在任的任职"))

    class Meta:
        model = get_user_model()
        fields = ["role", "under", "active"]

    def filter_noop(self, queryset, name, value):
        return queryset  # applied together in filter_queryset, on one assignment subquery

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        role, under, active = data.get("role"), data.get("under"), data.get("active")
        if not role and under is None and active is None:
            return queryset
        held = selectors.assignments_for(self.request.user).filter(user=OuterRef("pk"))
        if role:
            held = held.filter(role=role)
        if active is not None:
            held = held.filter(end_date__isnull=active)
        if under is not None:
            area = _visible_area(self.request, under)
            if area is None:
                return queryset.none()
            held = held.filter(area__path__startswith=area[0])
        return queryset.filter(Exists(held))


class AssignmentFilter(df.FilterSet):
    area = id_filter(_("区域 ID"), field_name="area_id")
    under = id_filter(UNDER_HELP, method="filter_under")
    role = df.ChoiceFilter(choices=Role.choices, label=_("角色"))
    user = id_filter(_("人员 ID"), field_name="user_id")
    active = df.BooleanFilter(field_name="end_date", lookup_expr="isnull", label=_("是否在任"))
    active_on = df.DateFilter(method="filter_active_on", label=_("在该日期（YYYY-MM-DD）在任"))

    class Meta:
        model = Assignment
        fields = ["area", "under", "role", "user", "active", "active_on"]

    def filter_under(self, queryset, name, value):
        area = _visible_area(self.request, value)
        return queryset.none() if area is None else queryset.filter(area__path__startswith=area[0])

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(selectors.active_on(value))


class HouseholdFilter(df.FilterSet):
    township = id_filter(_("乡镇 ID"), field_name="township_id")
    village = id_filter(_("村/社区 ID"), field_name="village_id")
    grid = id_filter(_("基础网格 ID"), field_name="grid_id")
    under = id_filter(UNDER_HELP, method="filter_under")
    colour = df.ChoiceFilter(choices=HouseholdColour.choices, label=_("三色管理"))
    register_status = df.ChoiceFilter(choices=RegisterStatus.choices, label=_("户籍/居住"))
    tag = documented(
        OpenApiTypes.STR,
        df.ModelChoiceFilter(
            queryset=KeyPersonTag.objects.all(),
            to_field_name="code",
            method="filter_tag",
            label=_("重点人员标签代码：有该标签成员的户（只在可查看重点人员的辖区内）"),
        ),
    )
    head_name = df.CharFilter(field_name="head_name", lookup_expr="icontains", label=_("户主姓名（包含）"))

    class Meta:
        model = Household
        fields = [
            "township",
            "village",
            "grid",
            "under",
            "colour",
            "register_status",
            "tag",
            "head_name",
        ]

    def filter_under(self, queryset, name, value):
        area = _visible_area(self.request, value)
        if area is None:
            return queryset.none()
        _path, _depth, level = area
        return queryset.filter(**{Household.area_fields[level]: value})

    def filter_tag(self, queryset, name, value):
        # Only where the caller may see the tags: elsewhere the filter would reveal them.
        tagged = queryset.restrict(self.request.user, VIEW_KEY_PERSONS)
        return tagged.filter(Exists(Resident.objects.filter(household=OuterRef("pk"), tags=value)))


class MonthlyRatingFilter(df.FilterSet):
    class Meta:
        model = MonthlyRating
        fields = ["month", "township", "rating", "dismissal_review"]
