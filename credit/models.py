"""Governance credit (综治信用): subjects, the versioned rule catalogue, facts, evaluation rounds
and their ratings, credit lines, integrity checks and safe-village rewards."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.audit import EventBase, append_only
from grids.models import Household, InVillage
from incidents.models import Case

from .constants import (
    DEFAULT_NOTICE_DAYS,
    MAX_CREDIT_LINE,
    MAX_TERM_MONTHS,
    AppliesTo,
    CheckResult,
    FactOrigin,
    FactStatus,
    ItemKind,
    MovementKind,
    RoundStatus,
    SubjectKind,
    VetoEffect,
)


class Enterprise(InVillage):
    """企业：统一社会信用代码（GB 32100）经校验，属于一个村/社区。"""

    name = models.CharField(_("企业名称"), max_length=100)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        indexes = [
            models.Index(fields=["village", "id"], name="enterprise_village_id"),
            models.Index(fields=["township", "id"], name="enterprise_township_id"),
        ]

    def __str__(self):
        return self.name


class Subject(InVillage):
    """信用主体：一户或一家企业（二者只居其一）。"""

    kind = models.CharField(_("类型"), max_length=12, choices=SubjectKind.choices)
    household = models.OneToOneField(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="credit_subject", verbose_name=_("户")
    )
    enterprise = models.OneToOneField(
        Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="subject", verbose_name=_("企业")
    )
    name = models.CharField(_("名称"), max_length=100, help_text=_("户主姓名或企业名称"))
    created_at = models.DateTimeField(_("建档时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("信用主体")
        verbose_name_plural = _("信用主体")
        constraints = [
            models.CheckConstraint(
                name="subject_is_household_or_enterprise",
                condition=Q(kind=SubjectKind.HOUSEHOLD, household__isnull=False, enterprise__isnull=True)
                | Q(kind=SubjectKind.ENTERPRISE, enterprise__isnull=False, household__isnull=True),
            )
        ]
        indexes = [
            models.Index(fields=["village", "id"], name="subject_village_id"),
            models.Index(fields=["township", "id"], name="subject_township_id"),
            models.Index(fields=["kind", "id"], name="subject_kind_id"),
            models.Index(fields=["name"], name="subject_name", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return self.name


class RuleVersion(models.Model):
    """评分规则版本：基础分、加减分项、否决项和等级档。发布后冻结，修改须另建新版本。"""

    number = models.PositiveIntegerField(_("版本号"), unique=True)
    base_score = models.PositiveIntegerField(_("基础分"), default=60)
    veto_effect = models.CharField(
        _("一票否决生效方式"),
        max_length=12,
        choices=VetoEffect.choices,
        default=VetoEffect.NOTICE,
        help_text=_("否决事实经评定轮次公示后生效，或经第二名成员确认并告知本户后即时生效"),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发布人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评分规则版本")
        verbose_name_plural = _("评分规则版本")
        ordering = ["-number"]

    def __str__(self):
        state = _("已发布") if self.published_at else _("草稿")
        return f"v{self.number}（{state}）"


class RuleItem(models.Model):
    """规则条目：加分、减分或一票否决，带分值和有效期（月）。"""

    rule_version = models.ForeignKey(
        RuleVersion, on_delete=models.CASCADE, related_name="items", verbose_name=_("版本")
    )
    code = models.SlugField(_("代码"), max_length=40, help_text=_("跨版本不变；事实按代码引用条目"))
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("类型"), max_length=12, choices=ItemKind.choices)
    applies_to = models.CharField(_("适用对象"), max_length=12, choices=AppliesTo.choices, default=AppliesTo.HOUSEHOLD)
    points = models.PositiveIntegerField(_("分值"), default=0, help_text=_("加分项加、减分项减；否决项不计分"))
    valid_months = models.PositiveIntegerField(
        _("有效期（月）"), null=True, blank=True, help_text=_("自发生之日起计入多少个月；空表示长期有效")
    )
    case_categories = models.JSONField(
        _("来源事件分类"),
        default=list,
        blank=True,
        help_text=_("结案事件（责任方为本户）按这些分类代码（含上级分类）提议本条；空列表表示不自动提议"),
    )

    class Meta:
        verbose_name = _("规则条目")
        verbose_name_plural = _("规则条目")
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["rule_version", "code"], name="one_item_code_per_version"),
            models.CheckConstraint(name="veto_has_no_points", condition=~Q(kind=ItemKind.VETO) | Q(points=0)),
        ]

    def __str__(self):
        return f"{self.name}（{self.get_kind_display()}）"


class GradeBand(models.Model):
    """等级档：最低分 → 等级和授信额度、期限（额度不超过30万元，期限不超过3年）。"""

    rule_version = models.ForeignKey(
        RuleVersion, on_delete=models.CASCADE, related_name="bands", verbose_name=_("版本")
    )
    grade = models.CharField(_("等级"), max_length=8)
    min_score = models.PositiveIntegerField(_("最低分"))
    credit_line = models.PositiveIntegerField(_("授信额度（元）"))
    term_months = models.PositiveIntegerField(_("授信期限（月）"), default=MAX_TERM_MONTHS)

    class Meta:
        verbose_name = _("等级档")
        verbose_name_plural = _("等级档")
        ordering = ["-min_score"]
        constraints = [
            models.UniqueConstraint(fields=["rule_version", "grade"], name="one_band_per_grade"),
            models.CheckConstraint(name="band_line_within_cap", condition=Q(credit_line__lte=MAX_CREDIT_LINE)),
            models.CheckConstraint(
                name="band_term_within_cap", condition=Q(term_months__gte=1, term_months__lte=MAX_TERM_MONTHS)
            ),
        ]

    def __str__(self):
        return f"{self.grade} ≥{self.min_score}"


class Fact(InVillage):
    """评分事实：某主体的一条加分、减分或否决记录。提议后须经评定小组决定才计入，指向其来源。"""

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="facts", verbose_name=_("主体"))
    item_code = models.SlugField(_("条目代码"), max_length=40)
    item_name = models.CharField(_("条目名称"), max_length=50)
    kind = models.CharField(_("类型"), max_length=12, choices=ItemKind.choices)
    occurred_on = models.DateField(_("发生日期"))
    origin = models.CharField(_("来源"), max_length=12, choices=FactOrigin.choices)
    source_case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("来源事件")
    )
    source_key = models.CharField(
        _("来源记录"), max_length=80, blank=True, help_text=_("其他模块提供的记录（settings.CREDIT_CONTRIBUTIONS）的键")
    )
    note = models.TextField(_("说明"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=FactStatus.choices, default=FactStatus.PROPOSED)
    version = models.PositiveIntegerField(_("版本"), default=1)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提议人"),
        help_text=_("空表示平台根据结案事件自动提议"),
    )
    created_at = models.DateTimeField(_("提议时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("决定人"),
        help_text=_("采纳或不予采纳的评定小组成员，不能是提议人"),
    )
    household_told_on = models.DateField(
        _("告知本户日期"), null=True, blank=True, help_text=_("确认生效方式下，否决须告知本户")
    )

    class Meta:
        verbose_name = _("评分事实")
        verbose_name_plural = _("评分事实")
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "item_code", "source_case"],
                condition=Q(source_case__isnull=False),
                name="one_fact_per_case_item_subject",
            ),
            models.UniqueConstraint(
                fields=["subject", "item_code", "source_key"],
                condition=~Q(source_key=""),
                name="one_fact_per_contribution",
            ),
        ]
        indexes = [
            models.Index(fields=["township", "status", "id"], name="fact_township_status"),
            models.Index(fields=["village", "status", "id"], name="fact_village_status"),
            models.Index(fields=["subject", "status"], name="fact_subject_status"),
            models.Index(fields=["status", "id"], name="fact_status_id"),
            models.Index(fields=["kind", "id"], name="fact_kind_id"),
        ]

    def __str__(self):
        return f"{self.subject} · {self.item_name}"


class FactEvent(EventBase):
    """评分事实记录：提议、采纳、不予采纳，只增不改。"""

    subject_field = "fact"

    fact = models.ForeignKey(Fact, on_delete=models.PROTECT, related_name="events", verbose_name=_("事实"))

    class Meta(EventBase.Meta):
        verbose_name = _("评分事实记录")
        verbose_name_plural = _("评分事实记录")
        indexes = [models.Index(fields=["fact", "created_at"], name="factevent_fact_time")]


class EvaluationRound(InVillage):
    """评定轮次：一个村一期的评定，村级提报 → 乡镇评定小组审核 → 县级发布公示 → 生效。"""

    period = models.CharField(_("期次"), max_length=20, help_text=_("如 2026 或 2026H1"))
    rule_version = models.ForeignKey(
        RuleVersion, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("规则版本")
    )
    status = models.CharField(_("状态"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    version = models.PositiveIntegerField(_("版本"), default=1)
    notice_days = models.PositiveIntegerField(_("公示天数"), default=DEFAULT_NOTICE_DAYS)
    notice_ends_at = models.DateTimeField(_("公示截止"), null=True, blank=True)
    scored_on = models.DateField(_("评分基准日"), null=True, blank=True)
    effective_on = models.DateField(_("生效日期"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("创建人")
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("评定轮次")
        verbose_name_plural = _("评定轮次")
        constraints = [models.UniqueConstraint(fields=["village", "period"], name="one_round_per_village_period")]
        indexes = [
            models.Index(fields=["township", "status", "id"], name="round_township_status"),
            models.Index(fields=["status", "id"], name="round_status_id"),
        ]

    def __str__(self):
        return f"{self.village.name} {self.period}"


class RoundEvent(EventBase):
    """评定轮次记录：每一步操作一行，只增不改。"""

    subject_field = "round"

    round = models.ForeignKey(
        EvaluationRound, on_delete=models.PROTECT, related_name="events", verbose_name=_("评定轮次")
    )

    class Meta(EventBase.Meta):
        verbose_name = _("评定记录")
        verbose_name_plural = _("评定记录")
        indexes = [models.Index(fields=["round", "created_at"], name="roundevent_round_time")]


class Rating(InVillage):
    """评定结果：主体在一轮评定中的得分、等级和授信额度，记下所用的规则版本。"""

    round = models.ForeignKey(EvaluationRound, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("轮次"))
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("主体"))
    rule_version = models.ForeignKey(
        RuleVersion, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("规则版本")
    )
    score = models.IntegerField(_("得分"), null=True, blank=True)
    bonus_points = models.PositiveIntegerField(_("加分"), default=0)
    deduction_points = models.PositiveIntegerField(_("减分"), default=0)
    vetoed = models.BooleanField(_("一票否决"), default=False)
    veto_reasons = models.JSONField(_("否决原因"), default=list, blank=True)
    breakdown = models.JSONField(_("计分明细"), default=list, blank=True)
    grade = models.CharField(_("等级"), max_length=8, blank=True, help_text=_("空表示不予评级"))
    credit_line = models.PositiveIntegerField(_("授信额度（元）"), default=0)
    term_months = models.PositiveIntegerField(_("授信期限（月）"), default=0)
    valid_from = models.DateField(_("有效期起"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)

    class Meta:
        verbose_name = _("评定结果")
        verbose_name_plural = _("评定结果")
        constraints = [
            models.UniqueConstraint(fields=["round", "subject"], name="one_rating_per_round_subject"),
            models.CheckConstraint(name="rating_line_within_cap", condition=Q(credit_line__lte=MAX_CREDIT_LINE)),
            models.CheckConstraint(name="rating_term_within_cap", condition=Q(term_months__lte=MAX_TERM_MONTHS)),
            models.CheckConstraint(name="vetoed_has_no_line", condition=Q(vetoed=False) | Q(credit_line=0)),
        ]
        indexes = [
            models.Index(fields=["subject", "valid_until"], name="rating_subject_valid"),
            models.Index(fields=["village", "id"], name="rating_village_id"),
            models.Index(fields=["township", "id"], name="rating_township_id"),
            models.Index(fields=["round", "id"], name="rating_round_id"),
            models.Index(fields=["grade", "id"], name="rating_grade_id"),
            models.Index(fields=["vetoed", "id"], name="rating_vetoed_id"),
        ]

    def __str__(self):
        return f"{self.subject} {self.grade or '-'}"


class Objection(models.Model):
    """公示异议：须在生效前答复。"""

    round = models.ForeignKey(
        EvaluationRound, on_delete=models.PROTECT, related_name="objections", verbose_name=_("评定轮次")
    )
    rating = models.ForeignKey(
        Rating, on_delete=models.PROTECT, null=True, blank=True, related_name="objections", verbose_name=_("涉及主体")
    )
    lodged_by_name = models.CharField(_("异议人"), max_length=50)
    content = models.TextField(_("异议内容"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    lodged_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    answer = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        indexes = [models.Index(fields=["round", "answered_at"], name="objection_round_open")]

    def __str__(self):
        return self.content[:30]


class CreditLine(InVillage):
    """授信：农信社按生效评级给予的循环额度，不超过30万元，期限不超过3年。"""

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="credit_lines", verbose_name=_("主体"))
    rating = models.OneToOneField(
        Rating, on_delete=models.PROTECT, related_name="credit_line_granted", verbose_name=_("依据评级")
    )
    amount = models.PositiveIntegerField(_("授信额度（元）"))
    term_months = models.PositiveIntegerField(_("期限（月）"))
    granted_on = models.DateField(_("授信日期"))
    expires_on = models.DateField(_("到期日"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("经办人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("授信")
        verbose_name_plural = _("授信")
        constraints = [
            models.CheckConstraint(name="line_within_cap", condition=Q(amount__gte=1, amount__lte=MAX_CREDIT_LINE)),
            models.CheckConstraint(
                name="line_term_within_cap", condition=Q(term_months__gte=1, term_months__lte=MAX_TERM_MONTHS)
            ),
            models.CheckConstraint(name="line_expires_after_grant", condition=Q(expires_on__gt=models.F("granted_on"))),
        ]
        indexes = [
            models.Index(fields=["village", "id"], name="line_village_id"),
            models.Index(fields=["township", "id"], name="line_township_id"),
            models.Index(fields=["subject", "expires_on"], name="line_subject_expiry"),
        ]

    def __str__(self):
        return f"{self.subject} {self.amount}"


class LoanMovement(models.Model):
    """用信和还款：额度内随用随贷，只增不改。"""

    line = models.ForeignKey(CreditLine, on_delete=models.PROTECT, related_name="movements", verbose_name=_("授信"))
    kind = models.CharField(_("类型"), max_length=8, choices=MovementKind.choices)
    amount = models.PositiveIntegerField(_("金额（元）"))
    on = models.DateField(_("日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("经办人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("用信记录")
        verbose_name_plural = _("用信记录")
        ordering = ["on", "id"]
        constraints = [models.CheckConstraint(name="movement_positive", condition=Q(amount__gte=1))]
        triggers = append_only()

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"


class IntegrityCheck(models.Model):
    """综治诚信查询记录：谁、为什么、查了谁（只存脱敏号码和查找哈希）、结果。只增不改。"""

    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("查询人")
    )
    reason = models.CharField(_("查询事由"), max_length=200)
    query_kind = models.CharField(_("查询方式"), max_length=12)
    query_masked = models.CharField(_("查询号码（脱敏）"), max_length=18)
    query_digest = models.CharField(_("查询号码（查找哈希）"), max_length=64, blank=True)
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("主体")
    )
    result = models.CharField(_("结果"), max_length=12, choices=CheckResult.choices)
    created_at = models.DateTimeField(_("查询时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("诚信查询记录")
        verbose_name_plural = _("诚信查询记录")
        indexes = [models.Index(fields=["checked_by", "-created_at"], name="integrity_checker_time")]
        triggers = append_only()

    def __str__(self):
        return f"{self.query_masked} {self.get_result_display()}"


class SafeVillage(InVillage):
    """平安村（社区）：某年被评为平安村，其居民享受“三个10%”中的两项补贴；认定被撤销时记录撤销，
    补贴随即停止（记录保留）。"""

    year = models.PositiveIntegerField(_("年度"))
    source = models.CharField(_("依据"), max_length=100, help_text=_("如 平安创建考核 #12，或 人工登记"))
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    designated_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("撤销时间"), null=True, blank=True, help_text=_("空表示有效"))
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("平安村")
        verbose_name_plural = _("平安村")
        constraints = [
            models.UniqueConstraint(
                fields=["village", "year"], condition=Q(withdrawn_at__isnull=True), name="one_safe_village_per_year"
            ),
            models.CheckConstraint(
                name="safe_village_withdrawn_with_reason",
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawal_reason=""),
            ),
        ]
        indexes = [models.Index(fields=["year", "township"], name="safevillage_year_township")]

    def __str__(self):
        return f"{self.village.name} {self.year}"


class PensionEnrolment(InVillage):
    """新农保参保登记：居民参加城乡居民基本养老保险（新农保）的记录；平安村 60 岁以上参保居民的
    基础养老金提高 10%（三个10%），年龄按身份证号的出生日期计算。"""

    resident = models.OneToOneField(
        "grids.Resident", on_delete=models.CASCADE, related_name="pension_enrolment", verbose_name=_("居民")
    )
    enrolled_on = models.DateField(_("参保日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("新农保参保登记")
        verbose_name_plural = _("新农保参保登记")

    def __str__(self):
        return f"{self.resident_id} {self.enrolled_on}"
