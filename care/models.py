"""Community care and watch: key people (重点人员) with care or control plans, the people
responsible for them (一人四管), visits (走访) and the daily urges of overdue visits."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.audit import EventBase, append_only
from grids.models import Area, Household, HouseholdColour, InGrid, Resident
from incidents.models import Case

from .constants import (
    Category,
    ColourChangeStatus,
    ContactMode,
    HelpKind,
    Keeper,
    MovementKind,
    NeedKind,
    RiskLevel,
    UnitKind,
)


class AreaRow(InGrid):
    """A care row filed under a base grid (grids' area columns: county, township, village, grid)."""

    class Meta:
        abstract = True


class CarePlan(AreaRow):
    """重点人员帮扶（管控）计划：一名居民的一个类别，风险等级、走访频次、起止与复核日期。"""

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+", verbose_name=_("居民"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("户"))
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    risk_level = models.CharField(_("风险等级"), max_length=12, choices=RiskLevel.choices, default=RiskLevel.GENERAL)
    visit_every_days = models.PositiveSmallIntegerField(
        _("走访周期（天）"), validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    start_date = models.DateField(_("开始日期"))
    review_date = models.DateField(_("复核日期"))
    next_due = models.DateField(_("下次走访截止"), help_text=_("上次走访日期 + 周期；尚未走访时为开始日期"))
    last_visit_at = models.DateTimeField(_("最近走访"), null=True, blank=True)
    keepers_complete = models.BooleanField(
        _("责任人齐全"), default=True, help_text=_("严重精神障碍患者须有监护人、村干部、乡镇干部、民警（一人四管）")
    )
    note = models.TextField(_("计划内容"), blank=True)
    is_active = models.BooleanField(_("在管"), default=True)
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("建档人")
    )
    created_at = models.DateTimeField(_("建档时间"), auto_now_add=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("重点人员计划")
        verbose_name_plural = _("重点人员计划")
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "category"],
                condition=Q(is_active=True),
                name="one_active_plan_per_resident_category",
                violation_error_message=_("该居民在此类别下已有在管计划。"),
            ),
            models.CheckConstraint(
                name="care_plan_review_after_start", condition=Q(review_date__gte=models.F("start_date"))
            ),
            models.CheckConstraint(name="care_plan_every_positive", condition=Q(visit_every_days__gte=1)),
        ]
        indexes = [
            models.Index(fields=["grid", "next_due"], name="careplan_grid_due", condition=Q(is_active=True)),
            models.Index(fields=["village", "next_due"], name="careplan_village_due", condition=Q(is_active=True)),
            models.Index(fields=["township", "next_due"], name="careplan_town_due", condition=Q(is_active=True)),
            models.Index(fields=["category", "risk_level", "id"], name="careplan_category_risk"),
            models.Index(fields=["keepers_complete", "id"], name="careplan_keepers"),
            models.Index(
                fields=["village", "review_date"], name="careplan_village_review", condition=Q(is_active=True)
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()} #{self.pk}"


class PlanKeeper(models.Model):
    """计划责任人：监护人、村干部、乡镇干部、民警、网格员……（平台用户或仅登记姓名电话）。"""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="keepers", verbose_name=_("计划"))
    role = models.CharField(_("职责"), max_length=20, choices=Keeper.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("平台用户"),
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("电话"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("计划责任人")
        verbose_name_plural = _("计划责任人")
        indexes = [models.Index(fields=["user", "plan"], name="plankeeper_user_plan")]

    def __str__(self):
        return f"{self.get_role_display()} {self.name}"


class PlanEvent(EventBase):
    """计划变更记录（只追加）：建档、修订、结束……"""

    plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="events", verbose_name=_("计划"))

    class Meta(EventBase.Meta):
        verbose_name = _("计划变更记录")
        verbose_name_plural = _("计划变更记录")
        indexes = [models.Index(fields=["plan", "created_at"], name="planevent_plan_at")]


def visit_photo_path(instance, filename):
    return f"care/visits/{uuid.uuid4().hex[:2]}/{filename}"


class CareVisit(AreaRow):
    """走访：责任人对重点人员的一次走访（时间、地点、位置、情况、照片、是否需跟进）。"""

    plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="visits", verbose_name=_("计划"))
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("走访人")
    )
    at = models.DateTimeField(_("走访时间"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    finding = models.TextField(_("走访情况"))
    follow_up = models.BooleanField(_("需跟进"), default=False)
    concern = models.BooleanField(_("发现异常"), default=False)
    photo = models.FileField(_("照片"), upload_to=visit_photo_path, blank=True)
    photo_type = models.CharField(_("照片类型"), max_length=40, blank=True)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("转立事件")
    )
    next_due = models.DateField(_("下次走访截止"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("走访")
        verbose_name_plural = _("走访")
        indexes = [
            models.Index(fields=["plan", "at"], name="carevisit_plan_at"),
            models.Index(fields=["visitor", "at"], name="carevisit_visitor_at"),
            models.Index(fields=["grid", "at"], name="carevisit_grid_at"),
            models.Index(fields=["village", "at"], name="carevisit_village_at"),
        ]

    def __str__(self):
        return f"{self.plan_id} {self.at:%Y-%m-%d}"


class VisitUrge(models.Model):
    """逾期走访提醒：日清时某计划某天逾期，提醒一次（唯一键保证重跑不重复）。"""

    plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="+", verbose_name=_("计划"))
    day = models.DateField(_("日期"))
    grid_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("当日网格员"),
    )
    due = models.DateField(_("应走访日期"))

    class Meta:
        verbose_name = _("逾期走访提醒")
        verbose_name_plural = _("逾期走访提醒")
        constraints = [models.UniqueConstraint(fields=["plan", "day"], name="one_visit_urge_per_plan_day")]
        indexes = [models.Index(fields=["grid_worker", "day"], name="visiturge_worker_day")]

    def __str__(self):
        return f"{self.day} {self.plan_id}"


# --- 三色管理 (Hanyin / Ankang): colour changes and the contact rhythm per colour -------------


class ColourRhythm(models.Model):
    """三色联系节奏：每种颜色的服务方式（在线/一线/热线）和联系周期。管理员在后台修改。"""

    colour = models.CharField(_("颜色"), max_length=8, choices=HouseholdColour.choices, unique=True)
    mode = models.CharField(_("服务方式"), max_length=8, choices=ContactMode.choices)
    every_days = models.PositiveSmallIntegerField(
        _("联系周期（天）"), validators=[MinValueValidator(1), MaxValueValidator(365)]
    )

    class Meta:
        verbose_name = _("三色联系节奏")
        verbose_name_plural = _("三色联系节奏")
        constraints = [models.CheckConstraint(name="colour_rhythm_every_positive", condition=Q(every_days__gte=1))]

    def __str__(self):
        return f"{self.get_colour_display()}：{self.get_mode_display()}，每 {self.every_days} 天"


class ColourChange(AreaRow):
    """三色变更：村提出（附理由），乡镇确认后户的颜色才改变；全部保留为该户的颜色历史。"""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("户"))
    from_colour = models.CharField(_("原颜色"), max_length=8, choices=HouseholdColour.choices)
    to_colour = models.CharField(_("新颜色"), max_length=8, choices=HouseholdColour.choices)
    reason = models.TextField(_("理由"))
    status = models.CharField(
        _("状态"), max_length=12, choices=ColourChangeStatus.choices, default=ColourChangeStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("提出人")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("确认人"),
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("三色变更")
        verbose_name_plural = _("三色变更")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status=ColourChangeStatus.PROPOSED),
                name="one_open_colour_change_per_household",
                violation_error_message=_("该户已有待确认的颜色变更。"),
            ),
            models.CheckConstraint(name="colour_change_changes", condition=~Q(from_colour=models.F("to_colour"))),
        ]
        indexes = [
            models.Index(fields=["township", "status", "id"], name="colourchange_town_status"),
            models.Index(fields=["village", "status", "id"], name="colourchange_village_status"),
            models.Index(fields=["household", "created_at"], name="colourchange_household_at"),
        ]

    def __str__(self):
        return f"{self.household_id} {self.from_colour}→{self.to_colour}"


