"""REST endpoints of the safe-home insurance (/api/v1/insurance/…): thin — parse, call a
service, answer. Reads go through `insurance.selectors` (scoped; outside the scope is 404)."""

from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.actions import add_action_endpoints

from .. import actions, figures, selectors, services
from ..models import Claim, ClaimPhoto, Insurer, Policy, PremiumSchedule
from . import serializers as s
from .filters import ClaimFilter, PolicyFilter

YEAR = OpenApiParameter("year", int, description="年度，默认今年")


def _year(request) -> int:
    raw = request.query_params.get("year", "")
    if not raw:
        return timezone.localdate().year
    if not raw.isdigit():
        raise ValidationError({"year": ["年度必须是四位数字。"]})
    return int(raw)


class InsurerViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.InsurerSerializer
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Insurer.objects.none()
        return selectors.insurers_for(self.request.user)


class PerilViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.PerilSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.perils()


@extend_schema_view(
    list=extend_schema(summary="保费标准（每年三个人口档次）"),
    create=extend_schema(
        summary="录入或修改某年度保费标准",
        request=s.PremiumScheduleInputSerializer,
        responses={201: s.PremiumScheduleSerializer},
    ),
)
class PremiumScheduleViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = s.PremiumScheduleSerializer
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PremiumSchedule.objects.none()
        return selectors.schedules_for(self.request.user).order_by("-year")

    def create(self, request):
        data = s.PremiumScheduleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        schedule = services.set_premium_schedule(
            insurer=d["insurer"],
            year=d["year"],
            small=d["small_premium"],
            middle=d["middle_premium"],
            large=d["large_premium"],
            actor=request.user,
        )
        return Response(s.PremiumScheduleSerializer(schedule).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="乡镇团体保单（按辖区；保险公司人员只见本公司保单）"),
    retrieve=extend_schema(summary="保单详情"),
    create=extend_schema(
        summary="出具乡镇团体保单", request=s.PolicyInputSerializer, responses={201: s.PolicySerializer}
    ),
)
class PolicyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = s.PolicySerializer
    filterset_class = PolicyFilter
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Policy.objects.none()
        return selectors.policies_for(self.request.user).order_by("-year", "township__code")

    def create(self, request):
        data = s.PolicyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        policy = services.issue_policy(actor=request.user, **data.validated_data)
        return Response(self.get_serializer(policy).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="续保：复制承保范围和限额，按续保日人口重新确定档次",
        request=s.RenewSerializer,
        responses={201: s.PolicySerializer, 400: OpenApiResponse(description="已续保或缺少下一年度保费标准")},
    )
    @action(detail=True, methods=["post"])
    def renew(self, request, pk=None):
        policy = get_object_or_404(self.get_queryset(), pk=pk)
        data = s.RenewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        renewal = services.renew_policy(policy=policy, actor=request.user, **data.validated_data)
        return Response(self.get_serializer(renewal).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="理赔案件（按辖区，游标分页）"),
    retrieve=extend_schema(summary="理赔详情（含时间线和当前可执行操作）"),
    create=extend_schema(
        summary="报案（须关联盗窃事件或填写公安报案回执号）",
        request=s.ClaimInputSerializer,
        responses={201: s.ClaimDetailSerializer, 400: OpenApiResponse(description="不符合理赔规则，逐项说明原因")},
    ),
)
class ClaimViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    filterset_class = ClaimFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Claim.objects.none()
        user = self.request.user
        if self.action != "list":
            return selectors.claim_detail_queryset(user)
        return selectors.claims_for(user)

    def get_serializer_class(self):
        return s.ClaimListSerializer if self.action == "list" else s.ClaimDetailSerializer

    @extend_schema(summary="下载核实照片", responses={200: OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="photos/<int:photo_id>", url_name="photo")
    def photo(self, request, pk=None, photo_id=None):
        claim = self.get_object()
        photo = get_object_or_404(ClaimPhoto, pk=photo_id, claim=claim)
        return FileResponse(photo.file.open("rb"), content_type=photo.content_type, filename=photo.original_name)

    def action_response(self, claim_id, code=status.HTTP_200_OK):
        claim = selectors.claim_detail_queryset(self.request.user).filter(pk=claim_id).first()
        if claim is None:
            return Response({"id": claim_id}, status=code)
        return Response(s.ClaimDetailSerializer(claim, context=self.get_serializer_context()).data, status=code)

    def create(self, request):
        data = s.ClaimInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        claim = services.report_claim(
            actor=request.user,
            household_id=d["household"],
            policy_id=d.get("policy"),
            incident_id=d.get("incident"),
            police_report_number=d["police_report_number"],
            peril=d["peril"],
            item=d["item"],
            loss_date=d["loss_date"],
            loss_amount=d["loss_amount"],
            description=d["description"],
        )
        return self.action_response(claim.pk, status.HTTP_201_CREATED)


add_action_endpoints(
    ClaimViewSet,
    actions.ACTIONS,
    responses={
        200: s.ClaimDetailSerializer,
        400: OpenApiResponse(description="输入有误或超出赔付限额"),
        404: OpenApiResponse(description="理赔案件不存在或不在辖区内"),
    },
)


class FiguresView(APIView):
    @extend_schema(
        summary="各乡镇年度统计：保费、报案/赔付/拒赔、赔付率、平均赔付天数、每万人盗窃数",
        parameters=[YEAR],
        responses={200: s.FiguresSerializer},
    )
    def get(self, request):
        year = _year(request)
        rows = figures.township_figures(request.user, year)
        total = figures.total_for(request.user, rows, year)
        return Response(s.FiguresSerializer({"year": year, "townships": rows, "total": total}).data)


class FiguresExportView(APIView):
    @extend_schema(
        summary="导出年度统计（XLSX）",
        parameters=[YEAR],
        responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY},
    )
    def get(self, request):
        year = _year(request)
        return xlsx_response(request.user, year)


def xlsx_response(user, year: int) -> HttpResponse:
    rows = figures.township_figures(user, year)
    body = figures.to_xlsx(rows, figures.total_for(user, rows, year), year)
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="insurance-{year}-{timezone.localdate():%Y%m%d}.xlsx"'
    return response
