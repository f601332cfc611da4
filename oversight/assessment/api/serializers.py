"""Serializers of the assessment and stability-index API: parse input, shape output. No writes."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from grids.models import Area

from ...models import AreaRating, Evidence, EvidenceEvent, Indicator, StabilityIndex
from ..workflow import EVIDENCE_WORKFLOW, RATING_WORKFLOW

ERRORS = {
    "required": _("此项为必填项。"),
    "invalid": _("格式不正确。"),
    "null": _("此项不能为空。"),
    "does_not_exist": _("所选对象不存在。"),
    "incorrect_type": _("类型不正确。"),
    "blank": _("此项不能为空。"),
    "max_value": _("数值过大。"),
    "min_value": _("数值过小。"),
    "empty": _("未提交文件。"),
}


class IndicatorSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    metric_label = serializers.CharField(source="get_metric_display", read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "level",
            "level_label",
            "code",
            "group",
            "name",
            "metric",
            "metric_label",
            "category_codes",
            "sources",
            "comparison",
            "threshold",
            "points",
            "is_veto",
        ]


class AssessmentEventSerializer(serializers.Serializer):
    action = serializers.CharField()
    action_label = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    actor = serializers.CharField(source="actor.full_name", default=None)
    note = serializers.CharField()
    data = serializers.JSONField()
    created_at = serializers.DateTimeField()


class BreakdownRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    group = serializers.CharField()
    metric = serializers.CharField()
    comparison = serializers.CharField()
    threshold = serializers.FloatField(allow_null=True)
    value = serializers.FloatField(allow_null=True)
    passed = serializers.BooleanField(allow_null=True, help_text=_("空表示缺少已采信的佐证"))
    veto = serializers.BooleanField()
    points = serializers.FloatField()
    evidence = serializers.IntegerField(allow_null=True)


class AreaRatingSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True)
    area_code = serializers.CharField(source="area.code", read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    result_label = serializers.CharField(source="get_result_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = AreaRating
        fields = [
            "id",
            "year",
            "area",
            "area_name",
            "area_code",
            "level",
            "level_label",
            "township",
            "score",
            "result",
            "result_label",
            "status",
            "status_label",
            "version",
            "computed_at",
        ]


class AreaRatingDetailSerializer(AreaRatingSerializer):
    breakdown = BreakdownRowSerializer(many=True, read_only=True)
    events = AssessmentEventSerializer(many=True, read_only=True)
    actions = serializers.SerializerMethodField()

    class Meta(AreaRatingSerializer.Meta):
        fields = [*AreaRatingSerializer.Meta.fields, "breakdown", "events", "actions"]

    def get_actions(self, rating) -> list[str]:
        return [t.action for t in RATING_WORKFLOW.available(self.context["request"].user, rating)]


class DecisionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, error_messages=ERRORS, help_text=_("载入时的版本号"))
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class ComputeSerializer(serializers.Serializer):
    county = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all(), error_messages=ERRORS)
    year = serializers.IntegerField(error_messages=ERRORS)


class ComputeResultSerializer(serializers.Serializer):
    ratings = serializers.IntegerField(help_text=_("写入（新建或更新）的评定数；已认定的不变"))


class EvidenceSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True)
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    submitted_by_name = serializers.CharField(source="submitted_by.full_name", read_only=True)
    has_file = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "year",
            "area",
            "area_name",
            "indicator",
            "indicator_code",
            "indicator_name",
            "passed",
            "note",
            "has_file",
            "original_name",
            "status",
            "status_label",
            "version",
            "submitted_by_name",
            "created_at",
        ]

    def get_has_file(self, evidence) -> bool:
        return bool(evidence.file)


class EvidenceDetailSerializer(EvidenceSerializer):
    events = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta(EvidenceSerializer.Meta):
        fields = [*EvidenceSerializer.Meta.fields, "events", "actions"]

    def get_events(self, evidence) -> list[dict]:
        rows = EvidenceEvent.objects.filter(evidence=evidence).select_related("actor")
        return AssessmentEventSerializer(rows, many=True).data

    def get_actions(self, evidence) -> list[str]:
        return [t.action for t in EVIDENCE_WORKFLOW.available(self.context["request"].user, evidence)]


class EvidenceInputSerializer(serializers.Serializer):
    area = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all(), error_messages=ERRORS)
    indicator = serializers.PrimaryKeyRelatedField(queryset=Indicator.objects.all(), error_messages=ERRORS)
    year = serializers.IntegerField(error_messages=ERRORS)
    passed = serializers.BooleanField(error_messages=ERRORS, help_text=_("该指标本年度是否达标"))
    note = serializers.CharField(error_messages=ERRORS, max_length=2000)
    file = serializers.FileField(required=False, error_messages=ERRORS, help_text=_("PDF 或图片，不超过 10 MB"))


class StabilitySerializer(serializers.ModelSerializer):
    township_name = serializers.CharField(source="township.name", read_only=True)
    township_code = serializers.CharField(source="township.code", read_only=True)
    colour_label = serializers.CharField(source="get_colour_display", read_only=True)

    class Meta:
        model = StabilityIndex
        fields = [
            "id",
            "week_start",
            "township",
            "township_name",
            "township_code",
            "index",
            "colour",
            "colour_label",
            "breakdown",
            "computed_at",
        ]


class ColourSerializer(serializers.Serializer):
    township = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    index = serializers.FloatField()
    colour = serializers.CharField()


class ColoursSerializer(serializers.Serializer):
    week_start = serializers.DateField(allow_null=True)
    townships = ColourSerializer(many=True)