class ColourChangeEvent(EventBase):
    """三色变更记录（只追加）：提出、确认、退回、撤回。"""

    change = models.ForeignKey(ColourChange, on_delete=models.PROTECT, related_name="events", verbose_name=_("变更"))

    class Meta(EventBase.Meta):
        verbose_name = _("三色变更记录")
        verbose_name_plural = _("三色变更记录")
        indexes = [models.Index(fields=["change", "created_at"], name="colourevent_change_at")]


# --- 平安志愿者 and the points exchange (Wucheng) ---------------------------------------------


class VolunteerRules(models.Model):
    """志愿积分规则（单行）：每服务 1 小时得几分。管理员在后台修改。"""

    points_per_hour = models.PositiveSmallIntegerField(_("每小时积分"), default=10)
    credit_hours_per_year = models.PositiveSmallIntegerField(
        _("一年服务满几小时提议信用加分"), default=12, help_text=_("综治信用“微治理志愿者”加分项，经评定小组决定")
    )

    class Meta:
        verbose_name = _("志愿积分规则")
        verbose_name_plural = _("志愿积分规则")

    def __str__(self):
        return str(_("志愿积分规则"))

    @classmethod
    def current(cls) -> "VolunteerRules":
        rules, _created = cls.objects.get_or_create(pk=1)
        return rules


