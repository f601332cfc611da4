"""REST endpoints of mediation, petitions and subsidies (/api/v1/disputes/…): thin — parse,
call a service, answer. Reads go through `disputes.selectors` (scoped; outside is 404)."""

import io

from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.actions import add_action_endpoints
from governance.spreadsheets import XLSX_TYPE

from .. import actions, figures, petitions, selectors, services, subsidies
from ..constants import MediationStatus, PetitionStatus, StatementStatus
from ..models import Mediation, MediationBody, Petition, SubsidyStatement
from . import serializers as s


def _filter(qs, params, **fields):
    """Exact filters from the query string: name → (lookup, allowed values or int)."""
    for name, (lookup, allowed) in fields.items():
        raw = params.get(name, "")
        if allowed is int and raw.isdigit():
            qs = qs.filter(**{lookup: int(raw)})
        elif allowed is not int and raw in allowed:
            qs = qs.filter(**{lookup: raw})
    return qs


class DetailMixin:
    """The object's detail view as the answer of a create or an action (governance.actions)."""

    detail_serializer = None

    def action_response(self, pk, code=status.HTTP_200_OK):
        obj = self.detail_queryset().filter(pk=pk).first()
        if obj is None:  # moved out of the actor's scope by the action (e.g. escalated away)
            return Response({"id": pk}, status=code)
        return Response(self.detail_serializer(obj, context=self.get_serializer_context()).data, status=code)


class BodyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.BodySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MediationBody.objects.none()
        return selectors.bodies_for(self.request.user)


