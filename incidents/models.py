"""Categories, handling units, routing rules, time limits, cases and their timeline."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.audit import EventBase, append_only
from governance.models import AttachmentBase
from grids.models import Area, Household, InGrid, area_column

from .constants import (
    OPEN_STATES,
    CaseStatus,
    HandlingLevel,
    LimitUnit,
    Outcome,
    PartyRole,
    Phase,
    ResponseStage,
    Source,
    UnitKind,
    UrgeGrade,
    Urgency,
)


class Unit(models.Model):
    """处置单位：指挥中心、乡镇综治中心、村网格站或县直部门（公安、城管、应急……）。"""

    kind = models.CharField(_("类型"), max_length=16, choices=UnitKind.choices)
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="units", verbose_name=_("所辖区域"))
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="units",
        verbose_name=_("部门成员"),
        help_text=_("仅县直部门需要；乡镇和村的处置人按任职确定"),
    )

    class Meta:
        verbose_name = _("处置单位")
        verbose_name_plural = _("处置单位")
        constraints = [
            models.UniqueConstraint(
                fields=["area", "kind"], condition=Q(kind__in=["township", "village"]), name="one_unit_per_area"
            )
        ]

    def __str__(self):
        return self.name


class Category(models.Model):
    """事件分类（两级），如 矛盾纠纷 → 邻里纠纷。"""

    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级分类")
    )
    code = models.CharField(_("代码"), max_length=16, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    handling_level = models.CharField(
        _("通常处置层级"), max_length=12, choices=HandlingLevel.choices, default=HandlingLevel.TOWNSHIP
    )
    default_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("默认责任部门")
    )
    urgency = models.CharField(_("紧急程度"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("事件分类")
        verbose_name_plural = _("事件分类")
        ordering = ["code"]

    def __str__(self):
        return self.name


class TimeLimit(models.Model):
    """时限：分类 × 处置层级 × 阶段，带黄色预警和红色超期阈值。县为空：各县通用；
    填县：该县自定的时限（地级市一个平台时，每个县可定自己的时限），优先于通用时限。"""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="time_limits", verbose_name=_("分类"))
    county = models.ForeignKey(
        Area,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": "county"},
        verbose_name=_("县"),
        help_text=_("空：各县通用；填写：只用于该县的事件"),
    )
    level = models.CharField(_("处置层级"), max_length=12, choices=HandlingLevel.choices)
    phase = models.CharField(_("阶段"), max_length=8, choices=Phase.choices)
    amount = models.PositiveIntegerField(_("时限（红线）"))
    warn_amount = models.PositiveIntegerField(_("预警（黄线）"))
    unit = models.CharField(_("单位"), max_length=14, choices=LimitUnit.choices, default=LimitUnit.HOURS)

    class Meta:
        verbose_name = _("时限")
        verbose_name_plural = _("时限")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "level", "phase"],
                condition=Q(county__isnull=True),
                name="one_limit_per_category_level_phase",
            ),
            models.UniqueConstraint(
                fields=["category", "level", "phase", "county"],
                condition=Q(county__isnull=False),
                name="one_county_limit_per_category_level_phase",
            ),
            models.CheckConstraint(name="warn_before_limit", condition=Q(warn_amount__lte=models.F("amount"))),
        ]

    def __str__(self):
        limit = f"{self.amount}{self.get_unit_display()}"
        return f"{self.category} {self.get_level_display()} {self.get_phase_display()} {limit}"


class ResponseLimit(models.Model):
    """“115”时限：紧急事件 1 分钟推送指挥中心、1 分钟派遣、5 分钟到场（每个分类可单独设置）。"""

    category = models.OneToOneField(
        Category, on_delete=models.CASCADE, related_name="response_limit", verbose_name=_("分类")
    )
    push_seconds = models.PositiveIntegerField(_("推送指挥中心时限（秒）"), default=60)
    dispatch_seconds = models.PositiveIntegerField(_("派遣时限（秒）"), default=60)
    arrive_seconds = models.PositiveIntegerField(_("到场时限（秒）"), default=300)
    alert_seconds = models.PositiveIntegerField(
        _("到时前提醒（秒）"), default=20, help_text=_("计时剩余不足这么多秒时提醒指挥中心和处置单位")
    )

    class Meta:
        verbose_name = _("115 响应时限")
        verbose_name_plural = _("115 响应时限")
        constraints = [
            models.CheckConstraint(
                name="response_limits_positive",
                condition=Q(push_seconds__gt=0, dispatch_seconds__gt=0, arrive_seconds__gt=0),
            )
        ]

    def __str__(self):
        return f"{self.category} {self.push_seconds}/{self.dispatch_seconds}/{self.arrive_seconds}s"


class RoutingRule(models.Model):
    """分拨规则：(分类, 区域子树) → 处置单位；区域越深、分类越细越优先。"""

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="routing_rules", verbose_name=_("分类")
    )
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+", verbose_name=_("区域（含下级）"))
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("处置单位"))

    class Meta:
        verbose_name = _("分拨规则")
        verbose_name_plural = _("分拨规则")
        constraints = [models.UniqueConstraint(fields=["category", "area"], name="one_rule_per_category_area")]

    def __str__(self):
        return f"{self.category} @ {self.area.name} → {self.unit}"


class ReplyTemplate(models.Model):
    """常用回复模板：按分类和操作提供标准答复。"""

    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reply_templates",
        verbose_name=_("分类（空表示通用）"),
    )
    action = models.CharField(_("操作"), max_length=32)
    text = models.TextField(_("内容"))

    class Meta:
        verbose_name = _("回复模板")
        verbose_name_plural = _("回复模板")

    def __str__(self):
        return self.text[:30]


class Case(InGrid):
    """事件（案件）：从上报到结案的一条可审计路径。状态只能经由 workflow 改变。"""

    number = models.CharField(_("事件编号"), max_length=24, unique=True)
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="cases", verbose_name=_("分类"))
    urgency = models.CharField(_("紧急程度"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    description = models.TextField(_("事件描述"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    reported_crs = models.CharField(_("上报坐标系"), max_length=8, blank=True)
    grid = area_column(_("网格"), related_name="cases")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_cases",
        verbose_name=_("上报人"),
    )
    reporter_name = models.CharField(_("报告人姓名"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("报告人电话"), max_length=20, blank=True)

    status = models.CharField(_("状态"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.REPORTED)
    version = models.PositiveIntegerField(_("版本"), default=1)
    suggested_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("建议处置单位")
    )
    handling_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="cases", verbose_name=_("处置单位")
    )
    dispatcher_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("派遣单位")
    )
    phase = models.CharField(_("计时阶段"), max_length=8, choices=Phase.choices, blank=True)
    warn_at = models.DateTimeField(_("预警时间"), null=True, blank=True)
    due_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("派遣时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    closed_on_time = models.BooleanField(_("按期结案"), null=True)
    is_postponed = models.BooleanField(_("缓办"), default=False)
    rework_count = models.PositiveIntegerField(_("返工次数"), default=0)
    urge_count = models.PositiveIntegerField(_("督办次数"), default=0)
    top_urge_grade = models.CharField(_("最高督办等级"), max_length=8, choices=UrgeGrade.choices, blank=True)
    self_resolved = models.BooleanField(_("自办结"), default=False)
    outcome = models.CharField(_("处置结果"), max_length=20, choices=Outcome.choices, blank=True)
    result = models.TextField(_("处置情况"), blank=True)
    pending_extension_until = models.DateTimeField(_("申请延期至"), null=True, blank=True)
    possible_duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("疑似重复")
    )
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates", verbose_name=_("合并至")
    )
    satisfaction = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True)
    created_at = models.DateTimeField(_("上报时间"), db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("事件")
        verbose_name_plural = _("事件")
        indexes = [
            models.Index(fields=["status", "id"], name="case_status_id"),
            models.Index(fields=["township", "status", "id"], name="case_township_status"),
            models.Index(fields=["village", "id"], name="case_village_id"),
            models.Index(fields=["grid", "id"], name="case_grid_id"),
            models.Index(fields=["category", "id"], name="case_category_id"),
            models.Index(fields=["handling_unit", "status", "id"], name="case_unit_status"),
            models.Index(fields=["source", "id"], name="case_source_id"),
            models.Index(fields=["reporter", "id"], name="case_reporter_id"),
            models.Index(fields=["due_at"], name="case_open_due", condition=Q(status__in=OPEN_STATES)),
            models.Index(fields=["warn_at"], name="case_open_warn", condition=Q(status__in=OPEN_STATES)),
            # closed today / this week / on time: the dashboard, 周评 and the desk's closed-date filter
            models.Index(fields=["closed_at"], name="case_closed_at", condition=Q(closed_at__isnull=False)),
            # the rest of the desk's filters, and the search box's exact fields (its substring
            # matches on address and description use trigram indexes, PostgreSQL only: migration 0012)
            models.Index(fields=["urgency", "id"], name="case_urgency_id"),
            models.Index(fields=["id"], name="case_postponed", condition=Q(is_postponed=True)),
            models.Index(fields=["id"], name="case_self_resolved", condition=Q(self_resolved=True)),
            models.Index(fields=["reporter_name"], name="case_reporter_name"),
            models.Index(fields=["reporter_phone"], name="case_reporter_phone"),
        ]
        constraints = [
            models.CheckConstraint(
                name="satisfaction_1_to_5", condition=Q(satisfaction__isnull=True) | Q(satisfaction__range=(1, 5))
            )
        ]

    def __str__(self):
        return self.number


class CaseEvent(EventBase):
    """事件时间线：每一步操作一行，只增不改（数据库触发器拒绝 UPDATE/DELETE）。"""

    subject_field = "case"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", verbose_name=_("事件"))
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("相关单位")
    )

    class Meta(EventBase.Meta):
        verbose_name = _("事件记录")
        verbose_name_plural = _("事件记录")
        indexes = [
            models.Index(fields=["case", "created_at"], name="caseevent_case_time"),
            models.Index(fields=["created_at"], name="caseevent_time"),  # a day's or a week's events (日清周评)
        ]

    def __str__(self):
        return f"{self.case_id} {self.action_label}"


class UrgentResponse(models.Model):
    """“115”快速响应：紧急（马上办）事件的三个时刻——推送指挥中心、派遣、到场——各自的时限和提醒。
    每一步从上一步的实际时刻起算；只经由 incidents.response 改变。"""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="response", verbose_name=_("事件"))
    township = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇"))
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("处置单位")
    )
    received_at = models.DateTimeField(_("接报时间"))
    pushed_at = models.DateTimeField(_("推送指挥中心时间"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("派遣时间"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("到场时间"), null=True, blank=True)
    push_seconds = models.PositiveIntegerField(_("推送时限（秒）"))
    dispatch_seconds = models.PositiveIntegerField(_("派遣时限（秒）"))
    arrive_seconds = models.PositiveIntegerField(_("到场时限（秒）"))
    alert_seconds = models.PositiveIntegerField(_("提前提醒（秒）"))
    stage = models.CharField(_("当前计时"), max_length=8, choices=ResponseStage.choices, default=ResponseStage.PUSH)
    due_at = models.DateTimeField(_("当前计时截止"), null=True, blank=True)
    alerted = models.BooleanField(_("当前计时已提醒"), default=False)
    lapsed_stage = models.CharField(
        _("首个超时环节"), max_length=8, choices=ResponseStage.choices, blank=True, help_text=_("空表示未超时")
    )
    arrived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("到场确认人"),
    )
    arrived_lat = models.FloatField(_("到场纬度"), null=True, blank=True)
    arrived_lng = models.FloatField(_("到场经度"), null=True, blank=True)
    arrived_accuracy = models.FloatField(_("定位精度（米）"), null=True, blank=True)

    class Meta:
        verbose_name = _("115 快速响应")
        verbose_name_plural = _("115 快速响应")
        indexes = [
            # the beat task's sweep and the desk's countdowns: running timers by deadline
            models.Index(fields=["due_at"], name="response_running_due", condition=~Q(stage="done")),
            models.Index(fields=["received_at"], name="response_received"),  # a day's or a week's figures
        ]

    def __str__(self):
        return f"{self.case_id} {self.get_stage_display()}"


class CaseParty(models.Model):
    """当事人：可关联户籍中的户，或只记姓名。"""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties", verbose_name=_("事件"))
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="case_parties", verbose_name=_("户")
    )
    name = models.CharField(_("姓名"), max_length=50)
    role = models.CharField(_("身份"), max_length=12, choices=PartyRole.choices, default=PartyRole.OTHER)

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        indexes = [models.Index(fields=["name"], name="caseparty_name")]  # the search box

    def __str__(self):
        return self.name


def attachment_path(instance, filename):
    return f"cases/{instance.case_id}/{filename}"


class CaseAttachment(AttachmentBase):
    """附件：照片在保存前重新编码（去掉元数据和夹带内容），文件名随机。"""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("事件"))
    event = models.ForeignKey(
        CaseEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="attachments", verbose_name=_("记录")
    )
    file = models.FileField(_("文件"), upload_to=attachment_path)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        # Evidence: never changed or removed; only linked once to the step that used it.
        triggers = append_only(allow_once="event")


from .reviews.models import DailyReview, DailyUrge, ReviewRules, WeeklyEvaluation, WeeklyScore  # noqa: E402,F401