class Volunteer(AreaRow):
    """平安志愿者：一名居民登记为志愿者，积分余额不会为负（数据库约束兜底）。"""

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+", verbose_name=_("居民"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("户"))
    skills = models.CharField(_("特长"), max_length=200, blank=True)
    balance = models.PositiveIntegerField(_("积分余额"), default=0)
    hours = models.DecimalField(_("累计服务时长"), max_digits=8, decimal_places=1, default=0)
    is_active = models.BooleanField(_("在册"), default=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    registered_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("平安志愿者")
        verbose_name_plural = _("平安志愿者")
        constraints = [
            models.UniqueConstraint(fields=["resident"], name="one_volunteer_per_resident"),
            models.CheckConstraint(name="volunteer_balance_not_negative", condition=Q(balance__gte=0)),
        ]
        indexes = [models.Index(fields=["village", "id"], name="volunteer_village_id")]

    def __str__(self):
        return f"{self.resident_id} {self.balance}"


class ShopItem(models.Model):
    """积分兑换商品：某村积分超市的一种商品，所需积分和库存。"""

    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("村/社区"))
    name = models.CharField(_("商品"), max_length=50)
    points = models.PositiveIntegerField(_("所需积分"), validators=[MinValueValidator(1)])
    stock = models.PositiveIntegerField(_("库存"), default=0)
    is_active = models.BooleanField(_("上架"), default=True)

    class Meta:
        verbose_name = _("积分兑换商品")
        verbose_name_plural = _("积分兑换商品")
        constraints = [
            models.CheckConstraint(name="shop_item_points_positive", condition=Q(points__gte=1)),
            models.CheckConstraint(name="shop_item_stock_not_negative", condition=Q(stock__gte=0)),
        ]
        indexes = [models.Index(fields=["village", "is_active"], name="shopitem_village_active")]

    def __str__(self):
        return f"{self.name}（{self.points} 分）"