@extend_schema_view(
    list=extend_schema(
        summary="调解（按辖区，游标分页）",
        parameters=[
            OpenApiParameter("status", str, enum=MediationStatus.values),
            OpenApiParameter("township", int),
            OpenApiParameter("body", int),
            OpenApiParameter("case", int),
        ],
    ),
    retrieve=extend_schema(summary="调解详情（当事人、调解会、回访、时间线、可执行操作）"),
    create=extend_schema(
        summary="受理调解（矛盾纠纷类事件）",
        request=s.OpenMediationSerializer,
        responses={201: s.MediationDetailSerializer},
    ),
)
class MediationViewSet(
    DetailMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    detail_serializer = s.MediationDetailSerializer

    def detail_queryset(self):
        return selectors.mediation_detail_queryset(self.request.user)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Mediation.objects.none()
        if self.action != "list":
            return self.detail_queryset()
        return _filter(
            selectors.mediations_for(self.request.user),
            self.request.query_params,
            status=("status", MediationStatus.values),
            township=("township_id", int),
            body=("body_id", int),
            case=("case_id", int),
        )

    def get_serializer_class(self):
        return s.MediationListSerializer if self.action == "list" else s.MediationDetailSerializer

    def create(self, request):
        data = s.OpenMediationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        mediation = services.open_mediation(
            actor=request.user,
            case_id=d["case"],
            body_id=d["body"],
            mediator_ids=d["mediators"],
            matter=d["matter"],
            difficulty=d["difficulty"],
            parties=d["parties"],
        )
        return self.action_response(mediation.pk, status.HTTP_201_CREATED)

    @extend_schema(summary="下载协议扫描件", responses={200: OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="agreement-file", url_name="agreement-file")
    def agreement_file(self, request, pk=None):
        mediation = get_object_or_404(selectors.mediations_for(request.user), pk=pk)
        if not mediation.agreement_file:
            return Response({"detail": "没有协议扫描件。"}, status=status.HTTP_404_NOT_FOUND)
        return agreement_response(mediation)


def agreement_response(mediation):
    ext = "pdf" if mediation.agreement_content_type == "application/pdf" else "jpg"
    response = FileResponse(
        mediation.agreement_file.open("rb"),
        content_type=mediation.agreement_content_type,
        filename=f"{mediation.number}.{ext}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


add_action_endpoints(MediationViewSet, actions.MEDIATION_ACTIONS, responses={200: s.MediationDetailSerializer})


@extend_schema_view(
    list=extend_schema(
        summary="信访事项（按辖区及我包的案，游标分页）",
        parameters=[
            OpenApiParameter("status", str, enum=PetitionStatus.values),
            OpenApiParameter("township", int),
            OpenApiParameter("owner", int, description="包案领导"),
            OpenApiParameter("backlog", bool, description="只看积案"),
            OpenApiParameter("repeat", bool, description="只看重复信访"),
        ],
    ),
    retrieve=extend_schema(summary="信访详情"),
    create=extend_schema(
        summary="登记信访（自动识别重复信访）",
        request=s.PetitionInputSerializer,
        responses={201: s.PetitionDetailSerializer},
    ),
)
class PetitionViewSet(
    DetailMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    detail_serializer = s.PetitionDetailSerializer

    def detail_queryset(self):
        return selectors.petition_detail_queryset(self.request.user)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Petition.objects.none()
        if self.action != "list":
            return self.detail_queryset()
        params = self.request.query_params
        qs = _filter(
            selectors.petitions_for(self.request.user),
            params,
            status=("status", PetitionStatus.values),
            township=("township_id", int),
            owner=("owner_id", int),
        )
        if params.get("backlog") in ("1", "true"):
            qs = qs.filter(backlog_since__isnull=False)
        if params.get("repeat") in ("1", "true"):
            qs = qs.filter(first_petition__isnull=False)
        return qs

    def get_serializer_class(self):
        return s.PetitionListSerializer if self.action == "list" else s.PetitionDetailSerializer

    def create(self, request):
        data = s.PetitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        petition = petitions.file_petition(
            actor=request.user,
            channel=d["channel"],
            category=d["category"],
            description=d["description"],
            petitioners=d["petitioners"],
            lat=d["lat"],
            lng=d["lng"],
            crs=d["crs"],
            grid_id=d["grid"],
            address=d["address"],
            owner=d["owner"],
            reply_due_on=d["reply_due_on"],
            on_behalf=d["on_behalf"],
        )
        return self.action_response(petition.pk, status.HTTP_201_CREATED)


add_action_endpoints(PetitionViewSet, actions.PETITION_ACTIONS, responses={200: s.PetitionDetailSerializer})


MONTH = OpenApiParameter("month", str, description="月份 YYYY-MM")


@extend_schema_view(
    list=extend_schema(
        summary="以案定补月度结算单（按辖区）",
        parameters=[MONTH, OpenApiParameter("status", str, enum=StatementStatus.values)],
    ),
    retrieve=extend_schema(summary="结算单详情（每位调解员每件案件一行）"),
)
class StatementViewSet(DetailMixin, viewsets.ReadOnlyModelViewSet):
    detail_serializer = s.StatementDetailSerializer

    def detail_queryset(self):
        return selectors.statement_detail_queryset(self.request.user)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SubsidyStatement.objects.none()
        if self.action != "list":
            return self.detail_queryset()
        qs = _filter(
            selectors.statements_for(self.request.user),
            self.request.query_params,
            status=("status", StatementStatus.values),
        )
        month = figures.parse_month(self.request.query_params.get("month", ""))
        return qs.filter(month=month) if month else qs

    def get_serializer_class(self):
        return s.StatementListSerializer if self.action == "list" else s.StatementDetailSerializer

    @extend_schema(summary="导出结算单（XLSX）", parameters=[MONTH], responses={(200, XLSX_TYPE): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"], url_path="export", url_name="export")
    def export(self, request):
        return statements_xlsx(request.user, figures.parse_month(request.query_params.get("month", "")))


def statements_xlsx(user, month) -> HttpResponse:
    qs = selectors.statement_detail_queryset(user).order_by("township__code", "body__name")
    if month:
        qs = qs.filter(month=month)
    out = io.BytesIO()
    subsidies.to_xlsx(out, qs)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    label = f"{month:%Y-%m}" if month else "all"
    response["Content-Disposition"] = f'attachment; filename="subsidies-{label}.xlsx"'
    return response


add_action_endpoints(StatementViewSet, actions.STATEMENT_ACTIONS, responses={200: s.StatementDetailSerializer})


class FiguresView(APIView):
    @extend_schema(
        summary="调解与信访指标：调解成功率、村级/乡镇级化解与上交、重复信访率、按期答复率、积案化解（按村、乡镇、调解组织）",
        parameters=[
            OpenApiParameter("area", int, description="区域（默认本人辖区）"),
            OpenApiParameter("from", str, description="起始日期 YYYY-MM-DD（默认本月 1 日）"),
            OpenApiParameter("to", str, description="截止日期 YYYY-MM-DD（含，默认今天）"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        period = figures.period_from(request.query_params)
        area = figures.area_for(request.user, request.query_params.get("area", ""))
        return Response(figures.as_json(figures.report(area, *period)))
