"""REST endpoints for areas, people, assignments and households (/api/v1/).

Thin by rule: a serializer parses, a service writes, a selector reads — every queryset here
starts from a selector scoped to the caller. An object outside the caller's scope is a 404
(detail and every action); one the caller sees but may not change is a 403 on the write.
Services' ValidationErrors become 400s in `governance.exceptions`.
"""

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Left
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import UserRateThrottle

from governance import access_records, accounts

from .. import household_services, selectors, services, spatial
from ..models import Area
from ..scoping import CHANGE, MANAGE_ASSIGNMENTS, VIEW_IDENTITY, granted_areas, in_scope
from . import filters
from . import serializers as s

TRUE_VALUES = {"1", "true", "yes", "on"}


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _holds_anywhere(user, perm: str) -> bool:
    """Whether the user holds `perm` on any area at all (None means everywhere)."""
    return granted_areas(user, perm) != []


def _renamed(exc: DjangoValidationError, names: dict[str, str]) -> DjangoValidationError:
    """A service's field errors under this endpoint's field names."""
    if not hasattr(exc, "error_dict"):
        return exc
    renamed: dict[str, list[str]] = {}
    for field, messages in exc.message_dict.items():
        renamed.setdefault(names.get(field, field), []).extend(messages)
    return DjangoValidationError(renamed)


def _nested_items(exc: DjangoValidationError, field: str):
    """The household services report a bad resident as `residents[2]`; answer in DRF's nested
    shape, the same one a serializer uses for a bad item: {"residents": {"2": {...}}}."""
    if not hasattr(exc, "error_dict"):
        return exc
    item = re.compile(rf"^{re.escape(field)}\[(\d+)\]$")
    detail: dict = {}
    for key, messages in exc.message_dict.items():
        match = item.match(key)
        if match:
            detail.setdefault(field, {})[match.group(1)] = {api_settings.NON_FIELD_ERRORS_KEY: messages}
        else:
            detail[key] = messages
    return ValidationError(detail)


class ScopedViewSet(viewsets.GenericViewSet):
    """Object lookup inside the scoped queryset only, without the list filters: a detail action
    (`/areas/5/children/?level=grid`) must not filter its own object away."""

    def get_object(self):
        obj = get_object_or_404(self.get_queryset(), pk=self.kwargs[self.lookup_field])
        self.check_object_permissions(self.request, obj)
        return obj

    def paginated(self, queryset, serializer_class):
        page = self.paginate_queryset(queryset)
        data = serializer_class(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)


# ---------------------------------------------------------------------------- areas


def _parent_pk():
    """The parent's id as a correlated subquery on the unique path (one query for any page)."""
    parent_path = Left(OuterRef("path"), (OuterRef("depth") - 1) * Area.steplen)
    return Subquery(Area.objects.filter(path=parent_path).order_by().values("pk")[:1])


WITH_BOUNDARY = OpenApiParameter(
    "with_boundary", OpenApiTypes.BOOL, description="为 1/true 时在列表中附带边界 GeoJSON（详情总是附带）"
)


