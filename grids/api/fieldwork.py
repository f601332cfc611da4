"""REST endpoints of grid workers' field work (/api/v1/fieldwork/…): the app posts patrol
check-ins and household visits with an Idempotency-Key (a retried POST returns the first row);
township and village staff record spot checks (抽查) of the workers they oversee; lists and
monthly ratings are scoped to the caller's areas."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from governance import idempotency

from .. import fieldwork, selectors
from ..models import HouseholdVisit, MonthlyRating, NoGpsReason, PatrolCheckIn, SpotCheck
from ..scoping import VIEW
from .filters import MonthlyRatingFilter


class CheckInSerializer(serializers.ModelSerializer):
    crs = serializers.ChoiceField(choices=["WGS84", "GCJ02", "BD09"], default="WGS84", write_only=True)
    lat = serializers.FloatField(label=_("纬度"), required=False, allow_null=True, default=None)
    lng = serializers.FloatField(label=_("经度"), required=False, allow_null=True, default=None)
    no_gps_reason = serializers.ChoiceField(
        choices=NoGpsReason.choices, required=False, allow_blank=True, default="", label=_("未定位原因"),
        help_text=_("手机无法定位时不传 lat/lng，传原因：以本人网格的中心打卡（position = grid_centre）"),
    )

    class Meta:
        model = PatrolCheckIn
        fields = ["id", "worker", "grid", "lat", "lng", "crs", "position", "no_gps_reason", "in_own_grid", "note", "at"]
        read_only_fields = ["id", "worker", "grid", "position", "in_own_grid", "at"]


class VisitSerializer(serializers.ModelSerializer):
    household = serializers.IntegerField(source="household_id")

    class Meta:
        model = HouseholdVisit
        fields = ["id", "worker", "household", "grid", "note", "at"]
        read_only_fields = ["id", "worker", "grid", "at"]


class SpotCheckSerializer(serializers.ModelSerializer):
    worker = serializers.IntegerField(source="worker_id", label=_("网格员"), help_text=_("被抽查网格员的用户 ID"))
    worker_name = serializers.CharField(source="worker.full_name", read_only=True, label=_("网格员姓名"))
    checked_by_name = serializers.CharField(source="checked_by.full_name", read_only=True, label=_("抽查人姓名"))
    grid_name = serializers.CharField(source="grid.name", read_only=True, label=_("网格名称"))
    passed = serializers.BooleanField(label=_("合格"))

    class Meta:
        model = SpotCheck
        fields = ["id", "worker", "worker_name", "grid", "grid_name", "checked_by", "checked_by_name", "day",
                  "passed", "note"]
        read_only_fields = ["id", "grid", "checked_by"]

    def validate_worker(self, value):
        post = selectors.workers_to_spot_check(self.context["request"].user).filter(user_id=value).first()
        if post is None:
            raise serializers.ValidationError(_("网格员不存在或不在您可抽查的网格内。"))
        return post.user


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
        row, created = idempotency.once_for_request(
            request, scope=self.scope, model=self.model, run=lambda: self.record(serializer.validated_data)
        )
        return Response(self.get_serializer(row).data, **idempotency.answer(created))


@extend_schema_view(
    list=extend_schema(summary="巡查打卡记录（按辖区）"),
    create=extend_schema(
        summary="巡查打卡（网格员；带位置，或注明未定位原因以网格中心打卡；幂等）",
        parameters=[idempotency.HEADER_PARAMETER],
        responses={201: CheckInSerializer, 200: CheckInSerializer},
    ),
)
class CheckInViewSet(_FieldworkViewSet):
    serializer_class = CheckInSerializer
    model = PatrolCheckIn
    scope = "fieldwork.check_in"

    def record(self, data):
        return fieldwork.check_in(
            worker=self.request.user, lat=data["lat"], lng=data["lng"], crs=data["crs"], note=data.get("note", ""),
            no_gps_reason=data["no_gps_reason"],
        )


@extend_schema_view(
    list=extend_schema(summary="入户走访记录（按辖区）"),
    create=extend_schema(
        summary="登记入户走访（网格员；幂等）",
        parameters=[idempotency.HEADER_PARAMETER],
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


@extend_schema_view(
    list=extend_schema(summary="抽查记录（按辖区，新的在前）"),
    create=extend_schema(
        summary="登记抽查（乡镇、村对所辖网格员；不能抽查本人）", responses={201: SpotCheckSerializer}
    ),
)
class SpotCheckViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = SpotCheckSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SpotCheck.objects.none()
        return selectors.spot_checks_for(self.request.user).order_by("-id")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        row = fieldwork.record_spot_check(worker=data.pop("worker_id"), checked_by=request.user, **data)
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(summary="网格员月度评定（按辖区；可筛选提请解聘审查）"))
class MonthlyRatingViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = MonthlyRatingSerializer
    filterset_class = MonthlyRatingFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MonthlyRating.objects.none()
        return MonthlyRating.objects.restrict(self.request.user, VIEW).select_related("worker").order_by("-id")
