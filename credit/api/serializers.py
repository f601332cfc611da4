"""Serializers of the credit API: parse input, shape output. No writes here."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..constants import CheckResult, MovementKind
from ..models import (
    CreditLine,
    Enterprise,
    EvaluationRound,
    Fact,
    GradeBand,
    Objection,
    Rating,
    RoundEvent,
    RuleItem,
    RuleVersion,
    SafeVillage,
    Subject,
)
from ..workflow import ROUND_WORKFLOW


class EnterpriseSerializer(serializers.ModelSerializer):
    village_name = serializers.CharField(source="village.name", read_only=True)
    subject = serializers.IntegerField(source="subject.id", read_only=True)

    class Meta:
        model = Enterprise
        fields = ["id", "name", "credit_code", "legal_representative", "address", "village", "village_name", "subject"]
        read_only_fields = fields


class EnterpriseInputSerializer(serializers.Serializer):
    village = serializers.IntegerField(label=_("村/社区"))
    name = serializers.CharField(max_length=100, label=_("企业名称"))
    credit_code = serializers.CharField(max_length=40, label=_("统一社会信用代码"))
    legal_representative = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class SubjectSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True)
    credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Subject
        fields = [
            "id",
            "kind",
            "kind_label",
            "name",
            "household",
            "enterprise",
            "credit_code",
            "village",
            "village_name",
            "township",
            "township_name",
        ]
        read_only_fields = fields


class StandingSerializer(serializers.Serializer):
    """What the cooperative sees: grade, line, validity — never why a subject is not eligible."""

    subject = serializers.IntegerField()
    name = serializers.CharField()
    eligible = serializers.BooleanField()
    grade = serializers.CharField(help_text=_("空表示未评级或不符合条件"))
    credit_line = serializers.IntegerField()
    valid_until = serializers.DateField(allow_null=True)
    status_label = serializers.CharField()


class RuleItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = RuleItem
        fields = ["code", "name", "kind", "applies_to", "points", "valid_months", "case_categories"]


class GradeBandSerializer(serializers.ModelSerializer):
    class Meta:
        model = GradeBand
        fields = ["grade", "min_score", "credit_line", "term_months"]


class RuleVersionSerializer(serializers.ModelSerializer):
    items = RuleItemSerializer(many=True, read_only=True)
    bands = GradeBandSerializer(many=True, read_only=True)

    class Meta:
        model = RuleVersion
        fields = ["id", "number", "base_score", "note", "published_at", "items", "bands"]


class FactSerializer(serializers.ModelSerializer):
    subject_name = serializers.CharField(source="subject.name", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    source_case_number = serializers.CharField(
        source="source_case.number", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Fact
        fields = [
            "id",
            "subject",
            "subject_name",
            "village",
            "village_name",
            "item_code",
            "item_name",
            "kind",
            "kind_label",
            "occurred_on",
            "origin",
            "source_case",
            "source_case_number",
            "note",
            "status",
            "status_label",
            "version",
            "created_at",
            "proposed_by",
            "decided_by",
            "household_told_on",
        ]
        read_only_fields = fields


class FactInputSerializer(serializers.Serializer):
    subject = serializers.IntegerField(label=_("主体"))
    item_code = serializers.CharField(max_length=40, label=_("条目代码"))
    occurred_on = serializers.DateField(label=_("发生日期"))
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CreditActionSerializer(serializers.Serializer):
    """Every action: the version the page was loaded with (stale → 409), and a note."""

    version = serializers.IntegerField(required=False, min_value=1, help_text=_("加载页面时的版本号"))
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class FactDecisionSerializer(CreditActionSerializer):
    told_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        label=_("告知本户日期"),
        help_text=_("否决经第二名成员确认即时生效时必填：告知本户的日期"),
    )


class RoundInputSerializer(serializers.Serializer):
    village = serializers.IntegerField(label=_("村/社区"))
    period = serializers.CharField(max_length=20, label=_("期次"))
    notice_days = serializers.IntegerField(default=7, label=_("公示天数"))


class NominateSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1)
    households = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    enterprise_subjects = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    whole_village = serializers.BooleanField(default=False, label=_("全村农户"))


class NominateResultSerializer(serializers.Serializer):
    added = serializers.IntegerField()


class ObjectionInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1)
    lodged_by_name = serializers.CharField(max_length=50, label=_("异议人"))
    content = serializers.CharField(max_length=2000, label=_("异议内容"))
    rating = serializers.IntegerField(required=False, allow_null=True, label=_("涉及的评定结果"))


class AnswerInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1)
    objection = serializers.IntegerField(label=_("异议"))
    answer = serializers.CharField(max_length=2000, label=_("答复"))


class ObjectionSerializer(serializers.ModelSerializer):
    subject_name = serializers.CharField(source="rating.subject.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Objection
        fields = ["id", "rating", "subject_name", "lodged_by_name", "content", "lodged_at", "answer", "answered_at"]


class RoundEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = RoundEvent
        fields = [
            "id",
            "action",
            "action_label",
            "from_state",
            "to_state",
            "actor_name",
            "actor_role",
            "note",
            "data",
            "created_at",
        ]

    def get_actor_name(self, event) -> str:
        return str(event.actor) if event.actor else str(_("系统"))


class RoundSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True)
    rule_version_number = serializers.IntegerField(source="rule_version.number", read_only=True)
    rating_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = EvaluationRound
        fields = [
            "id",
            "period",
            "village",
            "village_name",
            "township",
            "township_name",
            "status",
            "status_label",
            "rule_version",
            "rule_version_number",
            "notice_days",
            "notice_ends_at",
            "scored_on",
            "effective_on",
            "rating_count",
            "version",
            "created_at",
        ]
        read_only_fields = fields


class RoundDetailSerializer(RoundSerializer):
    timeline = RoundEventSerializer(source="events", many=True, read_only=True)
    objections = ObjectionSerializer(many=True, read_only=True)
    actions = serializers.SerializerMethodField(help_text=_("当前用户现在可执行的操作"))

    class Meta(RoundSerializer.Meta):
        fields = RoundSerializer.Meta.fields + ["timeline", "objections", "actions"]
        read_only_fields = fields

    def get_actions(self, rnd) -> list[dict]:
        user = self.context["request"].user
        return [
            {"action": t.action, "label": str(t.label), "requires_note": t.requires_note}
            for t in ROUND_WORKFLOW.available(user, rnd)
        ]


class CreditRatingSerializer(serializers.ModelSerializer):
    subject_name = serializers.CharField(source="subject.name", read_only=True)
    subject_kind = serializers.CharField(source="subject.kind", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    rule_version_number = serializers.IntegerField(source="rule_version.number", read_only=True)
    round_status = serializers.CharField(source="round.status", read_only=True)

    class Meta:
        model = Rating
        fields = [
            "id",
            "round",
            "round_status",
            "subject",
            "subject_name",
            "subject_kind",
            "village",
            "village_name",
            "rule_version",
            "rule_version_number",
            "score",
            "bonus_points",
            "deduction_points",
            "vetoed",
            "veto_reasons",
            "breakdown",
            "grade",
            "credit_line",
            "term_months",
            "valid_from",
            "valid_until",
        ]
        read_only_fields = fields


class CreditLineSerializer(serializers.ModelSerializer):
    subject_name = serializers.CharField(source="subject.name", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    grade = serializers.CharField(source="rating.grade", read_only=True)
    drawn = serializers.IntegerField(read_only=True, help_text=_("累计用信"))
    repaid = serializers.IntegerField(read_only=True, help_text=_("累计还款"))

    class Meta:
        model = CreditLine
        fields = [
            "id",
            "subject",
            "subject_name",
            "village",
            "village_name",
            "grade",
            "amount",
            "term_months",
            "granted_on",
            "expires_on",
            "drawn",
            "repaid",
        ]
        read_only_fields = fields


class GrantInputSerializer(serializers.Serializer):
    subject = serializers.IntegerField(label=_("主体"))
    amount = serializers.IntegerField(min_value=1, label=_("授信额度（元）"))
    granted_on = serializers.DateField(required=False, allow_null=True, label=_("授信日期"))


class MovementInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MovementKind.choices, label=_("类型"))
    amount = serializers.IntegerField(min_value=1, label=_("金额（元）"))
    on = serializers.DateField(required=False, allow_null=True, label=_("日期"))


class MovementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    amount = serializers.IntegerField()
    on = serializers.DateField()


class IntegrityCheckInputSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True, default="", label=_("身份证号"))
    credit_code = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default="", label=_("统一社会信用代码")
    )
    reason = serializers.CharField(max_length=200, allow_blank=True, label=_("查询事由"))


class IntegrityAnswerSerializer(serializers.Serializer):
    check_id = serializers.IntegerField()
    result = serializers.ChoiceField(choices=CheckResult.choices)
    eligible = serializers.BooleanField()
    subject_name = serializers.CharField()
    grade = serializers.CharField()
    credit_line = serializers.IntegerField()
    valid_until = serializers.DateField(allow_null=True)
    reasons = serializers.ListField(child=serializers.CharField(), help_text=_("否决原因；仅评定人员可见"))


class IntegrityLogSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    checked_by = serializers.CharField()
    reason = serializers.CharField()
    query_kind = serializers.CharField()
    query_masked = serializers.CharField()
    result = serializers.CharField()
    created_at = serializers.DateTimeField()


class RewardSerializer(serializers.Serializer):
    household = serializers.IntegerField(source="id")
    number = serializers.CharField()
    head_name = serializers.CharField()
    village = serializers.IntegerField(source="village_id")
    village_name = serializers.CharField(source="village.name")
    safe_village = serializers.BooleanField(
        help_text=_("所在村为当年平安村：新农合个人缴费补贴10%、60岁以上基础养老金提高10%")
    )
    pension_raised = serializers.IntegerField(
        help_text=_("平安村中年满60岁（按身份证号出生日期）且已登记参加新农保的居民数：其基础养老金提高10%")
    )
    law_abiding = serializers.BooleanField(
        help_text=_("守法家庭（按当前信用状况：最新有效评定未被否决、无减分，且此后无生效的否决）：大病统筹报销比例提高10个百分点")
    )
    medical_reimbursement_bonus_points = serializers.SerializerMethodField()

    def get_medical_reimbursement_bonus_points(self, household) -> int:
        from ..rewards import MEDICAL_BONUS_POINTS

        return MEDICAL_BONUS_POINTS if household.law_abiding else 0


class SafeVillageSerializer(serializers.ModelSerializer):
    village_name = serializers.CharField(source="village.name", read_only=True)

    class Meta:
        model = SafeVillage
        fields = ["id", "village", "village_name", "year", "source", "designated_at"]
        read_only_fields = ["id", "village_name", "designated_at"]


class FigureSerializer(serializers.Serializer):
    area = serializers.IntegerField()
    name = serializers.CharField()
    rated = serializers.IntegerField(help_text=_("有效评级主体数"))
    vetoed = serializers.IntegerField()
    grades = serializers.DictField(child=serializers.IntegerField(), help_text=_("等级分布"))
    lines = serializers.IntegerField()
    granted = serializers.IntegerField(help_text=_("授信金额（元）"))
    drawn = serializers.IntegerField(help_text=_("用信金额（元）"))


class HonourEntrySerializer(serializers.Serializer):
    subject_id = serializers.IntegerField()
    subject__name = serializers.CharField()
    village__name = serializers.CharField()
    grade = serializers.CharField(required=False)
    score = serializers.IntegerField(required=False)
    vetoes = serializers.IntegerField(required=False)
    deductions = serializers.IntegerField(required=False)


class HonourRollSerializer(serializers.Serializer):
    red = HonourEntrySerializer(many=True)
    black = HonourEntrySerializer(many=True)
