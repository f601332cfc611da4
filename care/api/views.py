"""REST endpoints of community care (/api/v1/care/…): thin — parse, call a service, answer.
Reads go through `care.selectors` (the care scope; outside it is 404). Opening one plan is
logged (who, when, which record)."""

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from governance import access_records, idempotency
from governance.actions import add_action_endpoints

from .. import colours, neighbours, selectors, services, volunteers
from ..actions import ACTIONS
from ..constants import Category, ColourChangeStatus, RiskLevel
from ..models import CarePlan, CareVisit, ColourChange, HelpPair, Volunteer, WatchUnit
from . import serializers as s

PLAN_FILTERS = [
    OpenApiParameter("category", str, enum=Category.values, description="类别"),
    OpenApiParameter("risk_level", str, enum=RiskLevel.values, description="风险等级"),
    OpenApiParameter("village", int, description="村/社区"),
    OpenApiParameter("grid", int, description="网格"),
    OpenApiParameter("overdue", bool, description="只看逾期未走访"),
    OpenApiParameter("review_due", bool, description="只看已到复核日期的计划"),
    OpenApiParameter("keepers_complete", bool, description="一人四管是否齐全"),
    OpenApiParameter("active", bool, description="在管（默认）或已结束"),
]


def _flag(value: str) -> bool | None:
    return {"1": True, "true": True, "0": False, "false": False}.get(value.lower()) if value else None


def filter_plans(qs, params, today):
    """The list filters shared by the API and the page (each served by an index)."""
    active = _flag(params.get("active", ""))
    qs = qs.filter(is_active=active is not False)
    if params.get("category") in Category.values:
        qs = qs.filter(category=params["category"])
    if params.get("risk_level") in RiskLevel.values:
        qs = qs.filter(risk_level=params["risk_level"])
    for field in ("village", "grid"):
        if params.get(field, "").isdigit():
            qs = qs.filter(**{f"{field}_id": int(params[field])})
    if _flag(params.get("overdue", "")):
        qs = selectors.overdue(qs, today)
    if _flag(params.get("review_due", "")):
        qs = qs.filter(review_date__lte=today)
    complete = _flag(params.get("keepers_complete", ""))
    if complete is not None:
        qs = qs.filter(keepers_complete=complete)
    return qs


