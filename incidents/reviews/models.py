"""Records of the rhythm: one daily review row per area and day, one weekly score row per
subject and week, the automatic 督办 of a day, and the admin-editable rules."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from grids.levels import AreaLevel
from grids.models import Area, InVillage, area_column


def reset_id_sequence(model) -> None:
    """Move the id sequence past the rows a caller inserted with their own ids."""
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(statement)


class ReviewRules(models.Model):
    """日清周评规则：超期上提倍数、周评权重与扣分、红黑榜人数。管理员在后台修改。县为空的一行是
    各县通用的规则；地级市一个平台时，某县可另有一行自己的规则（日清和该县各对象的周评得分用它）。"""

    county = models.OneToOneField(
        Area,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": AreaLevel.COUNTY},
        verbose_name=_("县"),
        help_text=_("空：各县通用；填写：只用于该县（地级市一个平台时）"),
    )

    escalate_multiple = models.DecimalField(
        _("超期上提倍数"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.1"))],
        help_text=_("超期时长超过时限的该倍数时，日清自动上提一级"),
    )
    centre_limit_hours = models.PositiveSmallIntegerField(
        _("指挥中心立案、派遣时限（小时）"),
        default=24,
        validators=[MinValueValidator(1)],
        help_text=_("事件在指挥中心待立案或待派遣超过该时长，日清向指挥中心督办"),
    )
    weight_close_rate = models.DecimalField(_("结案率权重"), max_digits=5, decimal_places=2, default=Decimal(30))
    weight_on_time_rate = models.DecimalField(_("按期结案率权重"), max_digits=5, decimal_places=2, default=Decimal(40))
    weight_satisfaction = models.DecimalField(_("满意度权重"), max_digits=5, decimal_places=2, default=Decimal(20))
    weight_reports = models.DecimalField(_("上报加分（每件）"), max_digits=5, decimal_places=2, default=Decimal("0.5"))
    reports_cap = models.DecimalField(_("上报加分上限"), max_digits=5, decimal_places=2, default=Decimal(10))
    deduct_rework = models.DecimalField(_("返工扣分（每件）"), max_digits=5, decimal_places=2, default=Decimal(2))
    deduct_yellow = models.DecimalField(_("黄牌督办扣分（每次）"), max_digits=5, decimal_places=2, default=Decimal(1))
    deduct_red = models.DecimalField(_("红牌督办扣分（每次）"), max_digits=5, decimal_places=2, default=Decimal(3))
    deduct_overdue = models.DecimalField(_("超期扣分（每件）"), max_digits=5, decimal_places=2, default=Decimal(1))
    deduct_work_overdue = models.DecimalField(
        _("逾期未走访/回访扣分（每件）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.5"),
        help_text=_("周末仍逾期的到期工作（settings.REVIEW_DUE_WORK：重点人员走访、调解回访等）"),
    )
    board_size = models.PositiveSmallIntegerField(_("红黑榜各列几名"), default=3)

    class Meta:
        verbose_name = _("日清周评规则")
        verbose_name_plural = _("日清周评规则")

    def __str__(self):
        return str(_("日清周评规则")) if self.county_id is None else f"{_('日清周评规则')}（{self.county.name}）"

    @classmethod
    def current(cls) -> "ReviewRules":
        """The common rules (the row without a county)."""
        rules = cls.objects.filter(county__isnull=True).order_by("pk").first()
        if rules is None:
            rules, created = cls.objects.get_or_create(pk=1)
            if created:
                reset_id_sequence(cls)  # pk 1 was given, not drawn: a county's row must not draw it
        return rules

    @classmethod
    def by_county(cls) -> "dict[int | None, ReviewRules]":
        """county id → its own rules, None → the common rules (two queries at most)."""
        rules: dict[int | None, ReviewRules] = {None: cls.current()}
        rules.update({r.county_id: r for r in cls.objects.filter(county__isnull=False)})
        return rules


class DailyReview(InVillage):
    """日清记录：某乡镇或村某一天的事件数字（每个区域每天一行，重跑覆盖同一行）。"""

    day = models.DateField(_("日期"))
    level = models.CharField(_("层级"), max_length=12, choices=AreaLevel.choices)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("区域"))
    village = area_column(_("村/社区"), null=True)
    new = models.PositiveIntegerField(_("新增"), default=0)
    closed = models.PositiveIntegerField(_("办结"), default=0)
    open = models.PositiveIntegerField(_("在办"), default=0)
    due_today = models.PositiveIntegerField(_("今日到期"), default=0)
    overdue = models.PositiveIntegerField(_("超期"), default=0)
    untouched = models.PositiveIntegerField(_("今日未处理"), default=0)
    urged = models.PositiveIntegerField(_("自动督办"), default=0)
    escalated = models.PositiveIntegerField(_("超期上提"), default=0)
    work_due = models.PositiveIntegerField(_("今日到期走访/回访"), default=0)
    work_overdue = models.PositiveIntegerField(_("逾期走访/回访"), default=0)
    as_of = models.DateTimeField(_("统计时刻"))

    class Meta:
        verbose_name = _("日清记录")
        verbose_name_plural = _("日清记录")
        constraints = [models.UniqueConstraint(fields=["area", "day"], name="one_daily_review_per_area_day")]
        indexes = [
            models.Index(fields=["day", "level", "township"], name="dailyreview_day_level_town"),
            models.Index(fields=["township", "day"], name="dailyreview_town_day"),
        ]

    def __str__(self):
        return f"{self.day} {self.area_id}"


class DailyUrge(models.Model):
    """日清自动督办：某事件某天被督办一次（唯一键保证重跑不重复督办、不重复通知）。"""

    case = models.ForeignKey("incidents.Case", on_delete=models.PROTECT, related_name="daily_urges")
    day = models.DateField(_("日期"))
    grade = models.CharField(_("督办等级"), max_length=8)
    unit = models.ForeignKey("incidents.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("被督办单位"))
    escalated = models.BooleanField(_("已上提"), default=False)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("日清督办")
        verbose_name_plural = _("日清督办")
        constraints = [models.UniqueConstraint(fields=["case", "day"], name="one_daily_urge_per_case_day")]
        indexes = [models.Index(fields=["day", "unit"], name="dailyurge_day_unit")]

    def __str__(self):
        return f"{self.day} {self.case_id}"


class SubjectKind(models.TextChoices):
    GRID_WORKER = "grid_worker", _("网格员")
    VILLAGE = "village", _("村/社区")
    TOWNSHIP = "township", _("乡镇")
    DEPARTMENT = "department", _("县直部门")
    COUNTY = "county", _("县（市、区）")  # only in a prefecture: the city ranks its counties


class WeeklyEvaluation(models.Model):
    """周评：某一周（周一至周日）的评比，发布后对各层级公开排名与红黑榜。"""

    week_start = models.DateField(_("周一"), unique=True)
    computed_at = models.DateTimeField(_("计算时间"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    rules = models.JSONField(_("所用规则"), default=dict)

    class Meta:
        verbose_name = _("周评")
        verbose_name_plural = _("周评")
        ordering = ["-week_start"]

    def __str__(self):
        return f"{self.week_start:%Y-%m-%d}"


class WeeklyScore(InVillage):
    """周评得分：一个评比对象（网格员、村、乡镇、部门）一周的各项数字、得分和名次。"""

    evaluation = models.ForeignKey(WeeklyEvaluation, on_delete=models.CASCADE, related_name="scores")
    kind = models.CharField(_("对象类型"), max_length=12, choices=SubjectKind.choices)
    subject = models.CharField(_("对象键"), max_length=40, help_text=_("area:ID、unit:ID 或 user:ID"))
    name = models.CharField(_("名称"), max_length=100)
    township = area_column(_("乡镇"), null=True)
    village = area_column(_("村/社区"), null=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due = models.PositiveIntegerField(_("应结案数"), default=0)
    closed = models.PositiveIntegerField(_("结案数"), default=0)
    closed_on_time = models.PositiveIntegerField(_("按期结案数"), default=0)
    postponed = models.PositiveIntegerField(_("缓办数"), default=0)
    rework = models.PositiveIntegerField(_("返工数"), default=0)
    yellow_urges = models.PositiveIntegerField(_("黄牌督办"), default=0)
    red_urges = models.PositiveIntegerField(_("红牌督办"), default=0)
    reports = models.PositiveIntegerField(_("上报数"), default=0)
    overdue = models.PositiveIntegerField(_("超期数"), default=0)
    work_overdue = models.PositiveIntegerField(_("逾期走访/回访"), default=0)
    satisfaction = models.DecimalField(_("平均满意度"), max_digits=3, decimal_places=2, null=True, blank=True)
    close_rate = models.DecimalField(_("结案率"), max_digits=5, decimal_places=4, null=True, blank=True)
    on_time_rate = models.DecimalField(_("按期结案率"), max_digits=5, decimal_places=4, null=True, blank=True)
    score = models.DecimalField(_("得分"), max_digits=7, decimal_places=2)
    rank = models.PositiveIntegerField(_("名次"))

    class Meta:
        verbose_name = _("周评得分")
        verbose_name_plural = _("周评得分")
        ordering = ["kind", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "kind", "subject"], name="one_weekly_score_per_subject")
        ]
        indexes = [models.Index(fields=["evaluation", "kind", "rank"], name="weeklyscore_eval_kind_rank")]

    def __str__(self):
        return f"{self.name} {self.score}"
