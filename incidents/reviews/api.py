"""REST endpoints of 日清周评 (/api/v1/reviews/…): reads scoped to the caller's areas, and
`run/` to start a job now (its progress at /api/v1/jobs/{id}/)."""

import django_filters
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from governance import jobs, outbox
from governance.roles import Role

from ..tasks import run_daily_review, run_weekly_evaluation
from . import selectors
from .export import weekly_workbook
from .models import DailyReview, SubjectKind, WeeklyEvaluation, WeeklyScore
from .weekly import FIGURES, RATES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DailyReviewSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True)

    class Meta:
        model = DailyReview
        fields = [
            "id",
            "day",
            "level",
            "area",
            "area_name",
            "township",
            "new",
            "closed",
            "open",
            "due_today",
            "overdue",
            "untouched",
            "urged",
            "escalated",
            "work_due",
            "work_overdue",
            "as_of",
        ]


class DailyReviewFilter(django_filters.FilterSet):
    class Meta:
        model = DailyReview
        fields = ["day", "level", "township"]


class WeeklyEvaluationSerializer(serializers.ModelSerializer):
    class Meta:
        model = WeeklyEvaluation
        fields = ["id", "week_start", "computed_at", "published_at", "rules"]


class WeeklyScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = WeeklyScore
        fields = ["id", "kind", "name", "township", "village", "user", "rank", "score", *RATES, *FIGURES]


class StartedJobSerializer(serializers.Serializer):
    job = serializers.IntegerField(help_text="GET /api/v1/jobs/{job}/ 查看进度")


RUNNERS = (Role.COMMAND_LEADER, Role.ADMIN)


def start(request, kind: str, task) -> Response:
    """Run a scheduled job now (command-centre leaders and admins), with a Job for its progress."""
    if not (request.user.is_superuser or set(RUNNERS) & request.user.role_names()):
        raise PermissionDenied("只有指挥中心领导和管理员可以立即运行。")
    job = jobs.start_job(kind=kind, requested_by=request.user)
    outbox.enqueue(task, job_id=job.pk)
    return Response({"job": job.pk}, status=status.HTTP_202_ACCEPTED)


class ReviewPagination(PageNumberPagination):
    """A few hundred rows per day or week at most: page numbers are cheap here."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


@extend_schema_view(list=extend_schema(summary="日清记录（按辖区；可按日期、层级、乡镇过滤）"))
class DailyReviewViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = DailyReviewSerializer
    filterset_class = DailyReviewFilter
    pagination_class = ReviewPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DailyReview.objects.none()
        return selectors.daily_reviews_for(self.request.user).order_by("-day", "level", "area__path")

    @extend_schema(summary="立即运行今天的日清（后台任务）", request=None, responses={202: StartedJobSerializer})
    @action(detail=False, methods=["post"])
    def run(self, request):
        return start(request, "daily_review", run_daily_review)


@extend_schema_view(
    list=extend_schema(summary="已发布的周评"),
    retrieve=extend_schema(summary="一期周评"),
)
class WeeklyEvaluationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = WeeklyEvaluationSerializer
    pagination_class = ReviewPagination
    queryset = WeeklyEvaluation.objects.none()

    def get_queryset(self):
        return selectors.evaluations().order_by("-week_start")

    def _scores(self):
        scores = selectors.scores_for(self.request.user, self.get_object())
        kind = self.request.query_params.get("kind")
        if kind in SubjectKind.values:
            scores = scores.filter(kind=kind)
        return scores

    @extend_schema(
        summary="周评得分和名次（按辖区；kind 可选 grid_worker / village / township / department）",
        parameters=[OpenApiParameter("kind", OpenApiTypes.STR, enum=SubjectKind.values)],
        responses=WeeklyScoreSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def scores(self, request, pk=None):
        page = self.paginate_queryset(self._scores().order_by("kind", "rank", "name"))
        return self.get_paginated_response(WeeklyScoreSerializer(page, many=True).data)

    @extend_schema(summary="立即重算上一周的周评（后台任务）", request=None, responses={202: StartedJobSerializer})
    @action(detail=False, methods=["post"])
    def run(self, request):
        return start(request, "weekly_evaluation", run_weekly_evaluation)

    @extend_schema(summary="导出周评（XLSX，含计算公式）", responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        return xlsx_response(self.get_object(), self._scores())


def xlsx_response(evaluation, scores) -> HttpResponse:
    response = HttpResponse(weekly_workbook(evaluation, scores), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="weekly-{evaluation.week_start:%Y%m%d}.xlsx"'
    return response
