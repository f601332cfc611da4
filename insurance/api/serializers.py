"""Serializers of the insurance API: parse input, shape output. No writes here."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from grids.models import Area

from ..models import Claim, ClaimEvent, ClaimPhoto, Insurer, Peril, Policy, PremiumSchedule
from ..workflow import CLAIM_WORKFLOW

MONEY = {"max_digits": 12, "decimal_places": 2}


class InsurerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Insurer
        fields = ["id", "code", "name", "county"]


class PerilSerializer(serializers.ModelSerializer):
    class Meta:
        model = Peril
        fields = ["id", "code", "name"]


class PremiumScheduleSerializer(serializers.ModelSerializer):
    class Meta:
        model = PremiumSchedule
        fields = ["id", "insurer", "year", "small_premium", "middle_premium", "large_premium"]


class PremiumScheduleInputSerializer(serializers.Serializer):
    insurer = serializers.PrimaryKeyRelatedField(queryset=Insurer.objects.all(), label=_("保险公司"))
    year = serializers.IntegerField(min_value=2000, max_value=2100, label=_("年度"))
    small_premium = serializers.DecimalField(min_value=0, label=_("4万人以下保费"), **MONEY)
    middle_premium = serializers.DecimalField(min_value=0, label=_("4万至5万人保费"), **MONEY)
    large_premium = serializers.DecimalField(min_value=0, label=_("5万人以上保费"), **MONEY)


class PolicySerializer(serializers.ModelSerializer):
    insurer_name = serializers.CharField(source="insurer.name", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True)
    tier_label = serializers.CharField(source="get_tier_display", read_only=True)
    perils = PerilSerializer(many=True, read_only=True)

    class Meta:
        model = Policy
        fields = [
            "id",
            "number",
            "insurer",
            "insurer_name",
            "township",
            "township_name",
            "year",
            "starts_on",
            "ends_on",
            "population",
            "tier",
            "tier_label",
            "premium",
            "perils",
            "per_claim_limit",
            "household_year_limit",
            "excess",
            "renewed_from",
        ]


class PolicyInputSerializer(serializers.Serializer):
    insurer = serializers.PrimaryKeyRelatedField(queryset=Insurer.objects.all(), label=_("保险公司"))
    township = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all(), label=_("投保乡镇"))
    year = serializers.IntegerField(min_value=2000, max_value=2100, label=_("年度"))
    starts_on = serializers.DateField(required=False, allow_null=True, label=_("保险起期"))
    population = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, label=_("投保日总人口"), help_text=_("空则取乡镇登记人口")
    )
    perils = serializers.PrimaryKeyRelatedField(queryset=Peril.objects.all(), many=True, label=_("承保风险"))
    per_claim_limit = serializers.DecimalField(label=_("每次事故赔偿限额"), **MONEY)
    household_year_limit = serializers.DecimalField(label=_("每户年度累计赔偿限额"), **MONEY)
    excess = serializers.DecimalField(default=0, label=_("免赔额"), **MONEY)


class RenewSerializer(serializers.Serializer):
    population = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, label=_("续保日总人口"), help_text=_("空则取乡镇登记人口")
    )
    starts_on = serializers.DateField(required=False, allow_null=True, label=_("保险起期"))


class ClaimListSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    policy_number = serializers.CharField(source="policy.number", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    household_name = serializers.CharField(source="household.head_name", read_only=True)
    peril_name = serializers.CharField(source="peril.name", read_only=True)
    incident_number = serializers.CharField(source="incident.number", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            "number",
            "status",
            "status_label",
            "policy",
            "policy_number",
            "township",
            "township_name",
            "village",
            "village_name",
            "household",
            "household_name",
            "peril",
            "peril_name",
            "item",
            "loss_date",
            "loss_amount",
            "incident",
            "incident_number",
            "police_report_number",
            "reported_at",
            "paid_amount",
            "paid_on",
            "version",
        ]


class ClaimPhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ClaimPhoto
        fields = ["id", "original_name", "content_type", "size", "url"]

    def get_url(self, photo) -> str:
        return reverse("claim-photo", args=[photo.claim_id, photo.pk])


class ClaimEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()
    photos = ClaimPhotoSerializer(many=True, read_only=True)

    class Meta:
        model = ClaimEvent
        fields = [
            "id",
            "action",
            "action_label",
            "from_state",
            "to_state",
            "actor",
            "actor_name",
            "actor_role",
            "note",
            "data",
            "created_at",
            "photos",
        ]

    def get_actor_name(self, event) -> str:
        return str(event.actor) if event.actor else str(_("系统"))


class ClaimDetailSerializer(ClaimListSerializer):
    timeline = ClaimEventSerializer(source="events", many=True, read_only=True)
    actions = serializers.SerializerMethodField(help_text=_("当前用户现在可执行的操作"))

    class Meta(ClaimListSerializer.Meta):
        fields = ClaimListSerializer.Meta.fields + ["description", "decline_reason", "timeline", "actions"]

    def get_actions(self, claim) -> list[dict]:
        user = self.context["request"].user
        return [
            {"action": t.action, "label": str(t.label), "requires_note": t.requires_note}
            for t in CLAIM_WORKFLOW.available(user, claim)
        ]


class ClaimInputSerializer(serializers.Serializer):
    household = serializers.IntegerField(label=_("报案户"))
    policy = serializers.IntegerField(
        required=False, allow_null=True, label=_("保单"), help_text=_("空则按出险日期查找")
    )
    incident = serializers.IntegerField(
        required=False,
        allow_null=True,
        label=_("关联事件"),
        help_text=_("记录该盗窃的事件；与公安报案回执号至少填一项"),
    )
    police_report_number = serializers.CharField(
        required=False, allow_blank=True, max_length=40, default="", label=_("公安报案回执号")
    )
    peril = serializers.PrimaryKeyRelatedField(queryset=Peril.objects.all(), label=_("出险原因"))
    item = serializers.CharField(max_length=100, label=_("被盗财物"))
    loss_date = serializers.DateField(label=_("出险日期"))
    loss_amount = serializers.DecimalField(min_value=0, label=_("损失金额（元）"), **MONEY)
    description = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="", label=_("经过"))


class ClaimFormSerializer(ClaimInputSerializer):
    """The report page: the household and the incident by their numbers, as people read them."""

    household = None
    incident = None
    household_number = serializers.CharField(max_length=24, label=_("户编号"))
    incident_number = serializers.CharField(
        required=False, allow_blank=True, max_length=24, default="", label=_("事件编号")
    )


class ClaimActionSerializer(serializers.Serializer):
    """Every action: the version the page was loaded with (stale → 409), and a note."""

    version = serializers.IntegerField(required=False, min_value=1, help_text=_("加载页面时的版本号"))
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class VerifySerializer(ClaimActionSerializer):
    photos = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=9, label=_("现场照片")
    )


class SettleSerializer(ClaimActionSerializer):
    paid_amount = serializers.DecimalField(min_value=0, label=_("赔付金额（元）"), **MONEY)
    paid_on = serializers.DateField(required=False, allow_null=True, label=_("赔付日期"), help_text=_("空则为今天"))


class TownshipFiguresSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    township = serializers.IntegerField()
    township_name = serializers.CharField()
    policy = serializers.IntegerField()
    population = serializers.IntegerField()
    tier = serializers.CharField()
    premium = serializers.DecimalField(**MONEY)
    claims_filed = serializers.IntegerField()
    claims_paid = serializers.IntegerField()
    claims_declined = serializers.IntegerField()
    amount_paid = serializers.DecimalField(**MONEY)
    loss_ratio = serializers.FloatField(allow_null=True, help_text=_("赔付金额 ÷ 保费"))
    avg_days_to_payment = serializers.FloatField(allow_null=True, help_text=_("报案到赔付的平均天数"))
    thefts_before = serializers.IntegerField(help_text=_("保险期前一年盗窃事件数"))
    thefts_after = serializers.IntegerField(help_text=_("保险期内盗窃事件数"))
    thefts_per_10k_before = serializers.FloatField(allow_null=True)
    thefts_per_10k_after = serializers.FloatField(allow_null=True)


class FiguresSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    townships = TownshipFiguresSerializer(many=True)
    total = TownshipFiguresSerializer(help_text=_("全县合计（township 为 0）"))
