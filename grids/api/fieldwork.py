"""REST endpoints of grid workers' field work (/api/v1/fieldwork/…): the app posts patrol
check-ins and household visits with an Idempotency-Key (a retried POST returns the first row);
lists and monthly ratings are scoped to the caller's areas."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from governance import idempotency

from .. import fieldwork
from ..models import HouseholdVisit, MonthlyRating, PatrolCheckIn
from ..scoping import VIEW
from .filters import MonthlyRatingFilter

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="客户端生成的唯一键；网络重试时重复提交同一键只返回第一次的记录。",
)


class CheckInSerializer(serializers.ModelSerializer):
    crs = serializers.ChoiceField(choices=["WGS84", "GCJ02", "BD09"], default="WGS84", write_only=True)

    class Meta:
        model = PatrolCheckIn
        fields = ["id", "worker", "grid", "lat", "lng", "crs", "in_own_grid", "note", "at"]
        read_only_fields = ["id", "worker", "grid", "in_own_grid", "at"]


class VisitSerializer(serializers.ModelSerializer):
    household = serializers.IntegerField(source="household_id")

    class Meta:
        model = HouseholdVisit
        fields = ["id", "worker", "household", "grid", "note", "at"]
        read_only_fields = ["id", "worker", "grid", "at"]


class MonthlyRatingSerializer(serializers.ModelSerializer):
    worker_name = serializers.StringRelatedField(source="worker")

    class Meta:
        model = MonthlyRating
        fields = ["id", "worker", "worker_name", "month", "township", "village", "grid", *fieldwork.RATING_FIGURES]


class _FieldworkViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """List (scoped, newest first) and an idempotent create that calls `record`."""

    model = None
    scope = ""

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        return self.model.objects.restrict(self.request.user, VIEW).order_by("-id")

    def record(self, data):
        raise NotImplementedError

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row, created = idempotency.once(
            user=request.user,
            scope=self.scope,
            key=request.headers.get("Idempotency-Key", ""),
            payload=request.data,
            run=lambda: self.record(serializer.validated_data),
            model=self.model,
        )
        return Response(
            self.get_serializer(row).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


@extend_schema_view(
    list=extend_schema(summary="巡查打卡记录（按辖区）"),
    create=extend_schema(
        summary="巡查打卡（网格员；带位置；幂等）",
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: CheckInSerializer, 200: CheckInSerializer},
    ),
)
class CheckInViewSet(_FieldworkViewSet):
    serializer_class = CheckInSerializer
    model = PatrolCheckIn
    scope = "fieldwork.check_in"

    def record(self, data):
        return fieldwork.check_in(
            worker=self.request.user, lat=data["lat"], lng=data["lng"], crs=data["crs"], note=data.get("note", "")
        )


@extend_schema_view(
    list=extend_schema(summary="入户走访记录（按辖区）"),
    create=extend_schema(
        summary="登记入户走访（网格员；幂等）",
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: VisitSerializer, 200: VisitSerializer},
    ),
)
class VisitViewSet(_FieldworkViewSet):
    serializer_class = VisitSerializer
    model = HouseholdVisit
    scope = "fieldwork.visit"

    def record(self, data):
        return fieldwork.record_visit(
            worker=self.request.user, household_id=data["household_id"], note=data.get("note", "")
        )


@extend_schema_view(list=extend_schema(summary="网格员月度评定（按辖区；可筛选提请解聘审查）"))
class MonthlyRatingViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = MonthlyRatingSerializer
    filterset_class = MonthlyRatingFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MonthlyRating.objects.none()
        return MonthlyRating.objects.restrict(self.request.user, VIEW).select_related("worker").order_by("-id")
