"""REST endpoints of the safe-area assessment and the stability index (/api/v1/oversight/…).

Thin: reads through oversight.selectors (scoped: outside the caller's areas is 404), every
write through oversight.assessment.services, one endpoint per workflow action."""

import datetime as dt

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from governance.actions import ACTION_ERRORS, add_action_endpoints

from ... import selectors
from ...stability import monday
from .. import actions, services
from . import serializers as s

WEEK = OpenApiParameter("week", OpenApiTypes.DATE, description="该周任一天（默认为最近已计算的一周）")


def _int_param(request, name):
    raw = request.query_params.get(name)
    if not raw:
        return None
    if not raw.isdigit():
        raise ValidationError({name: [_("必须是整数。")]})
    return int(raw)


@extend_schema_view(list=extend_schema(summary="考核指标（可按层级过滤）"))
class IndicatorViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.IndicatorSerializer
    pagination_class = None

    @extend_schema(parameters=[OpenApiParameter("level", str, enum=["county", "township", "village"])])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.indicators(self.request.query_params.get("level"))


@extend_schema_view(
    list=extend_schema(
        summary="年度平安评定列表（按辖区过滤，游标分页）",
        parameters=[
            OpenApiParameter("year", int),
            OpenApiParameter("level", str, enum=["county", "township", "village"]),
            OpenApiParameter("township", int),
            OpenApiParameter("result", str, enum=["safe", "not_safe", "incomplete"]),
        ],
    ),
    retrieve=extend_schema(summary="评定详情（指标明细、记录和可执行操作）"),
)
class RatingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    def get_queryset(self):
        if self.action != "list":
            return selectors.rating_detail_queryset(self.request.user)
        qs = selectors.ratings_for(self.request.user)
        params = self.request.query_params
        for name in ("year", "township"):
            value = _int_param(self.request, name)
            if value is not None:
                qs = qs.filter(**{name: value})
        if params.get("level"):
            qs = qs.filter(level=params["level"])
        if params.get("result"):
            qs = qs.filter(result=params["result"])
        return qs

    def get_serializer_class(self):
        return s.AreaRatingSerializer if self.action == "list" else s.AreaRatingDetailSerializer

    def action_response(self, pk):
        rating = selectors.rating_detail_queryset(self.request.user).get(pk=pk)
        return Response(s.AreaRatingDetailSerializer(rating, context={"request": self.request}).data)

    @extend_schema(
        summary="测评：计算一个县某年度的全部评定（已认定的不变）",
        request=s.ComputeSerializer,
        responses={200: s.ComputeResultSerializer, **ACTION_ERRORS},
    )
    @action(detail=False, methods=["post"])
    def compute(self, request):
        serializer = s.ComputeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        count = services.compute_county_ratings(actor=request.user, county=data["county"], year=data["year"])
        return Response({"ratings": count})


@extend_schema_view(
    list=extend_schema(
        summary="指标佐证列表",
        parameters=[OpenApiParameter("year", int), OpenApiParameter("area", int), OpenApiParameter("status", str)],
    ),
    retrieve=extend_schema(summary="佐证详情"),
)
class EvidenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        qs = selectors.evidence_for(self.request.user)
        if self.action == "list":
            for name in ("year", "area"):
                value = _int_param(self.request, name)
                if value is not None:
                    qs = qs.filter(**{name: value})
            if self.request.query_params.get("status"):
                qs = qs.filter(status=self.request.query_params["status"])
        return qs

    def get_serializer_class(self):
        return s.EvidenceSerializer if self.action == "list" else s.EvidenceDetailSerializer

    def action_response(self, pk, code=status.HTTP_200_OK):
        evidence = selectors.evidence_for(self.request.user).get(pk=pk)
        return Response(s.EvidenceDetailSerializer(evidence, context={"request": self.request}).data, status=code)

    @extend_schema(
        summary="录入佐证（不能由平台数据计算的指标）",
        request={"multipart/form-data": s.EvidenceInputSerializer, "application/json": s.EvidenceInputSerializer},
        responses={201: s.EvidenceDetailSerializer, **ACTION_ERRORS},
    )
    def create(self, request):
        evidence = actions.enter_evidence(actor=request.user, data=request.data)
        return self.action_response(evidence.pk, status.HTTP_201_CREATED)

    @extend_schema(summary="下载佐证附件", responses={200: OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        evidence = get_object_or_404(selectors.evidence_for(request.user), pk=pk)
        if not evidence.file:
            raise Http404
        return FileResponse(
            evidence.file.open("rb"),
            content_type=evidence.content_type,
            as_attachment=not evidence.content_type.startswith("image/"),
            filename=evidence.original_name,
        )


add_action_endpoints(RatingViewSet, actions.RATING_ACTIONS, responses={200: s.AreaRatingDetailSerializer})
add_action_endpoints(EvidenceViewSet, actions.EVIDENCE_ACTIONS, responses={200: s.EvidenceDetailSerializer})


def parse_week(raw: str | None) -> dt.date | None:
    """The Monday of the week containing the ISO date `raw`; 400 with a Chinese message if bad."""
    if not raw:
        return None
    try:
        return monday(dt.date.fromisoformat(raw))
    except ValueError:
        raise ValidationError({"week": [_("日期格式应为 YYYY-MM-DD。")]}) from None


@extend_schema_view(
    list=extend_schema(
        summary="社会稳定指数（每乡镇每周一行，含四情明细）",
        parameters=[WEEK, OpenApiParameter("township", int)],
    ),
    retrieve=extend_schema(summary="一个乡镇一周的稳定指数"),
)
class StabilityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.StabilitySerializer

    def get_queryset(self):
        qs = selectors.indices_for(self.request.user)
        if self.action == "list":
            week = parse_week(self.request.query_params.get("week"))
            if week:
                qs = qs.filter(week_start=week)
            township = _int_param(self.request, "township")
            if township is not None:
                qs = qs.filter(township=township)
        return qs

    @extend_schema(summary="一周各乡镇的预警颜色（供大屏和地图着色）", parameters=[WEEK], responses=s.ColoursSerializer)
    @action(detail=False, methods=["get"], pagination_class=None)
    def colours(self, request):
        return Response(selectors.township_colours(request.user, parse_week(request.query_params.get("week"))))
