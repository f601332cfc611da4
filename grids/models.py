"""Areas (the county → township → village → base-grid tree), who is assigned where, and the
households and residents of each base grid."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from treebeard.mp_tree import MP_Node

from governance.audit import append_only
from governance.roles import Role, role_choices

from .codes import code_regex
from .levels import AreaLevel
from .scoping import AreaManager, AreaScopedQuerySet

AREA_PERMISSIONS = (
    ("view_area_records", _("查看辖区数据")),
    ("change_area_records", _("维护辖区数据")),
    ("manage_assignments", _("管理网格人员分配")),
    ("view_identity", _("查看完整身份证号和电话")),
    ("view_key_persons", _("查看居民的重点人员标签")),
    ("view_insurance_records", _("查看辖区平安家园保险数据")),
    ("view_credit_records", _("查看辖区综治信用数据")),
)


class Area(MP_Node):
    """区域节点：市、县、乡镇、村/社区、基础网格或微网格。子树查询是一条按路径前缀的索引查询。"""

    steplen = 4
    node_order_by = ["code"]

    code = models.CharField(_("区划代码"), max_length=17, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=12, choices=AreaLevel.choices, db_index=True)
    boundary = models.JSONField(_("边界（GeoJSON）"), null=True, blank=True)
    center_lat = models.FloatField(_("中心纬度"), null=True, blank=True)
    center_lng = models.FloatField(_("中心经度"), null=True, blank=True)
    population = models.PositiveIntegerField(_("人口数"), default=0)
    household_count = models.PositiveIntegerField(_("户数"), default=0)

    objects = AreaManager()

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        permissions = AREA_PERMISSIONS
        constraints = [
            models.CheckConstraint(
                name="area_code_fits_level",
                condition=Q(level=AreaLevel.CITY, code__regex=code_regex(AreaLevel.CITY))
                | Q(level=AreaLevel.COUNTY, code__regex=code_regex(AreaLevel.COUNTY))
                | Q(level=AreaLevel.TOWNSHIP, code__regex=code_regex(AreaLevel.TOWNSHIP))
                | Q(level=AreaLevel.VILLAGE, code__regex=code_regex(AreaLevel.VILLAGE))
                | Q(level=AreaLevel.GRID, code__regex=code_regex(AreaLevel.GRID))
                | Q(level=AreaLevel.MICRO_GRID, code__regex=code_regex(AreaLevel.MICRO_GRID)),
            )
        ]

    def __str__(self):
        return f"{self.name}（{self.code}）"


class AreaNameChange(models.Model):
    """区划名称更正：管理员更正一个区域名称的记录（谁、何时、原名、新名、依据），只增不改。"""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="name_changes", verbose_name=_("区域"))
    old_name = models.CharField(_("原名称"), max_length=100)
    new_name = models.CharField(_("新名称"), max_length=100)
    reason = models.CharField(_("依据"), max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("操作人")
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("区划名称更正")
        verbose_name_plural = _("区划名称更正")
        ordering = ["-created_at", "-id"]
        triggers = append_only()

    def __str__(self):
        return f"{self.old_name} → {self.new_name}"


class AreaUserPermission(UserObjectPermissionBase):
    """A user's permission on one area node (and so on its subtree): direct FK, no generic join."""

    content_object = models.ForeignKey(Area, on_delete=models.CASCADE)


class AreaGroupPermission(GroupObjectPermissionBase):
    """A group's permission on one area node (e.g. a department granted the county)."""

    content_object = models.ForeignKey(Area, on_delete=models.CASCADE)


