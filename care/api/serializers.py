"""Serializers of the care API: parse input, shape output. No writes here."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from grids.models import HouseholdColour
from incidents.models import Category as CaseCategory

from .. import services
from ..constants import Category, HelpKind, Keeper, NeedKind, RiskLevel, UnitKind
from ..models import (
    CarePlan,
    CareVisit,
    ColourChange,
    ColourChangeEvent,
    HelpLog,
    HelpPair,
    PlanEvent,
    PlanKeeper,
    PointsMovement,
    ShopItem,
    UnitLeader,
    Volunteer,
    WatchUnit,
)


class PlanKeeperSerializer(serializers.ModelSerializer):
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = PlanKeeper
        fields = ["id", "role", "role_label", "user", "name", "phone"]


class KeeperInputSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Keeper.choices, label=_("职责"))
    name = serializers.CharField(max_length=50, required=False, allow_blank=True, label=_("姓名"))
    user = serializers.IntegerField(required=False, allow_null=True, label=_("平台用户"))
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, label=_("电话"))

    def to_input(self, data) -> services.KeeperInput:
        return services.KeeperInput(
            role=data["role"], name=data.get("name", ""), user_id=data.get("user"), phone=data.get("phone", "")
        )


class PlanListSerializer(serializers.ModelSerializer):
    resident_name = serializers.CharField(source="resident.name", read_only=True)
    address = serializers.CharField(source="household.address", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    grid_name = serializers.CharField(source="grid.name", read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    risk_label = serializers.CharField(source="get_risk_level_display", read_only=True)

    class Meta:
        model = CarePlan
        fields = [
            "id",
            "resident",
            "resident_name",
            "household",
            "address",
            "township",
            "village",
            "village_name",
            "grid",
            "grid_name",
            "category",
            "category_label",
            "risk_level",
            "risk_label",
            "visit_every_days",
            "start_date",
            "review_date",
            "next_due",
            "last_visit_at",
            "keepers_complete",
            "is_active",
            "version",
        ]


class PlanEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.StringRelatedField(source="actor")

    class Meta:
        model = PlanEvent
        fields = ["id", "action", "action_label", "actor", "actor_name", "note", "data", "created_at"]


class CareVisitSerializer(serializers.ModelSerializer):
    visitor_name = serializers.StringRelatedField(source="visitor")
    photo_url = serializers.SerializerMethodField()
    case_number = serializers.CharField(source="case.number", read_only=True, default=None, allow_null=True)

    class Meta:
        model = CareVisit
        fields = [
            "id",
            "plan",
            "visitor",
            "visitor_name",
            "at",
            "place",
            "lat",
            "lng",
            "finding",
            "follow_up",
            "concern",
            "photo_url",
            "case",
            "case_number",
            "next_due",
        ]

    def get_photo_url(self, visit) -> str | None:
        return reverse("care-visit-photo", args=[visit.pk]) if visit.photo else None


class PlanDetailSerializer(PlanListSerializer):
    keepers = PlanKeeperSerializer(many=True, read_only=True)
    missing_keepers = serializers.SerializerMethodField()
    events = PlanEventSerializer(many=True, read_only=True)
    visits = CareVisitSerializer(many=True, read_only=True)

    class Meta(PlanListSerializer.Meta):
        fields = [*PlanListSerializer.Meta.fields, "note", "ended_on", "keepers", "missing_keepers", "events", "visits"]

    def get_missing_keepers(self, plan) -> list[str]:
        return services.missing_keepers(plan)


class PlanInputSerializer(serializers.Serializer):
    resident = serializers.IntegerField(label=_("居民"))
    category = serializers.ChoiceField(choices=Category.choices, label=_("类别"))
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices, label=_("风险等级"))
    visit_every_days = serializers.IntegerField(min_value=1, max_value=365, label=_("走访周期（天）"))
    start_date = serializers.DateField(label=_("开始日期"))
    review_date = serializers.DateField(label=_("复核日期"))
    keepers = KeeperInputSerializer(many=True, required=False, label=_("责任人"))
    note = serializers.CharField(required=False, allow_blank=True, label=_("计划内容"))


class ReviseInputSerializer(serializers.Serializer):
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices, label=_("风险等级"))
    visit_every_days = serializers.IntegerField(min_value=1, max_value=365, label=_("走访周期（天）"))
    review_date = serializers.DateField(label=_("复核日期"))
    keepers = KeeperInputSerializer(many=True, required=False, label=_("责任人"))
    note = serializers.CharField(required=False, allow_blank=True, label=_("计划内容"))
    reason = serializers.CharField(label=_("修订原因"))


class EndInputSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("结束原因"))


def _category_queryset():
    return CaseCategory.objects.filter(is_active=True, parent__isnull=False)


class VisitInputSerializer(serializers.Serializer):
    plan = serializers.IntegerField(label=_("计划"))
    finding = serializers.CharField(label=_("走访情况"))
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, label=_("地点"))
    lat = serializers.FloatField(required=False, allow_null=True, label=_("纬度"))
    lng = serializers.FloatField(required=False, allow_null=True, label=_("经度"))
    crs = serializers.ChoiceField(choices=["WGS84", "GCJ02", "BD09"], default="WGS84", label=_("坐标系"))
    photo = serializers.FileField(required=False, allow_null=True, allow_empty_file=False, label=_("照片"))
    follow_up = serializers.BooleanField(default=False, label=_("需跟进"))
    concern = serializers.BooleanField(default=False, label=_("发现异常"))
    raise_case = serializers.BooleanField(default=False, label=_("转立事件"))
    category = serializers.PrimaryKeyRelatedField(
        queryset=_category_queryset(), required=False, allow_null=True, label=_("事件分类")
    )


class RaiseCaseInputSerializer(serializers.Serializer):
    category = serializers.PrimaryKeyRelatedField(queryset=_category_queryset(), label=_("事件分类"))


class ColourEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.StringRelatedField(source="actor")

    class Meta:
        model = ColourChangeEvent
        fields = ["id", "action", "action_label", "from_state", "to_state", "actor", "actor_name", "note", "created_at"]


class ColourChangeSerializer(serializers.ModelSerializer):
    household_number = serializers.CharField(source="household.number", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ColourChange
        fields = [
            "id",
            "household",
            "household_number",
            "township",
            "village",
            "village_name",
            "from_colour",
            "to_colour",
            "reason",
            "status",
            "status_label",
            "proposed_by",
            "decided_by",
            "decided_at",
            "created_at",
            "version",
        ]


class ColourChangeDetailSerializer(ColourChangeSerializer):
    events = ColourEventSerializer(many=True, read_only=True)

    class Meta(ColourChangeSerializer.Meta):
        fields = [*ColourChangeSerializer.Meta.fields, "events"]


class ColourProposalSerializer(serializers.Serializer):
    household = serializers.IntegerField(label=_("户"))
    to_colour = serializers.ChoiceField(choices=HouseholdColour.choices, label=_("新颜色"))
    reason = serializers.CharField(label=_("理由"))


class ColourActionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, allow_null=True, label=_("版本"))
    note = serializers.CharField(required=False, allow_blank=True, default="", label=_("说明"))


class VolunteerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="resident.name", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)

    class Meta:
        model = Volunteer
        fields = ["id", "resident", "name", "household", "village", "village_name", "skills", "balance", "hours"]


class PointsMovementSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = PointsMovement
        fields = [
            "id",
            "volunteer",
            "kind",
            "kind_label",
            "points",
            "balance_after",
            "hours",
            "served_on",
            "item",
            "note",
            "at",
        ]


class ShopItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShopItem
        fields = ["id", "village", "name", "points", "stock"]


class VolunteerInputSerializer(serializers.Serializer):
    resident = serializers.IntegerField(label=_("居民"))
    skills = serializers.CharField(max_length=200, required=False, allow_blank=True, label=_("特长"))


class ServiceInputSerializer(serializers.Serializer):
    hours = serializers.DecimalField(max_digits=4, decimal_places=1, label=_("服务时长（小时）"))
    served_on = serializers.DateField(label=_("服务日期"))
    note = serializers.CharField(max_length=200, label=_("服务内容"))


class ExchangeInputSerializer(serializers.Serializer):
    item = serializers.IntegerField(label=_("商品"))


class HelpLogSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = HelpLog
        fields = ["id", "kind", "kind_label", "helped_on", "note", "recorded_by", "created_at"]


class HelpPairSerializer(serializers.ModelSerializer):
    helper_number = serializers.CharField(source="helper.number", read_only=True)
    helped_number = serializers.CharField(source="helped.number", read_only=True)
    logs = HelpLogSerializer(many=True, read_only=True)

    class Meta:
        model = HelpPair
        fields = [
            "id",
            "helper",
            "helper_number",
            "helped",
            "helped_number",
            "need",
            "village",
            "start_date",
            "end_date",
            "end_reason",
            "logs",
        ]


class PairInputSerializer(serializers.Serializer):
    helper = serializers.IntegerField(label=_("帮扶户"))
    helped = serializers.IntegerField(label=_("受助户"))
    need = serializers.ChoiceField(choices=NeedKind.choices, label=_("受助原因"))
    start_date = serializers.DateField(required=False, allow_null=True, label=_("结对日期"))


class EndPairSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, label=_("解除原因"))


class HelpInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=HelpKind.choices, label=_("帮扶内容"))
    helped_on = serializers.DateField(label=_("日期"))
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, label=_("说明"))


class UnitLeaderSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="resident.name", read_only=True)

    class Meta:
        model = UnitLeader
        fields = ["id", "resident", "name", "start_date", "end_date"]


class WatchUnitSerializer(serializers.ModelSerializer):
    members = serializers.SerializerMethodField()
    leaders = UnitLeaderSerializer(source="terms", many=True, read_only=True)

    class Meta:
        model = WatchUnit
        fields = ["id", "kind", "name", "village", "grid", "members", "leaders"]

    def get_members(self, unit) -> list[int]:
        return [m.household_id for m in unit.current_members]


class UnitInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=UnitKind.choices, label=_("类型"))
    name = serializers.CharField(max_length=50, label=_("名称"))
    households = serializers.ListField(child=serializers.IntegerField(), allow_empty=False, label=_("成员户"))


class MembersInputSerializer(serializers.Serializer):
    households = serializers.ListField(child=serializers.IntegerField(), allow_empty=False, label=_("成员户"))


class LeaderInputSerializer(serializers.Serializer):
    resident = serializers.IntegerField(label=_("居民"))
    start_date = serializers.DateField(required=False, allow_null=True, label=_("开始日期"))