class PointsMovement(AreaRow):
    """积分流水（只追加，从不修改）：服务得分或兑换扣分，记下变动后的余额。"""

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="movements", verbose_name=_("志愿者")
    )
    kind = models.CharField(_("类型"), max_length=8, choices=MovementKind.choices)
    points = models.IntegerField(_("积分变动"), help_text=_("得分为正，兑换为负"))
    balance_after = models.PositiveIntegerField(_("变动后余额"))
    hours = models.DecimalField(_("服务时长"), max_digits=5, decimal_places=1, null=True, blank=True)
    served_on = models.DateField(_("服务日期"), null=True, blank=True)
    item = models.ForeignKey(ShopItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.CharField(_("说明"), max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("经办人")
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("积分流水")
        verbose_name_plural = _("积分流水")
        constraints = [
            models.CheckConstraint(name="movement_balance_not_negative", condition=Q(balance_after__gte=0)),
            models.CheckConstraint(
                name="movement_sign_fits_kind",
                condition=(Q(kind=MovementKind.EARN) & Q(points__gt=0) & Q(hours__gt=0))
                | (Q(kind=MovementKind.SPEND) & Q(points__lt=0) & Q(item__isnull=False)),
            ),
        ]
        indexes = [
            models.Index(fields=["volunteer", "id"], name="movement_volunteer_id"),
            models.Index(fields=["village", "served_on"], name="movement_village_served"),
        ]
        triggers = append_only()

    def __str__(self):
        return f"{self.volunteer_id} {self.points:+d}"


# --- 家家帮 pairs, 挨户防 units and micro-grids (Ankang, Jiashan) ------------------------------


class HelpPair(AreaRow):
    """家家帮结对：一户有帮扶能力的家庭与一户老弱病残家庭结对 [start_date, end_date)。"""

    helper = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("帮扶户"))
    helped = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("受助户"))
    need = models.CharField(_("受助原因"), max_length=12, choices=NeedKind.choices)
    start_date = models.DateField(_("结对日期"))
    end_date = models.DateField(_("解除日期"), null=True, blank=True)
    end_reason = models.CharField(_("解除原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )

    class Meta:
        verbose_name = _("家家帮结对")
        verbose_name_plural = _("家家帮结对")
        constraints = [
            models.CheckConstraint(name="pair_two_households", condition=~Q(helper=models.F("helped"))),
            models.UniqueConstraint(
                fields=["helper", "helped"], condition=Q(end_date__isnull=True), name="one_active_pair"
            ),
            models.CheckConstraint(
                name="pair_ends_after_start",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
            ),
        ]
        indexes = [models.Index(fields=["village", "end_date", "id"], name="helppair_village_end")]

    def __str__(self):
        return f"{self.helper_id} → {self.helped_id}"


class HelpLog(models.Model):
    """帮扶记录（只追加）：某次结对帮扶做了什么。"""

    pair = models.ForeignKey(HelpPair, on_delete=models.PROTECT, related_name="logs", verbose_name=_("结对"))
    kind = models.CharField(_("帮扶内容"), max_length=12, choices=HelpKind.choices)
    helped_on = models.DateField(_("日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("帮扶记录")
        verbose_name_plural = _("帮扶记录")
        indexes = [models.Index(fields=["pair", "helped_on"], name="helplog_pair_day")]
        triggers = append_only()

    def __str__(self):
        return f"{self.pair_id} {self.kind} {self.helped_on}"


class WatchUnit(AreaRow):
    """挨户防单元（约 15 户，户防长）或微网格（10–20 户，微网格长），属于一个基础网格。"""

    kind = models.CharField(_("类型"), max_length=8, choices=UnitKind.choices)
    name = models.CharField(_("名称"), max_length=50)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("建立人")
    )
    created_at = models.DateTimeField(_("建立时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("挨户防单元/微网格")
        verbose_name_plural = _("挨户防单元/微网格")
        indexes = [models.Index(fields=["village", "kind", "id"], name="watchunit_village_kind")]

    def __str__(self):
        return self.name


class UnitMember(models.Model):
    """单元成员户：某户在某单元的时期 [start_date, end_date)；一户同一时间只在一个同类单元。"""

    unit = models.ForeignKey(WatchUnit, on_delete=models.PROTECT, related_name="members", verbose_name=_("单元"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("户"))
    kind = models.CharField(_("单元类型"), max_length=8, choices=UnitKind.choices)
    start_date = models.DateField(_("加入日期"))
    end_date = models.DateField(_("退出日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("单元成员户")
        verbose_name_plural = _("单元成员户")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "kind"], condition=Q(end_date__isnull=True), name="one_active_unit_per_kind"
            ),
            models.CheckConstraint(
                name="member_ends_after_start",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
            ),
        ]
        indexes = [models.Index(fields=["unit", "end_date"], name="unitmember_unit_end")]

    def __str__(self):
        return f"{self.unit_id} {self.household_id}"


class UnitLeader(models.Model):
    """户防长 / 微网格长的任期 [start_date, end_date)：某天谁是长，查任期即可。"""

    unit = models.ForeignKey(WatchUnit, on_delete=models.PROTECT, related_name="leaders", verbose_name=_("单元"))
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+", verbose_name=_("居民"))
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )

    class Meta:
        verbose_name = _("户防长/微网格长任期")
        verbose_name_plural = _("户防长/微网格长任期")
        constraints = [
            models.UniqueConstraint(fields=["unit"], condition=Q(end_date__isnull=True), name="one_active_leader"),
            models.CheckConstraint(
                name="leader_ends_after_start",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
            ),
        ]
        indexes = [models.Index(fields=["unit", "start_date"], name="unitleader_unit_start")]

    def __str__(self):
        return f"{self.unit_id} {self.resident_id} {self.start_date}"