@extend_schema_view(
    list=extend_schema(summary="重点人员计划（按关爱权限范围）", parameters=PLAN_FILTERS),
    retrieve=extend_schema(summary="重点人员计划详情（每次查看留痕）"),
    create=extend_schema(summary="建立重点人员计划（村、乡镇）", request=s.PlanInputSerializer),
)
class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    lookup_value_converter = "int"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CarePlan.objects.none()
        user = self.request.user
        if self.action != "list":
            return selectors.plan_detail_queryset(user)
        return filter_plans(selectors.plans_for(user), self.request.query_params, timezone.localdate())

    def get_serializer_class(self):
        return s.PlanListSerializer if self.action == "list" else s.PlanDetailSerializer

    def retrieve(self, request, *args, **kwargs):
        plan = self.get_object()
        access_records.key_person_opened(request, plan, str(plan))
        return Response(self.get_serializer(plan).data)

    def _detail(self, plan_id, code=status.HTTP_200_OK):
        plan = selectors.plan_detail_queryset(self.request.user).get(pk=plan_id)
        return Response(s.PlanDetailSerializer(plan, context=self.get_serializer_context()).data, status=code)

    def create(self, request):
        data = s.PlanInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        plan = services.create_plan(
            actor=request.user,
            resident_id=d["resident"],
            category=d["category"],
            risk_level=d["risk_level"],
            visit_every_days=d["visit_every_days"],
            start_date=d["start_date"],
            review_date=d["review_date"],
            keepers=[s.KeeperInputSerializer().to_input(k) for k in d.get("keepers", [])],
            note=d.get("note", ""),
        )
        return self._detail(plan.pk, status.HTTP_201_CREATED)

    @extend_schema(summary="修订计划（风险等级、周期、复核日期、责任人）", request=s.ReviseInputSerializer)
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        data = s.ReviseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        keepers = [s.KeeperInputSerializer().to_input(k) for k in d["keepers"]] if "keepers" in d else None
        services.revise_plan(
            actor=request.user,
            plan_id=int(pk),
            risk_level=d["risk_level"],
            visit_every_days=d["visit_every_days"],
            review_date=d["review_date"],
            keepers=keepers,
            note=d.get("note", ""),
            reason=d["reason"],
        )
        return self._detail(int(pk))

    @extend_schema(summary="结束计划（解除、迁出……）", request=s.EndInputSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        data = s.EndInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.end_plan(actor=request.user, plan_id=int(pk), reason=data.validated_data["reason"])
        return self._detail(int(pk))


@extend_schema_view(
    list=extend_schema(summary="走访记录（按关爱权限范围）"),
    create=extend_schema(
        summary="登记走访（带位置、照片；可一步转立事件；幂等）",
        parameters=[idempotency.HEADER_PARAMETER],
        request={"multipart/form-data": s.VisitInputSerializer},
        responses={
            201: s.CareVisitSerializer,
            200: s.CareVisitSerializer,
            404: OpenApiResponse(description="关爱计划不存在或不在您的范围内"),
        },
    ),
)
class VisitViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = s.CareVisitSerializer
    lookup_value_converter = "int"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CareVisit.objects.none()
        qs = selectors.visits_for(self.request.user).order_by("-id")
        plan = self.request.query_params.get("plan", "")
        return qs.filter(plan_id=int(plan)) if plan.isdigit() else qs

    def create(self, request):
        data = s.VisitInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        visit, created = idempotency.once_for_request(
            request,
            scope="care.visit",
            files=("photo",),
            run=lambda: services.record_visit(
                visitor=request.user,
                plan_id=d["plan"],
                finding=d["finding"],
                place=d.get("place", ""),
                lat=d.get("lat"),
                lng=d.get("lng"),
                crs=d["crs"],
                photo=d.get("photo"),
                follow_up=d["follow_up"],
                concern=d["concern"],
                raise_case=d["raise_case"],
                category=d.get("category"),
            ),
            model=CareVisit,
        )
        visit = selectors.visits_for(request.user).get(pk=visit.pk)
        return Response(s.CareVisitSerializer(visit).data, **idempotency.answer(created))

    @extend_schema(
        summary="把走访发现转立事件", request=s.RaiseCaseInputSerializer, responses={200: s.CareVisitSerializer}
    )
    @action(detail=True, methods=["post"], url_path="raise-case")
    def raise_case(self, request, pk=None):
        data = s.RaiseCaseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.raise_case(actor=request.user, visit_id=int(pk), category=data.validated_data["category"])
        return Response(s.CareVisitSerializer(selectors.visits_for(request.user).get(pk=pk)).data)


class VisitPhotoView(APIView):
    @extend_schema(summary="下载走访照片", responses={200: OpenApiTypes.BINARY})
    def get(self, request, pk):
        visit = get_object_or_404(selectors.visits_for(request.user).exclude(photo=""), pk=pk)
        return FileResponse(visit.photo.open("rb"), content_type=visit.photo_type or "application/octet-stream")


class FiguresView(APIView):
    @extend_schema(
        summary="关爱数字：在管、今日到期、逾期、一人四管不全，按村和类别", responses={200: OpenApiTypes.OBJECT}
    )
    def get(self, request):
        return Response(
            {
                "totals": selectors.figures(request.user),
                "villages": selectors.by_village(request.user),
                "categories": selectors.by_category(request.user),
            }
        )


@extend_schema_view(
    list=extend_schema(
        summary="三色变更（按关爱权限范围）",
        parameters=[
            OpenApiParameter("status", str, enum=ColourChangeStatus.values, description="状态"),
            OpenApiParameter("household", int, description="户（该户的颜色历史）"),
        ],
    ),
    retrieve=extend_schema(summary="三色变更详情（含记录）"),
    create=extend_schema(summary="村提出三色变更（附理由）", request=s.ColourProposalSerializer),
)
class ColourChangeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    lookup_value_converter = "int"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ColourChange.objects.none()
        if self.action != "list":
            return selectors.colour_change_detail_queryset(self.request.user)
        qs = selectors.colour_changes_for(self.request.user).order_by("-id")
        params = self.request.query_params
        if params.get("status") in ColourChangeStatus.values:
            qs = qs.filter(status=params["status"])
        if params.get("household", "").isdigit():
            qs = qs.filter(household_id=int(params["household"]))
        return qs

    def get_serializer_class(self):
        return s.ColourChangeSerializer if self.action == "list" else s.ColourChangeDetailSerializer

    def action_response(self, pk, code=status.HTTP_200_OK):
        change = selectors.colour_change_detail_queryset(self.request.user).get(pk=pk)
        return Response(s.ColourChangeDetailSerializer(change).data, status=code)

    def create(self, request):
        data = s.ColourProposalSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        change = colours.propose(
            actor=request.user, household_id=d["household"], to_colour=d["to_colour"], reason=d["reason"]
        )
        return self.action_response(change.pk, status.HTTP_201_CREATED)


add_action_endpoints(ColourChangeViewSet, ACTIONS, responses={200: s.ColourChangeDetailSerializer})


@extend_schema_view(
    list=extend_schema(summary="平安志愿者（按关爱权限范围）"),
    retrieve=extend_schema(summary="志愿者"),
    create=extend_schema(summary="登记志愿者", request=s.VolunteerInputSerializer),
)
class VolunteerViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = s.VolunteerSerializer
    lookup_value_converter = "int"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Volunteer.objects.none()
        qs = selectors.volunteers_for(self.request.user).order_by("-id")
        village = self.request.query_params.get("village", "")
        return qs.filter(village_id=int(village)) if village.isdigit() else qs

    def _answer(self, pk, code=status.HTTP_200_OK):
        return Response(s.VolunteerSerializer(self.get_queryset().get(pk=pk)).data, status=code)

    def create(self, request):
        data = s.VolunteerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        volunteer = volunteers.register(actor=request.user, resident_id=d["resident"], skills=d.get("skills", ""))
        return self._answer(volunteer.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="登记服务时长（得积分）", request=s.ServiceInputSerializer, responses={201: s.PointsMovementSerializer}
    )
    @action(detail=True, methods=["post"])
    def service(self, request, pk=None):
        data = s.ServiceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        row = volunteers.log_service(
            actor=request.user, volunteer_id=int(pk), hours=d["hours"], served_on=d["served_on"], note=d["note"]
        )
        return Response(s.PointsMovementSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="积分兑换（余额不足或库存不足则拒绝）",
        request=s.ExchangeInputSerializer,
        responses={201: s.PointsMovementSerializer},
    )
    @action(detail=True, methods=["post"])
    def exchange(self, request, pk=None):
        data = s.ExchangeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = volunteers.exchange(actor=request.user, volunteer_id=int(pk), item_id=data.validated_data["item"])
        return Response(s.PointsMovementSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="积分流水", responses={200: s.PointsMovementSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def movements(self, request, pk=None):
        volunteer = self.get_object()
        page = self.paginate_queryset(volunteer.movements.order_by("-id"))
        return self.get_paginated_response(s.PointsMovementSerializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="家家帮结对（按关爱权限范围；active=0 含已解除）"),
    retrieve=extend_schema(summary="结对及帮扶记录"),
    create=extend_schema(summary="登记结对", request=s.PairInputSerializer),
)
class PairViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = s.HelpPairSerializer
    lookup_value_converter = "int"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return HelpPair.objects.none()
        qs = selectors.pairs_for(self.request.user).order_by("-id")
        return qs if _flag(self.request.query_params.get("active", "")) is False else qs.filter(end_date__isnull=True)

    def _answer(self, pk, code=status.HTTP_200_OK):
        return Response(s.HelpPairSerializer(selectors.pairs_for(self.request.user).get(pk=pk)).data, status=code)

    def create(self, request):
        data = s.PairInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        row = neighbours.pair(
            actor=request.user,
            helper_id=d["helper"],
            helped_id=d["helped"],
            need=d["need"],
            start_date=d.get("start_date"),
        )
        return self._answer(row.pk, status.HTTP_201_CREATED)

    @extend_schema(summary="解除结对", request=s.EndPairSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        data = s.EndPairSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        neighbours.end_pair(actor=request.user, pair_id=int(pk), reason=data.validated_data["reason"])
        return self._answer(int(pk))

    @extend_schema(summary="登记一次帮扶", request=s.HelpInputSerializer)
    @action(detail=True, methods=["post"])
    def help(self, request, pk=None):
        data = s.HelpInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        neighbours.log_help(
            actor=request.user, pair_id=int(pk), kind=d["kind"], helped_on=d["helped_on"], note=d.get("note", "")
        )
        return self._answer(int(pk), status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="挨户防单元与微网格（按关爱权限范围）"),
    retrieve=extend_schema(summary="单元：现有成员户与历任户防长/微网格长"),
    create=extend_schema(summary="建立单元及其成员户", request=s.UnitInputSerializer),
)
class UnitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = s.WatchUnitSerializer
    lookup_value_converter = "int"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WatchUnit.objects.none()
        return selectors.units_for(self.request.user).order_by("-id")

    def _answer(self, pk, code=status.HTTP_200_OK):
        return Response(s.WatchUnitSerializer(self.get_queryset().get(pk=pk)).data, status=code)

    def create(self, request):
        data = s.UnitInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        unit = neighbours.create_unit(actor=request.user, kind=d["kind"], name=d["name"], household_ids=d["households"])
        return self._answer(unit.pk, status.HTTP_201_CREATED)

    @extend_schema(summary="加入成员户", request=s.MembersInputSerializer)
    @action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        data = s.MembersInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        neighbours.add_members(actor=request.user, unit_id=int(pk), household_ids=data.validated_data["households"])
        return self._answer(int(pk))

    @extend_schema(summary="任命户防长/微网格长（上一任随之结束）", request=s.LeaderInputSerializer)
    @action(detail=True, methods=["post"])
    def leader(self, request, pk=None):
        data = s.LeaderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        neighbours.appoint_leader(
            actor=request.user, unit_id=int(pk), resident_id=d["resident"], start_date=d.get("start_date")
        )
        return self._answer(int(pk))
