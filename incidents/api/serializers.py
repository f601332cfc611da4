"""Serializers of the incidents API: parse input, shape output. No writes here."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from governance.phones import mask_phone
from grids.coords import SYSTEMS

from .. import deadlines
from ..constants import MAX_PARTIES, CaseStatus, Outcome, PartyRole, Source, UrgeGrade
from ..models import Case, CaseAttachment, CaseEvent, Category, ReplyTemplate, Unit
from ..workflow import CASE_WORKFLOW


class UnitSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "kind", "kind_label", "area"]


class CategorySerializer(serializers.ModelSerializer):
    handling_level_label = serializers.CharField(source="get_handling_level_display", read_only=True)

    class Meta:
        model = Category
        fields = ["id", "code", "name", "parent", "handling_level", "handling_level_label", "default_unit", "urgency"]


class ReplyTemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReplyTemplate
        fields = ["id", "action", "category", "text"]


# A row of the case list. The list itself is written by `list_rows` from plain value rows (the same
# keys, in the same order, the same values — tests/incidents/test_list_rows.py); this class
# describes it in the OpenAPI schema and is the reference the rows are checked against. (Each field
# through DRF cost ≈ 20 ms of Python for a page of 50: docs/performance.md.) No docstring: it would
# become the schema's description.
class CaseListSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    grid_name = serializers.CharField(source="grid.name", read_only=True)
    handling_unit_name = serializers.CharField(
        source="handling_unit.name", read_only=True, default=None, allow_null=True
    )
    possible_duplicate_of_number = serializers.CharField(
        source="possible_duplicate_of.number", read_only=True, default=None, allow_null=True
    )
    colour = serializers.SerializerMethodField(help_text=_("green / yellow / red；无计时为空"))

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "status",
            "status_label",
            "source",
            "source_label",
            "category",
            "category_name",
            "urgency",
            "township",
            "township_name",
            "village",
            "village_name",
            "grid",
            "grid_name",
            "address",
            "handling_unit",
            "handling_unit_name",
            "phase",
            "due_at",
            "colour",
            "is_postponed",
            "self_resolved",
            "possible_duplicate_of",
            "possible_duplicate_of_number",
            "created_at",
            "version",
        ]

    def get_colour(self, case) -> str:
        return deadlines.colour(case, self.context.get("now"))


_DATETIME = serializers.DateTimeField()  # stateless: the output format and the current time zone


def list_rows(values, area_names: dict[int, str], now) -> list[dict]:
    """CaseListSerializer's rows from `selectors.list_values` rows and the areas' names: no model
    instances, no per-field DRF calls, the labels translated once per page."""
    statuses = {key: str(label) for key, label in CaseStatus.choices}
    sources = {key: str(label) for key, label in Source.choices}
    when = _DATETIME.to_representation
    rows = []
    for v in values:
        due_at = v["due_at"]
        rows.append(
            {
                "id": v["id"],
                "number": v["number"],
                "status": v["status"],
                "status_label": statuses.get(v["status"], v["status"]),
                "source": v["source"],
                "source_label": sources.get(v["source"], v["source"]),
                "category": v["category_id"],
                "category_name": v["category__name"],
                "urgency": v["urgency"],
                "township": v["township_id"],
                "township_name": area_names.get(v["township_id"]),
                "village": v["village_id"],
                "village_name": area_names.get(v["village_id"]),
                "grid": v["grid_id"],
                "grid_name": area_names.get(v["grid_id"]),
                "address": v["address"],
                "handling_unit": v["handling_unit_id"],
                "handling_unit_name": v["handling_unit__name"],
                "phase": v["phase"],
                "due_at": when(due_at) if due_at else None,
                "colour": deadlines.colour_of(due_at, v["warn_at"], now),
                "is_postponed": v["is_postponed"],
                "self_resolved": v["self_resolved"],
                "possible_duplicate_of": v["possible_duplicate_of_id"],
                "possible_duplicate_of_number": v["possible_duplicate_of__number"],
                "created_at": when(v["created_at"]),
                "version": v["version"],
            }
        )
    return rows


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = CaseAttachment
        fields = ["id", "original_name", "content_type", "size", "url", "created_at"]

    def get_url(self, attachment) -> str:
        return f"/api/v1/cases/{attachment.case_id}/attachments/{attachment.id}/"


class EventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = CaseEvent
        fields = [
            "id",
            "action",
            "action_label",
            "from_state",
            "to_state",
            "actor",
            "actor_name",
            "actor_role",
            "actor_unit",
            "unit",
            "unit_name",
            "note",
            "data",
            "created_at",
            "attachments",
        ]

    def get_actor_name(self, event) -> str:
        return str(event.actor) if event.actor else str(_("系统"))


class CaseDetailSerializer(CaseListSerializer):
    category_path = serializers.SerializerMethodField()
    reporter_display = serializers.SerializerMethodField()
    reporter_phone = serializers.SerializerMethodField()
    parties = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)
    timeline = EventSerializer(source="events", many=True, read_only=True)
    actions = serializers.SerializerMethodField(help_text=_("当前用户现在可执行的操作"))
    suggested_unit_name = serializers.CharField(
        source="suggested_unit.name", read_only=True, default=None, allow_null=True
    )
    duplicate_of_number = serializers.CharField(
        source="duplicate_of.number", read_only=True, default=None, allow_null=True
    )
    time_left_seconds = serializers.SerializerMethodField()

    class Meta(CaseListSerializer.Meta):
        fields = CaseListSerializer.Meta.fields + [
            "category_path",
            "description",
            "lat",
            "lng",
            "reporter",
            "reporter_display",
            "reporter_phone",
            "suggested_unit",
            "suggested_unit_name",
            "dispatcher_unit",
            "warn_at",
            "dispatched_at",
            "closed_at",
            "closed_on_time",
            "rework_count",
            "urge_count",
            "top_urge_grade",
            "outcome",
            "result",
            "pending_extension_until",
            "duplicate_of",
            "duplicate_of_number",
            "satisfaction",
            "parties",
            "attachments",
            "timeline",
            "actions",
            "time_left_seconds",
        ]

    def get_category_path(self, case) -> str:
        parent = case.category.parent
        return f"{parent.name} / {case.category.name}" if parent else case.category.name

    def get_reporter_display(self, case) -> str:
        return str(case.reporter) if case.reporter else case.reporter_name

    def get_reporter_phone(self, case) -> str:
        return mask_phone(case.reporter_phone)

    def get_parties(self, case) -> list[dict]:
        return [{"name": p.name, "role": p.role, "household": p.household_id} for p in case.parties.all()]

    def get_actions(self, case) -> list[dict]:
        user = self.context["request"].user
        return [
            {"action": t.action, "label": str(t.label), "requires_note": t.requires_note}
            for t in CASE_WORKFLOW.available(user, case)
        ]

    def get_time_left_seconds(self, case) -> int | None:
        return int((case.due_at - timezone.now()).total_seconds()) if case.due_at else None


class PartyInputSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=50)
    household = serializers.IntegerField(required=False, allow_null=True)
    role = serializers.ChoiceField(choices=PartyRole.choices, default=PartyRole.OTHER)


class IntakeSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=Source.choices, label=_("来源"))
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.filter(is_active=True).select_related("parent"), label=_("分类")
    )
    description = serializers.CharField(max_length=2000, label=_("事件描述"))
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90, label=_("纬度"))
    lng = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180, label=_("经度"))
    crs = serializers.ChoiceField(choices=list(SYSTEMS), default="WGS84", label=_("坐标系"))
    grid = serializers.IntegerField(required=False, allow_null=True, label=_("网格"))
    address = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    reporter_name = serializers.CharField(required=False, allow_blank=True, max_length=50, default="")
    reporter_phone = serializers.CharField(required=False, allow_blank=True, max_length=20, default="")
    parties = PartyInputSerializer(many=True, required=False, default=list, max_length=MAX_PARTIES)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=9)
    self_resolved = serializers.BooleanField(default=False, label=_("自办结"))
    result = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class CaseActionSerializer(serializers.Serializer):
    """Every action: the version the page was loaded with (stale → 409), and a note."""

    version = serializers.IntegerField(required=False, min_value=1, help_text=_("加载页面时的版本号"))
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class UnitActionSerializer(CaseActionSerializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), label=_("处置单位"))


class ArriveSerializer(CaseActionSerializer):
    """到场确认 (115): the phone's position where the browser gives it (all three or none)."""

    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90, label=_("纬度"))
    lng = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180, label=_("经度"))
    accuracy = serializers.FloatField(required=False, allow_null=True, min_value=0, label=_("定位精度（米）"))

    def validate(self, attrs):
        if (attrs.get("lat") is None) != (attrs.get("lng") is None):
            raise serializers.ValidationError({"lng": _("经纬度须同时提供。")})
        return attrs


class MergeSerializer(CaseActionSerializer):
    original = serializers.PrimaryKeyRelatedField(queryset=Case.objects.all(), label=_("原事件"))


class DisposeSerializer(CaseActionSerializer):
    result = serializers.CharField(max_length=2000, label=_("处置情况"))
    outcome = serializers.ChoiceField(choices=Outcome.choices, default=Outcome.RESOLVED, label=_("处置结果"))
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=9)


class UrgeSerializer(CaseActionSerializer):
    grade = serializers.ChoiceField(choices=UrgeGrade.choices, default=UrgeGrade.NORMAL, label=_("督办等级"))


class ExtensionRequestSerializer(CaseActionSerializer):
    until = serializers.DateTimeField(label=_("申请延期至"))


class ExtensionDecisionSerializer(CaseActionSerializer):
    approve = serializers.BooleanField(label=_("同意"))


class CallbackSerializer(CaseActionSerializer):
    satisfaction = serializers.IntegerField(min_value=1, max_value=5, label=_("满意度"))
