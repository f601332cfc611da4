"""REST endpoints of the closed loop (/api/v1/cases/…): thin — parse, call a service, answer.

Reads go through `incidents.selectors` (scoped); every write is a service call, one action
one endpoint. A stale or concurrent action answers 409 (governance.exceptions).
"""

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from governance import idempotency
from governance.actions import add_action_endpoints

from .. import actions, intake, selectors
from ..models import Case, CaseAttachment, Unit
from . import serializers as s
from .filters import CaseFilter, ListFilterBackend

PARSERS = [JSONParser, MultiPartParser, FormParser]


@extend_schema_view(
    list=extend_schema(summary="事件列表（按辖区过滤，游标分页）"),
    retrieve=extend_schema(summary="事件详情（含时间线和当前可执行操作）"),
)
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    filter_backends = [ListFilterBackend, OrderingFilter]
    filterset_class = CaseFilter
    ordering_fields = ["id", "created_at"]
    ordering = ["-id"]
    parser_classes = PARSERS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Case.objects.none()
        if self.action == "list":
            return selectors.cases_for(self.request.user)
        return selectors.case_detail_queryset(self.request.user)

    def get_serializer_class(self):
        return s.CaseListSerializer if self.action == "list" else s.CaseDetailSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def list(self, request, *args, **kwargs):
        # The page as plain rows (`list_rows`): the same answer as CaseListSerializer's, without a
        # model instance or a DRF field call per cell. (A docstring would show in the schema.)
        page = self.paginate_queryset(selectors.list_values(self.filter_queryset(self.get_queryset())))
        names = selectors.area_names(v[f] for v in page for f in ("township_id", "village_id", "grid_id"))
        return self.get_paginated_response(s.list_rows(page, names, timezone.now()))

    def action_response(self, case_id, code=status.HTTP_200_OK, headers=None):
        case = selectors.case_detail_queryset(self.request.user).filter(pk=case_id).first()
        if case is None:  # the action moved the case out of the caller's sight
            return Response({"id": case_id}, status=code, headers=headers)
        return Response(
            s.CaseDetailSerializer(case, context=self.get_serializer_context()).data, status=code, headers=headers
        )

    @extend_schema(
        summary="上报事件（所有渠道共用的受理接口）",
        request=s.IntakeSerializer,
        parameters=[idempotency.HEADER_PARAMETER],
        responses={
            201: s.CaseDetailSerializer,
            200: s.CaseDetailSerializer,
            422: OpenApiResponse(description="同一 Idempotency-Key 用于了不同的请求内容"),
        },
    )
    def create(self, request):
        serializer = s.IntakeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data

        def submit():
            return intake.submit_report(
                reporter=request.user,
                source=data["source"],
                category=data["category"],
                description=data["description"],
                lat=data.get("lat"),
                lng=data.get("lng"),
                crs=data["crs"],
                grid_id=data.get("grid"),
                address=data["address"],
                reporter_name=data["reporter_name"],
                reporter_phone=data["reporter_phone"],
                parties=[
                    intake.PartyInput(name=p.get("name", ""), household_id=p.get("household"), role=p["role"])
                    for p in data["parties"]
                ],
                uploads=data["photos"],
                self_resolved=data["self_resolved"],
                result=data["result"],
            )

        case, created = idempotency.once_for_request(
            request, scope=intake.INTAKE_SCOPE, model=Case, run=submit, files=("photos",)
        )
        reply = idempotency.answer(created)
        if created and not case.self_resolved:  # the new case as intake gave it, no read back
            return Response(s.CaseDetailSerializer(case, context=self.get_serializer_context()).data, status=201)
        return self.action_response(case.pk, reply["status"], headers=reply.get("headers"))

    @extend_schema(summary="下载附件", responses={200: OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="attachments/<int:attachment_id>")
    def attachment(self, request, pk=None, attachment_id=None):
        case = get_object_or_404(selectors.cases_for(request.user), pk=pk)
        attachment = get_object_or_404(CaseAttachment, pk=attachment_id, case=case)
        return FileResponse(  # Cache-Control: no-store like every answer (governance.security)
            attachment.file.open("rb"),
            content_type=attachment.content_type,
            as_attachment=not attachment.content_type.startswith("image/"),
            filename=attachment.original_name,
        )


add_action_endpoints(
    CaseViewSet,
    actions.ACTIONS,
    responses={200: s.CaseDetailSerializer, 404: OpenApiResponse(description="事件不存在或不在辖区内")},
)


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.CategorySerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.categories()


@extend_schema_view(
    list=extend_schema(
        summary="常用回复模板",
        parameters=[
            OpenApiParameter("category", int, description="分类（自动包含其上级分类和通用模板）"),
            OpenApiParameter("action", str, description="操作，如 reject、dispose"),
        ],
    )
)
class ReplyTemplateViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.ReplyTemplateSerializer
    pagination_class = None

    def get_queryset(self):
        params = self.request.query_params
        try:
            category = int(params["category"]) if params.get("category") else None
        except ValueError:
            raise ValidationError({"category": [_("分类必须是整数编号。")]}) from None
        return selectors.reply_templates(category_id=category, action=params.get("action"))


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.UnitSerializer
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Unit.objects.none()
        kinds = self.request.query_params.getlist("kind")
        return selectors.units_for(self.request.user, kinds)