@extend_schema_view(
    list=extend_schema(summary="区域列表", parameters=[WITH_BOUNDARY]),
    retrieve=extend_schema(summary="区域详情（含边界）"),
    create=extend_schema(
        summary="新建区域（平台管理员）",
        request=s.AreaCreateSerializer,
        responses={201: s.AreaDetailSerializer},
    ),
    partial_update=extend_schema(
        summary="修改区域名称、边界、中心点或人口户数（平台管理员）",
        request=s.AreaUpdateSerializer,
        responses=s.AreaDetailSerializer,
    ),
)
class AreaViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """区域树（县 → 乡镇 → 村/社区 → 基础网格 → 微网格），只含调用者辖区内的节点。"""

    @property
    def filterset_class(self):
        return filters.VacantGridFilter if self.action == "vacant" else filters.AreaFilter

    def with_boundary(self) -> bool:
        return self.action == "retrieve" or self.request.query_params.get("with_boundary", "").lower() in TRUE_VALUES

    def scoped(self, queryset):
        queryset = queryset.annotate(parent_pk=_parent_pk())
        return queryset if self.with_boundary() else queryset.defer("boundary")

    def get_queryset(self):
        return self.scoped(selectors.areas_for(self.request.user))

    def get_serializer_class(self):
        if self.action == "create":
            return s.AreaCreateSerializer
        if self.action == "partial_update":
            return s.AreaUpdateSerializer
        return s.AreaDetailSerializer if self.with_boundary() else s.AreaSerializer

    def create(self, request):
        _require(request.user.is_platform_admin, _("只有平台管理员可以新建区域。"))
        serializer = s.AreaCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        parent = data.pop("parent", None)
        area = services.create_area(parent=parent, **data)
        area.parent_pk = parent.pk if parent else None
        return Response(s.AreaDetailSerializer(area).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        area = self.get_object()
        _require(request.user.is_platform_admin, _("只有平台管理员可以修改区域。"))
        serializer = s.AreaUpdateSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        updated = services.update_area(area=area, **serializer.validated_data)
        updated.parent_pk = area.parent_pk
        return Response(s.AreaDetailSerializer(updated).data)

    @extend_schema(summary="直接下级区域", parameters=[WITH_BOUNDARY], responses=s.AreaSerializer(many=True))
    @action(detail=True, methods=["get"])
    def children(self, request, pk=None):
        area = self.get_object()
        children = self.get_queryset().filter(path__startswith=area.path, depth=area.depth + 1)
        return self.paginated(self.filter_queryset(children), self.get_serializer_class())

    @extend_schema(summary="无在任网格员的基础网格", parameters=[WITH_BOUNDARY], responses=s.AreaSerializer(many=True))
    @action(detail=False, methods=["get"])
    def vacant(self, request):
        grids = self.scoped(selectors.vacant_grids(request.user))
        return self.paginated(self.filter_queryset(grids), self.get_serializer_class())

    @extend_schema(
        summary="按坐标查找所在基础网格",
        parameters=[s.ResolveQuerySerializer, WITH_BOUNDARY],
        responses={200: s.AreaSerializer, 404: OpenApiResponse(description="该点不在辖区内任何基础网格中")},
    )
    @action(detail=False, methods=["get"])
    def resolve(self, request):
        query = s.ResolveQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        grid_id = spatial.grid_at(**query.validated_data)
        grid = self.get_queryset().filter(pk=grid_id).first() if grid_id is not None else None
        if grid is None:  # the same answer for “in no grid” and “in a grid outside your scope”
            raise NotFound(_("该坐标不在您辖区内的任何基础网格中。"))
        return Response(self.get_serializer_class()(grid).data)

    @extend_schema(
        summary="某日负责该区域的人员",
        parameters=[s.ResponsibleQuerySerializer],
        responses=s.ResponsibleSerializer,
    )
    @action(detail=True, methods=["get"])
    def responsible(self, request, pk=None):
        area = self.get_object()
        query = s.ResponsibleQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        day = query.validated_data.get("date") or timezone.localdate()
        role = query.validated_data["role"]
        assignment = selectors.responsible_on(area, day, role)
        if assignment is not None:
            assignment.area = area
        payload = {"area": area.pk, "date": day, "role": role, "assignment": assignment}
        return Response(s.ResponsibleSerializer(payload).data)


# ---------------------------------------------------------------------------- people


@extend_schema_view(
    list=extend_schema(summary="人员列表（在辖区内任职或曾任职的人）"),
    retrieve=extend_schema(summary="人员详情"),
    create=extend_schema(
        summary="新建账号（平台管理员）", request=s.PersonCreateSerializer, responses={201: s.PersonSerializer}
    ),
)
class PersonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """人员：在调用者辖区内任职或曾任职的账号；无权查看身份信息时手机号脱敏。"""

    filterset_class = filters.PersonFilter

    def get_queryset(self):
        return selectors.people_for(self.request.user)

    def get_serializer_class(self):
        return s.PersonCreateSerializer if self.action == "create" else s.PersonSerializer

    def create(self, request):
        _require(request.user.is_platform_admin, _("只有平台管理员可以新建账号。"))
        serializer = s.PersonCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        person = accounts.create_user(**serializer.validated_data)
        data = s.PersonSerializer(person, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------------------- assignments


@extend_schema_view(
    list=extend_schema(summary="人员任职列表"),
    retrieve=extend_schema(summary="人员任职详情"),
    create=extend_schema(
        summary="任命（需在该区域有管理人员分配的权限）",
        request=s.AssignmentCreateSerializer,
        responses={201: s.AssignmentSerializer},
    ),
)
class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """人员任职：谁在何时以何角色负责哪个区域（含历史）。"""

    filterset_class = filters.AssignmentFilter
    serializer_class = s.AssignmentSerializer

    def get_queryset(self):
        return selectors.assignments_for(self.request.user).defer("area__boundary")

    def get_serializer_class(self):
        return s.AssignmentCreateSerializer if self.action == "create" else s.AssignmentSerializer

    def _manageable(self, area):
        _require(in_scope(self.request.user, MANAGE_ASSIGNMENTS, area), _("您无权管理该区域的人员任职。"))

    def create(self, request):
        _require(_holds_anywhere(request.user, MANAGE_ASSIGNMENTS), _("您无权管理人员任职。"))
        serializer = s.AssignmentCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        self._manageable(data["area"])
        assignment = services.assign(
            user=data["user"],
            area=data["area"],
            role=data["role"],
            start_date=data.get("start_date"),
            actor=request.user,
        )
        return Response(s.AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="结束任职", request=s.AssignmentEndSerializer, responses=s.AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        assignment = self.get_object()
        self._manageable(assignment.area)
        serializer = s.AssignmentEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ended = services.end_assignment(
            assignment=assignment,
            end_date=serializer.validated_data.get("end_date"),
            reason=serializer.validated_data["reason"],
            actor=request.user,
        )
        return Response(s.AssignmentSerializer(ended).data)

    @extend_schema(
        summary="调整到另一区域（结束原任职并新建任职）",
        request=s.AssignmentTransferSerializer,
        responses={201: s.AssignmentSerializer},
    )
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        assignment = self.get_object()
        self._manageable(assignment.area)
        serializer = s.AssignmentTransferSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        self._manageable(data["to_area"])
        try:
            new = services.transfer(
                assignment=assignment,
                to_area=data["to_area"],
                on=data.get("on"),
                reason=data["reason"],
                actor=request.user,
            )
        except DjangoValidationError as exc:  # the services speak of area/start_date/end_date
            raise _renamed(exc, {"area": "to_area", "start_date": "on", "end_date": "on"}) from None
        return Response(s.AssignmentSerializer(new).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------------------- households

ID_NUMBER_400 = OpenApiResponse(description="参数错误，如身份证号格式不正确")
# At most this many households answer one ID number (a number belongs to one person).
SEARCH_LIMIT = 100


class IdNumberLookupThrottle(UserRateThrottle):
    """A lookup answers whether a number is registered in the caller's areas: bounded per user."""

    scope = "id_number_lookup"


@extend_schema_view(
    list=extend_schema(summary="户列表", responses={200: s.HouseholdSerializer(many=True), 400: ID_NUMBER_400}),
    search=extend_schema(
        summary="按成员身份证号查找户",
        description="身份证号放在请求体中，不进入网址和访问日志；精确匹配，只在调用者的辖区内查找。",
        request=s.HouseholdSearchSerializer,
        responses={200: s.HouseholdSearchResultSerializer, 400: ID_NUMBER_400},
    ),
    retrieve=extend_schema(summary="户详情（含成员）"),
    create=extend_schema(
        summary="登记新户及成员",
        request=s.HouseholdCreateSerializer,
        responses={201: s.HouseholdWriteResultSerializer},
    ),
    partial_update=extend_schema(
        summary="修改户信息（不含成员与户编号）",
        request=s.HouseholdUpdateSerializer,
        responses=s.HouseholdDetailSerializer,
    ),
)
class HouseholdViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """户与成员；无权查看身份信息时身份证号和电话脱敏显示。"""

    filterset_class = filters.HouseholdFilter

    def get_queryset(self):
        queryset = selectors.households_for(self.request.user).defer(
            "township__boundary", "village__boundary", "grid__boundary"
        )
        if self.action != "list":
            queryset = queryset.prefetch_related("residents__tags")
        return queryset

    def get_serializer_class(self):
        return {
            "list": s.HouseholdSerializer,
            "create": s.HouseholdCreateSerializer,
            "partial_update": s.HouseholdUpdateSerializer,
            "residents": s.ResidentsReplaceSerializer,
            "search": s.HouseholdSearchSerializer,
        }.get(self.action, s.HouseholdDetailSerializer)

    def _changeable(self, obj):
        _require(in_scope(self.request.user, CHANGE, obj), _("您无权维护该区域的户信息。"))

    def list(self, request, *args, **kwargs):
        if "id_number" in request.query_params:  # it would sit in every access log: refuse, point to POST
            message = _("身份证号不能放在网址中，请用 POST /api/v1/households/search/ 查找。")
            raise ValidationError({"id_number": [message]})
        return super().list(request, *args, **kwargs)

    @action(detail=False, methods=["post"], throttle_classes=[IdNumberLookupThrottle])
    def search(self, request):
        serializer = s.HouseholdSearchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        residents = selectors.residents_by_id_number(request.user, serializer.validated_data["id_number"])
        households = self.get_queryset().filter(pk__in=residents.values("household_id")).order_by("id")
        rows = s.HouseholdSerializer(households[:SEARCH_LIMIT], many=True, context=self.get_serializer_context())
        return Response({"results": rows.data})

    def retrieve(self, request, *args, **kwargs):
        household = self.get_object()
        data = self.get_serializer(household).data
        self._note_identity(household)
        return Response(data)

    def _note_identity(self, household):
        """An access record when the answer carries residents' full ID numbers."""
        if not in_scope(self.request.user, VIEW_IDENTITY, household):
            return
        shown = sum(1 for r in household.residents.all() if r.id_number_encrypted)  # prefetched
        if shown:
            what = _("户 %(number)s 成员身份证号") % {"number": household.number}
            access_records.identity_shown(self.request, household, what, shown)

    def _render(self, household, warnings=None, status_code=status.HTTP_200_OK):
        """The household as the caller now sees it. Re-checked after the write: if it left the
        caller's scope, the error rolls the request's transaction back (ATOMIC_REQUESTS)."""
        fresh = self.get_queryset().filter(pk=household.pk).first()
        if fresh is None:
            raise PermissionDenied(_("保存后该户不在您的辖区内，操作已撤销。"))
        data = s.HouseholdDetailSerializer(fresh, context=self.get_serializer_context()).data
        self._note_identity(fresh)
        if warnings is not None:
            data["warnings"] = warnings
        return Response(data, status=status_code)

    def create(self, request):
        _require(_holds_anywhere(request.user, CHANGE), _("您无权登记户信息。"))
        serializer = s.HouseholdCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        self._changeable(data["grid"])
        residents = s.resident_inputs(data.pop("residents"))
        try:
            household, warnings = household_services.create_household(residents=residents, **data)
        except DjangoValidationError as exc:
            raise _nested_items(exc, "residents") from None
        return self._render(household, warnings, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        household = self.get_object()
        self._changeable(household)
        serializer = s.HouseholdUpdateSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        if "grid" in serializer.validated_data:
            self._changeable(serializer.validated_data["grid"])
        household_services.update_household(household=household, **serializer.validated_data)
        return self._render(household)

    @extend_schema(
        summary="整体替换成员名单", request=s.ResidentsReplaceSerializer, responses=s.HouseholdWriteResultSerializer
    )
    @action(detail=True, methods=["put"])
    def residents(self, request, pk=None):
        household = self.get_object()
        self._changeable(household)
        serializer = s.ResidentsReplaceSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        residents = s.resident_inputs(serializer.validated_data["residents"])
        try:
            warnings = household_services.replace_residents(household=household, residents=residents)
        except DjangoValidationError as exc:
            raise _nested_items(exc, "residents") from None
        return self._render(household, warnings)
