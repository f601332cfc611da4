"""The 12345 hotline's endpoint (/api/v1/hotline/orders/): an order in, our case number out; later
the same order's state and result, so the hotline can close its order. Called with an API key
(`X-API-Key`) holding the `hotline` scope; rate-limited per key (429 with Retry-After)."""

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from governance import idempotency

from .. import selectors, services
from ..access import ApiKeyAuthentication, KeyRateThrottle, key_scope
from ..constants import KeyScope
from . import serializers as s


class HotlineOrderViewSet(viewsets.GenericViewSet):
    pagination_class = None  # the list is bounded and walked by `updated_since`
    filter_backends = []
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [key_scope(KeyScope.HOTLINE)]
    throttle_classes = [KeyRateThrottle]
    serializer_class = s.OrderAnswerSerializer
    lookup_field = "order_number"
    lookup_value_converter = "str"

    @extend_schema(
        summary="12345 热线工单转入（返回事件编号）",
        request=s.OrderSerializer,
        parameters=[idempotency.HEADER_PARAMETER],
        responses={
            201: s.OrderAnswerSerializer,
            200: s.OrderAnswerSerializer,
            404: OpenApiResponse(description="网格不存在或不在密钥的区域内"),
            409: OpenApiResponse(description="该工单号已经转入过（返回已有的事件编号）"),
            422: OpenApiResponse(description="同一 Idempotency-Key 用于了不同的请求内容"),
            429: OpenApiResponse(description="超过该密钥的每分钟请求上限"),
        },
    )
    def create(self, request):
        serializer = s.OrderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            submission, created = services.take_order(request=request, key=request.auth, data=serializer.validated_data)
        except services.DuplicateOrder as duplicate:
            body = {"detail": _("该工单号已经转入过。"), **s.OrderAnswerSerializer(duplicate.submission).data}
            return Response(body, status=status.HTTP_409_CONFLICT)
        return Response(s.OrderAnswerSerializer(submission).data, **idempotency.answer(created))

    @extend_schema(
        summary="自某时刻起有变化的热线工单（按变化时间排序，每次至多 200 个）",
        parameters=[
            OpenApiParameter(
                "updated_since", OpenApiTypes.DATETIME, required=True, description="ISO 8601，带时区"
            )
        ],
        responses={200: s.OrderAnswerSerializer(many=True)},
    )
    def list(self, request):
        try:
            since = parse_datetime(request.query_params.get("updated_since", ""))
        except ValueError:  # well formed, but no such moment (month 13)
            since = None
        if since is None:
            raise ValidationError({"updated_since": [_("请提供 ISO 8601 时间，如 2026-12-04T08:00:00+08:00。")]})
        if timezone.is_naive(since):
            since = timezone.make_aware(since)
        return Response(s.OrderAnswerSerializer(selectors.orders_changed(request.auth, since), many=True).data)

    @extend_schema(
        summary="查询热线工单的办理情况（办结后含处置结果）",
        responses={200: s.OrderAnswerSerializer, 404: OpenApiResponse(description="该密钥没有转入过这个工单号")},
    )
    def retrieve(self, request, order_number=None):
        submission = selectors.order(request.auth, order_number)
        if submission is None:
            raise NotFound(_("没有这个工单号。"))
        return Response(s.OrderAnswerSerializer(submission).data)
