"""Serializers of the disputes API: parse input, shape output. No writes here."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from governance.models import User
from incidents.models import Category

from ..constants import Channel, Difficulty, PartySide, ReferredTo
from ..models import (
    FollowUp,
    Mediation,
    MediationBody,
    MediationParty,
    MediationSession,
    Mediator,
    Petition,
    Petitioner,
    SubsidyLine,
    SubsidyStatement,
)
from ..workflow import MEDIATION_WORKFLOW, PETITION_WORKFLOW, STATEMENT_WORKFLOW

# --- input -----------------------------------------------------------------------------------


class DisputeActionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1, label=_("版本"))
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000, label=_("说明"))


class MediationPartyInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50, label=_("姓名"))
    side = serializers.ChoiceField(choices=PartySide.choices, default=PartySide.APPLICANT, label=_("身份"))
    phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=20, label=_("电话"))
    address = serializers.CharField(required=False, allow_blank=True, default="", max_length=200, label=_("住址"))


class OpenMediationSerializer(serializers.Serializer):
    case = serializers.IntegerField(label=_("事件"))
    body = serializers.IntegerField(label=_("调解组织"))
    mediators = serializers.ListField(child=serializers.IntegerField(), allow_empty=False, label=_("调解员"))
    matter = serializers.CharField(max_length=4000, label=_("纠纷事项"))
    difficulty = serializers.ChoiceField(choices=Difficulty.choices, default=Difficulty.ORDINARY, label=_("难易程度"))
    parties = MediationPartyInputSerializer(many=True, allow_empty=False, label=_("当事人"))


class SessionSerializer(DisputeActionSerializer):
    held_on = serializers.DateField(label=_("调解日期"))
    place = serializers.CharField(required=False, allow_blank=True, default="", max_length=100, label=_("地点"))
    attendees = serializers.CharField(max_length=300, label=_("到场人员"))
    notes = serializers.CharField(max_length=8000, label=_("调解经过"))
    mediators = serializers.ListField(child=serializers.IntegerField(), allow_empty=False, label=_("主持调解员"))


class AgreeSerializer(DisputeActionSerializer):
    agreement_text = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=20000, label=_("协议内容")
    )
    agreement_file = serializers.FileField(required=False, allow_null=True, default=None, label=_("协议扫描件"))


class ReferSerializer(DisputeActionSerializer):
    referred_to = serializers.ChoiceField(choices=ReferredTo.choices, label=_("引导至"))


class ConfirmSerializer(DisputeActionSerializer):
    confirmed_on = serializers.DateField(label=_("司法确认日期"))
    court = serializers.CharField(max_length=100, label=_("确认法院"))


class FollowUpSerializer(DisputeActionSerializer):
    follow_up = serializers.IntegerField(label=_("回访计划"))
    done_on = serializers.DateField(required=False, allow_null=True, default=None, label=_("回访日期"))


class EscalateSerializer(DisputeActionSerializer):
    body = serializers.IntegerField(label=_("上级调解组织"))
    mediators = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, label=_("调解员（可不选）")
    )


class PetitionerInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50, label=_("姓名"))
    id_number = serializers.CharField(required=False, allow_blank=True, default="", max_length=18, label=_("身份证号"))
    phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=20, label=_("电话"))


class PetitionInputSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices, label=_("渠道"))
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.filter(is_active=True, parent__isnull=False), label=_("分类")
    )
    description = serializers.CharField(max_length=4000, label=_("信访事项"))
    petitioners = PetitionerInputSerializer(many=True, allow_empty=False, label=_("信访人"))
    lat = serializers.FloatField(required=False, allow_null=True, default=None, label=_("纬度"))
    lng = serializers.FloatField(required=False, allow_null=True, default=None, label=_("经度"))
    crs = serializers.ChoiceField(choices=["WGS84", "GCJ02", "BD09"], default="WGS84", label=_("坐标系"))
    grid = serializers.IntegerField(required=False, allow_null=True, default=None, label=_("网格"))
    address = serializers.CharField(required=False, allow_blank=True, default="", max_length=200, label=_("地址"))
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
        label=_("包案领导"),
    )
    reply_due_on = serializers.DateField(required=False, allow_null=True, default=None, label=_("答复期限"))
    on_behalf = serializers.BooleanField(required=False, default=False, label=_("信访代办"))


class AssignOwnerSerializer(DisputeActionSerializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), label=_("包案领导"))
    reply_due_on = serializers.DateField(required=False, allow_null=True, default=None, label=_("答复期限"))


class ReplySerializer(DisputeActionSerializer):
    reply_text = serializers.CharField(max_length=8000, label=_("答复意见"))


# --- output ----------------------------------------------------------------------------------


def _actions(workflow, obj, context):
    request = context.get("request")
    if request is None:
        return []
    return [{"action": t.action, "label": str(t.label)} for t in workflow.available(request.user, obj)]


class DisputeEventSerializer(serializers.Serializer):
    action = serializers.CharField()
    action_label = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    actor = serializers.StringRelatedField()
    note = serializers.CharField()
    data = serializers.JSONField()
    created_at = serializers.DateTimeField()


class BodySerializer(serializers.ModelSerializer):
    class Meta:
        model = MediationBody
        fields = ["id", "kind", "level", "name", "county", "township", "village", "address", "is_active"]


class MediatorSerializer(serializers.ModelSerializer):
    body_name = serializers.CharField(source="body.name", read_only=True)

    class Meta:
        model = Mediator
        fields = ["id", "name", "body", "body_name", "user", "is_active"]


class MediationListSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    body_name = serializers.CharField(source="body.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Mediation
        fields = [
            "id",
            "number",
            "case",
            "case_number",
            "body",
            "body_name",
            "level",
            "difficulty",
            "status",
            "status_label",
            "township",
            "village",
            "created_at",
            "concluded_at",
        ]


class PartySerializer(serializers.ModelSerializer):
    class Meta:
        model = MediationParty
        fields = ["id", "name", "side"]


class SessionOutSerializer(serializers.ModelSerializer):
    mediators = serializers.StringRelatedField(many=True)

    class Meta:
        model = MediationSession
        fields = ["id", "held_on", "place", "attendees", "mediators", "notes"]


class FollowUpOutSerializer(serializers.ModelSerializer):
    done_by = serializers.StringRelatedField()

    class Meta:
        model = FollowUp
        fields = ["id", "due_on", "done_on", "done_by", "finding"]


class MediationDetailSerializer(MediationListSerializer):
    parties = PartySerializer(many=True, read_only=True)
    mediators = MediatorSerializer(many=True, read_only=True)
    sessions = SessionOutSerializer(many=True, read_only=True)
    follow_ups = FollowUpOutSerializer(many=True, read_only=True)
    events = DisputeEventSerializer(many=True, read_only=True)
    actions = serializers.SerializerMethodField()
    has_agreement_file = serializers.SerializerMethodField()

    class Meta(MediationListSerializer.Meta):
        fields = MediationListSerializer.Meta.fields + [
            "version",
            "matter",
            "escalated_from",
            "agreement_text",
            "has_agreement_file",
            "referred_to",
            "confirmed_on",
            "confirmed_by_court",
            "parties",
            "mediators",
            "sessions",
            "follow_ups",
            "events",
            "actions",
        ]

    def get_actions(self, obj) -> list[dict]:
        return _actions(MEDIATION_WORKFLOW, obj, self.context)

    def get_has_agreement_file(self, obj) -> bool:
        return bool(obj.agreement_file)


class PetitionListSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    owner_name = serializers.StringRelatedField(source="owner")
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    is_repeat = serializers.BooleanField(read_only=True)

    class Meta:
        model = Petition
        fields = [
            "id",
            "case",
            "case_number",
            "channel",
            "category",
            "status",
            "status_label",
            "township",
            "village",
            "received_at",
            "is_repeat",
            "first_petition",
            "owner",
            "owner_name",
            "reply_due_on",
            "replied_at",
            "replied_on_time",
            "filed_by_agent",
            "backlog_since",
        ]


class PetitionerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Petitioner
        fields = ["id", "name", "id_masked"]


class PetitionDetailSerializer(PetitionListSerializer):
    petitioners = PetitionerSerializer(many=True, read_only=True)
    events = DisputeEventSerializer(many=True, read_only=True)
    repeats = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    actions = serializers.SerializerMethodField()

    class Meta(PetitionListSerializer.Meta):
        fields = PetitionListSerializer.Meta.fields + [
            "version",
            "reply_text",
            "resolved_at",
            "petitioners",
            "repeats",
            "events",
            "actions",
        ]

    def get_actions(self, obj) -> list[dict]:
        return _actions(PETITION_WORKFLOW, obj, self.context)


class LineSerializer(serializers.ModelSerializer):
    mediator_name = serializers.CharField(source="mediator.name", read_only=True)
    mediation_number = serializers.CharField(source="mediation.number", read_only=True)

    class Meta:
        model = SubsidyLine
        fields = [
            "mediator",
            "mediator_name",
            "mediation",
            "mediation_number",
            "difficulty",
            "concluded_on",
            "rate",
            "amount",
        ]


class StatementListSerializer(serializers.ModelSerializer):
    body_name = serializers.CharField(source="body.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = SubsidyStatement
        fields = [
            "id",
            "body",
            "body_name",
            "month",
            "township",
            "status",
            "status_label",
            "cases",
            "total",
            "approved_at",
        ]


class StatementDetailSerializer(StatementListSerializer):
    lines = LineSerializer(many=True, read_only=True)
    events = DisputeEventSerializer(many=True, read_only=True)
    actions = serializers.SerializerMethodField()

    class Meta(StatementListSerializer.Meta):
        fields = StatementListSerializer.Meta.fields + ["version", "lines", "events", "actions"]

    def get_actions(self, obj) -> list[dict]:
        return _actions(STATEMENT_WORKFLOW, obj, self.context)