class Assignment(models.Model):
    """人员任职：某人以某角色负责某区域的一段时间 [start_date, end_date)。业务上的事实来源。"""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("人员")
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("区域"))
    role = models.CharField(_("角色"), max_length=32, choices=role_choices, db_index=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True, help_text=_("当天起不再负责；空表示在任"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, verbose_name=_("任命人")
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("结束操作人"),
    )
    end_reason = models.CharField(_("结束原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("人员任职")
        verbose_name_plural = _("人员任职")
        constraints = [
            models.UniqueConstraint(
                fields=["area"],
                condition=Q(role=Role.GRID_WORKER, end_date__isnull=True),
                name="one_active_grid_worker_per_area",
                violation_error_message=_("该网格已有在任网格员。"),
            ),
            models.CheckConstraint(
                name="assignment_ends_after_start",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
            ),
        ]
        indexes = [
            models.Index(fields=["area", "role", "start_date"], name="assignment_area_role_start"),
            models.Index(fields=["user", "end_date"], name="assignment_user_end"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.area.name}"


class HouseholdColour(models.TextChoices):
    GREEN = "green", _("放心户（绿）")
    YELLOW = "yellow", _("关心户（黄）")
    RED = "red", _("连心户（红）")


def area_column(label, *, null: bool = False, related_name: str = "+"):
    """A business row's area column (one of the InCounty … InGrid bases, or a subclass's own)."""
    return models.ForeignKey(
        Area, on_delete=models.PROTECT, null=null, blank=null, related_name=related_name, verbose_name=label
    )


class InCounty(models.Model):
    """A business row that lives in an area and carries its area ids, so scoping a list is an
    indexed equality filter (`scoping.scope_q` reads `area_fields`) and checking one row is a
    comparison in memory. InTownship, InVillage and InGrid add the next level each; a model whose
    column differs (nullable, its own label or reverse name) declares that column itself."""

    area_fields = {AreaLevel.COUNTY: "county_id"}

    county = area_column(_("县"))

    objects = AreaScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class InTownship(InCounty):
    area_fields = {**InCounty.area_fields, AreaLevel.TOWNSHIP: "township_id"}

    township = area_column(_("乡镇"))

    class Meta:
        abstract = True


class InVillage(InTownship):
    area_fields = {**InTownship.area_fields, AreaLevel.VILLAGE: "village_id"}

    village = area_column(_("村/社区"))

    class Meta:
        abstract = True


class InGrid(InVillage):
    area_fields = {**InVillage.area_fields, AreaLevel.GRID: "grid_id"}

    grid = area_column(_("网格"))

    class Meta:
        abstract = True


class RegisterStatus(models.TextChoices):
    """Ankang's 两簿并行: the household register (户籍) and the residence register (居住)."""

    REGISTERED_HERE = "registered_here", _("户籍在本地且居住")
    LIVING_HERE_ONLY = "living_here_only", _("居住在本地、户籍在外地")
    REGISTERED_ONLY = "registered_only", _("户籍在本地、人在外地")


class Household(InGrid):
    """户：属于一个基础网格，带上县、乡镇、村的编号以便按辖区做索引过滤。"""

    area_fields = {**InGrid.area_fields, AreaLevel.MICRO_GRID: "micro_grid_id"}

    number = models.CharField(_("户编号"), max_length=24, unique=True)
    grid = area_column(_("基础网格"), related_name="households")
    micro_grid = area_column(_("微网格"), null=True)
    head_name = models.CharField(_("户主姓名"), max_length=50)
    address = models.CharField(_("住址"), max_length=200)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    colour = models.CharField(
        _("三色管理"), max_length=8, choices=HouseholdColour.choices, default=HouseholdColour.GREEN
    )
    register_status = models.CharField(
        _("户籍/居住"), max_length=20, choices=RegisterStatus.choices, default=RegisterStatus.REGISTERED_HERE
    )
    registered_place = models.CharField(_("户籍所在地"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")
        indexes = [
            models.Index(fields=["township", "id"], name="household_township_id"),
            models.Index(fields=["village", "id"], name="household_village_id"),
            models.Index(fields=["colour", "id"], name="household_colour_id"),
            models.Index(fields=["head_name"], name="household_head_name"),
        ]

    def __str__(self):
        return f"{self.head_name}户（{self.number}）"


class KeyPersonTag(models.Model):
    """重点人员标签：矫正对象、严重精神障碍患者、孤寡老人、残疾人、留守儿童……"""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=50)

    class Meta:
        verbose_name = _("重点人员标签")
        verbose_name_plural = _("重点人员标签")

    def __str__(self):
        return self.name


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    GRANDCHILD = "grandchild", _("孙辈")
    OTHER = "other", _("其他")


class Resident(models.Model):
    """居民：身份证号加密保存，另存带密钥的哈希用于精确查找，列表只显示脱敏号码。"""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="residents", verbose_name=_("户"))
    name = models.CharField(_("姓名"), max_length=50)
    relation = models.CharField(_("与户主关系"), max_length=12, choices=Relation.choices, default=Relation.OTHER)
    id_number_encrypted = models.TextField(_("身份证号（密文）"), blank=True)
    id_number_digest = models.CharField(_("身份证号（查找哈希）"), max_length=64, blank=True, db_index=True)
    id_number_masked = models.CharField(_("身份证号（脱敏）"), max_length=18, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    is_male = models.BooleanField(_("男性"), null=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    tags = models.ManyToManyField(KeyPersonTag, blank=True, related_name="residents", verbose_name=_("重点人员标签"))

    class Meta:
        verbose_name = _("居民")
        verbose_name_plural = _("居民")

    def __str__(self):
        return self.name


# --- grid workers' field work and points (积分制), see grids/fieldwork.py -------------------


class FieldworkRow(InGrid):
    """A grid worker's record on a base grid (area columns for scoping)."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("网格员")
    )

    class Meta:
        abstract = True


class CheckInPosition(models.TextChoices):
    GPS = "gps", _("手机定位")
    GRID_CENTRE = "grid_centre", _("网格中心（未定位）")


class NoGpsReason(models.TextChoices):
    """Why a check-in carries the grid's centre instead of the phone's position."""

    DENIED = "denied", _("手机未开启定位或不允许本平台定位")
    NO_SIGNAL = "no_signal", _("定位信号弱，未能定位")
    NO_HTTPS = "no_https", _("当前连接不是 HTTPS，浏览器不允许定位")
    NO_DEVICE = "no_device", _("手机没有定位功能")


class PatrolCheckIn(FieldworkRow):
    """巡查打卡：网格员在网格内巡查时带位置的打卡；手机无法定位时以网格中心打卡并注明原因。"""

    lat = models.FloatField(_("纬度"))
    lng = models.FloatField(_("经度"))
    position = models.CharField(
        _("位置来源"), max_length=12, choices=CheckInPosition.choices, default=CheckInPosition.GPS
    )
    no_gps_reason = models.CharField(_("未定位原因"), max_length=12, choices=NoGpsReason.choices, blank=True)
    in_own_grid = models.BooleanField(_("在本人网格内"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    at = models.DateTimeField(_("打卡时间"))

    class Meta:
        verbose_name = _("巡查打卡")
        verbose_name_plural = _("巡查打卡")
        indexes = [
            models.Index(fields=["worker", "at"], name="checkin_worker_at"),
            models.Index(fields=["grid", "at"], name="checkin_grid_at"),
        ]
        constraints = [
            models.CheckConstraint(  # a grid-centre check-in always says why the phone gave no position
                name="checkin_reason_iff_grid_centre",
                condition=Q(position=CheckInPosition.GPS, no_gps_reason="")
                | (Q(position=CheckInPosition.GRID_CENTRE) & ~Q(no_gps_reason="")),
            )
        ]

    def __str__(self):
        return f"{self.worker_id} {self.at:%Y-%m-%d %H:%M}"


class HouseholdVisit(FieldworkRow):
    """入户走访：网格员走访一户（嘉善：每天不少于 10 户）。"""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="visits", verbose_name=_("户"))
    note = models.CharField(_("走访情况"), max_length=500, blank=True)
    at = models.DateTimeField(_("走访时间"))

    class Meta:
        verbose_name = _("入户走访")
        verbose_name_plural = _("入户走访")
        indexes = [
            models.Index(fields=["worker", "at"], name="visit_worker_at"),
            models.Index(fields=["grid", "at"], name="visit_grid_at"),
            # a household's last contact (care.colours: which households are due): one index seek
            # per household instead of reading its every visit (docs/performance.md)
            models.Index(fields=["household", "at"], name="visit_household_at"),
        ]

    def __str__(self):
        return f"{self.worker_id} → {self.household_id}"


class SpotCheck(FieldworkRow):
    """抽查：乡镇或县对网格员工作的抽查结果。"""

    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("抽查人")
    )
    day = models.DateField(_("抽查日期"))
    passed = models.BooleanField(_("合格"))
    note = models.CharField(_("情况"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("抽查")
        verbose_name_plural = _("抽查")
        indexes = [models.Index(fields=["worker", "day"], name="spotcheck_worker_day")]

    def __str__(self):
        return f"{self.worker_id} {self.day} {'合格' if self.passed else '不合格'}"


class LeaderReview(FieldworkRow):
    """领导评议：乡镇或村的领导对网格员一个月工作的评分（0–100），宝丰：参考领导评议为辅。"""

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("评议人")
    )
    month = models.DateField(_("月份"), help_text=_("当月 1 日"))
    score = models.PositiveSmallIntegerField(_("评议分（0–100）"), validators=[MaxValueValidator(100)])
    note = models.CharField(_("评语"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("评议时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("领导评议")
        verbose_name_plural = _("领导评议")
        constraints = [
            models.UniqueConstraint(fields=["worker", "month"], name="one_leader_review_per_worker_month"),
            models.CheckConstraint(name="leader_review_score_0_100", condition=Q(score__lte=100)),
        ]

    def __str__(self):
        return f"{self.worker_id} {self.month:%Y-%m} {self.score}"


class Rating(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASIC = "basic", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")
    UNRATED = "unrated", _("未评")


class PointsRules(models.Model):
    """积分规则（单行）：各项积分和月度评定档次。管理员在后台修改。"""

    per_checkin_day = models.DecimalField(_("每个打卡日"), max_digits=5, decimal_places=2, default=Decimal(2))
    per_visit = models.DecimalField(_("每户走访"), max_digits=5, decimal_places=2, default=Decimal("0.1"))
    daily_visit_target = models.PositiveSmallIntegerField(_("每日走访户数目标"), default=10)
    per_target_day = models.DecimalField(_("走访达标日加分"), max_digits=5, decimal_places=2, default=Decimal(1))
    per_report = models.DecimalField(_("每件上报"), max_digits=5, decimal_places=2, default=Decimal(1))
    per_task = models.DecimalField(_("每件办结任务"), max_digits=5, decimal_places=2, default=Decimal(2))
    per_spot_pass = models.DecimalField(_("抽查合格加分"), max_digits=5, decimal_places=2, default=Decimal(5))
    per_spot_fail = models.DecimalField(_("抽查不合格扣分"), max_digits=5, decimal_places=2, default=Decimal(10))
    per_work_done = models.DecimalField(
        _("每次到期走访/回访"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.5"),
        help_text=_("重点人员走访、调解回访等到期工作（settings.REVIEW_DUE_WORK）"),
    )
    per_work_missed = models.DecimalField(
        _("每件逾期未走访/回访扣分"), max_digits=5, decimal_places=2, default=Decimal(1)
    )
    per_leader_point = models.DecimalField(
        _("领导评议权重（每分）"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.10"),
        help_text=_("领导评议分（0–100）乘以该权重计入积分；宝丰：参考领导评议为辅"),
    )
    leader_default_score = models.PositiveSmallIntegerField(
        _("未评议时按（分）"), default=80, validators=[MaxValueValidator(100)]
    )
    excellent_from = models.DecimalField(_("优秀（不低于）"), max_digits=6, decimal_places=2, default=Decimal(90))
    competent_from = models.DecimalField(_("称职（不低于）"), max_digits=6, decimal_places=2, default=Decimal(70))
    basic_from = models.DecimalField(_("基本称职（不低于）"), max_digits=6, decimal_places=2, default=Decimal(50))
    dismissal_months = models.PositiveSmallIntegerField(
        _("连续几个月基本称职及以下提请解聘审查"), default=3
    )
    pay_excellent = models.PositiveSmallIntegerField(_("优秀：绩效工资（%）"), default=120)
    pay_competent = models.PositiveSmallIntegerField(_("称职：绩效工资（%）"), default=100)
    pay_basic = models.PositiveSmallIntegerField(_("基本称职：绩效工资（%）"), default=80)
    pay_incompetent = models.PositiveSmallIntegerField(_("不称职：绩效工资（%）"), default=50)

    class Meta:
        verbose_name = _("积分规则")
        verbose_name_plural = _("积分规则")
        constraints = [
            models.CheckConstraint(
                name="points_thresholds_descend",
                condition=Q(excellent_from__gte=models.F("competent_from"))
                & Q(competent_from__gte=models.F("basic_from")),
            )
        ]

    def __str__(self):
        return str(_("积分规则"))

    @classmethod
    def current(cls) -> "PointsRules":
        rules, _created = cls.objects.get_or_create(pk=1)
        return rules


class MonthlyRating(FieldworkRow):
    """网格员月度评定：当月各项数字、积分、档次，以及是否提请解聘审查（宝丰：连续三个月基本称职）。"""

    month = models.DateField(_("月份"), help_text=_("当月 1 日"))
    checkin_days = models.PositiveSmallIntegerField(_("打卡天数"), default=0)
    visits = models.PositiveIntegerField(_("走访户次"), default=0)
    visit_target_days = models.PositiveSmallIntegerField(_("走访达标天数"), default=0)
    reports = models.PositiveIntegerField(_("上报事件"), default=0)
    tasks = models.PositiveIntegerField(_("办结任务"), default=0)
    spot_passed = models.PositiveSmallIntegerField(_("抽查合格"), default=0)
    spot_failed = models.PositiveSmallIntegerField(_("抽查不合格"), default=0)
    leader_score = models.PositiveSmallIntegerField(_("领导评议分"), null=True, blank=True)
    work_done = models.PositiveIntegerField(_("到期走访/回访"), default=0)
    work_missed = models.PositiveIntegerField(_("逾期走访/回访"), default=0)
    points = models.DecimalField(_("积分"), max_digits=8, decimal_places=2)
    rating = models.CharField(_("评定"), max_length=12, choices=Rating.choices)
    dismissal_review = models.BooleanField(_("提请解聘审查"), default=False)
    pay_percent = models.PositiveSmallIntegerField(
        _("绩效工资（%）"), null=True, blank=True, help_text=_("评定档次对应的绩效工资比例；未评为空")
    )
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("月度评定")
        verbose_name_plural = _("月度评定")
        constraints = [models.UniqueConstraint(fields=["worker", "month"], name="one_rating_per_worker_month")]
        indexes = [models.Index(fields=["month", "township"], name="rating_month_township")]

    def __str__(self):
        return f"{self.worker_id} {self.month:%Y-%m} {self.get_rating_display()}"
