"""Insurers, the yearly premium schedule, perils, township group policies, claims and their
append-only timeline (平安家园保险)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.audit import EventBase
from governance.models import AttachmentBase
from grids.models import Area, Household, InGrid, InTownship, area_column
from incidents.models import Case

from .constants import ClaimStatus, Tier

MONEY = {"max_digits": 12, "decimal_places": 2}


class Insurer(models.Model):
    """保险公司：县级支公司（如人保财险虞城支公司），其理赔人员在 staff 中。"""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    county = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在县"))
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="insurers", verbose_name=_("理赔人员")
    )

    class Meta:
        verbose_name = _("保险公司")
        verbose_name_plural = _("保险公司")

    def __str__(self):
        return self.name


class PremiumSchedule(models.Model):
    """保费标准：某保险公司某年度三个人口档次的保费（元/乡镇/年）。"""

    insurer = models.ForeignKey(Insurer, on_delete=models.PROTECT, related_name="schedules", verbose_name=_("保险公司"))
    year = models.PositiveSmallIntegerField(_("年度"))
    small_premium = models.DecimalField(_("4万人以下保费"), **MONEY)
    middle_premium = models.DecimalField(_("4万至5万人保费"), **MONEY)
    large_premium = models.DecimalField(_("5万人以上保费"), **MONEY)

    class Meta:
        verbose_name = _("保费标准")
        verbose_name_plural = _("保费标准")
        constraints = [
            models.UniqueConstraint(fields=["insurer", "year"], name="one_schedule_per_insurer_year"),
            models.CheckConstraint(
                name="premiums_not_negative",
                condition=Q(small_premium__gte=0, middle_premium__gte=0, large_premium__gte=0),
            ),
        ]

    def __str__(self):
        return f"{self.insurer} {self.year}"

    def premium_for(self, tier: str):
        return {Tier.SMALL: self.small_premium, Tier.MIDDLE: self.middle_premium, Tier.LARGE: self.large_premium}[tier]


class Peril(models.Model):
    """承保风险：耕牛等牲畜被盗、电动车摩托车被盗、农具被盗、家庭财物被盗……"""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=50)

    class Meta:
        verbose_name = _("承保风险")
        verbose_name_plural = _("承保风险")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Policy(InTownship):
    """乡镇团体保单：一个乡镇一个年度一张，承保该乡镇全部在册农户，保费由乡镇财政支付。"""

    number = models.CharField(_("保单号"), max_length=32, unique=True)
    insurer = models.ForeignKey(Insurer, on_delete=models.PROTECT, related_name="policies", verbose_name=_("保险公司"))
    township = area_column(_("投保乡镇"))
    year = models.PositiveSmallIntegerField(_("年度"))
    starts_on = models.DateField(_("保险起期"))
    ends_on = models.DateField(_("保险止期"), help_text=_("含当日"))
    population = models.PositiveIntegerField(_("投保日总人口"))
    tier = models.CharField(_("人口档次"), max_length=8, choices=Tier.choices)
    premium = models.DecimalField(_("保费（元）"), **MONEY)
    perils = models.ManyToManyField(Peril, related_name="policies", verbose_name=_("承保风险"))
    per_claim_limit = models.DecimalField(_("每次事故赔偿限额（元）"), **MONEY)
    household_year_limit = models.DecimalField(_("每户年度累计赔偿限额（元）"), **MONEY)
    excess = models.DecimalField(_("每次事故免赔额（元）"), default=0, **MONEY)
    renewed_from = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="renewal", verbose_name=_("续保自")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("录入人")
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("乡镇团体保单")
        verbose_name_plural = _("乡镇团体保单")
        constraints = [
            models.UniqueConstraint(
                fields=["township", "year"],
                name="one_policy_per_township_year",
                violation_error_message=_("该乡镇本年度已有保单。"),
            ),
            models.CheckConstraint(name="policy_term_in_order", condition=Q(ends_on__gte=models.F("starts_on"))),
            models.CheckConstraint(
                name="policy_limits_positive",
                condition=Q(
                    per_claim_limit__gt=0, household_year_limit__gte=models.F("per_claim_limit"), excess__gte=0
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["year", "township"], name="policy_year_township"),
            models.Index(fields=["insurer", "year"], name="policy_insurer_year"),
        ]

    def __str__(self):
        return f"{self.number}（{self.year}）"


class Claim(InGrid):
    """理赔案件：农户被盗后报案，须关联记录该盗窃的事件或公安报案回执号（公安支撑）。"""

    number = models.CharField(_("理赔编号"), max_length=24, unique=True)
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="claims", verbose_name=_("保单"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="claims", verbose_name=_("报案户"))
    incident = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="claims", verbose_name=_("关联事件")
    )
    police_report_number = models.CharField(_("公安报案回执号"), max_length=40, blank=True)
    peril = models.ForeignKey(Peril, on_delete=models.PROTECT, related_name="claims", verbose_name=_("出险原因"))
    item = models.CharField(_("被盗财物"), max_length=100)
    item_key = models.CharField(_("财物（查重用）"), max_length=100, editable=False)
    loss_date = models.DateField(_("出险日期"))
    loss_amount = models.DecimalField(_("损失金额（元）"), **MONEY)
    description = models.TextField(_("经过"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.REPORTED)
    version = models.PositiveIntegerField(_("版本"), default=1)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("报案录入人")
    )
    reported_at = models.DateTimeField(_("报案时间"), db_index=True)
    paid_amount = models.DecimalField(_("赔付金额（元）"), null=True, blank=True, **MONEY)
    paid_on = models.DateField(_("赔付日期"), null=True, blank=True)
    decline_reason = models.TextField(_("拒赔原因"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("理赔案件")
        verbose_name_plural = _("理赔案件")
        constraints = [
            models.CheckConstraint(
                name="claim_has_police_support", condition=Q(incident__isnull=False) | ~Q(police_report_number="")
            ),
            models.CheckConstraint(name="claim_loss_positive", condition=Q(loss_amount__gt=0)),
            models.CheckConstraint(
                name="settled_claim_is_paid",
                condition=~Q(status=ClaimStatus.SETTLED) | Q(paid_amount__gt=0, paid_on__isnull=False),
            ),
            # one loss, one claim (a withdrawn claim gives the loss back)
            models.UniqueConstraint(
                fields=["incident"],
                condition=Q(incident__isnull=False) & ~Q(status=ClaimStatus.WITHDRAWN),
                name="one_claim_per_incident",
            ),
            models.UniqueConstraint(
                fields=["household", "loss_date", "item_key"],
                condition=~Q(status=ClaimStatus.WITHDRAWN),
                name="one_claim_per_household_date_item",
            ),
        ]
        indexes = [
            models.Index(fields=["township", "status", "id"], name="claim_township_status"),
            models.Index(fields=["village", "status", "id"], name="claim_village_status"),
            models.Index(fields=["status", "id"], name="claim_status_id"),
            models.Index(fields=["policy", "status"], name="claim_policy_status"),
            models.Index(fields=["household", "policy"], name="claim_household_policy"),
            models.Index(fields=["reported_by", "id"], name="claim_reporter_id"),
        ]

    def __str__(self):
        return self.number


class ClaimEvent(EventBase):
    """理赔时间线：报案、核实、审核、赔付、拒赔……每步一行，只增不改。"""

    subject_field = "claim"

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="events", verbose_name=_("理赔案件"))

    class Meta(EventBase.Meta):
        verbose_name = _("理赔记录")
        verbose_name_plural = _("理赔记录")
        indexes = [models.Index(fields=["claim", "created_at"], name="claimevent_claim_time")]

    def __str__(self):
        return f"{self.claim_id} {self.action_label}"


def claim_photo_path(instance, filename):
    return f"claims/{instance.claim_id}/{filename}"


class ClaimPhoto(AttachmentBase):
    """核实照片：村级上门核实时拍的现场照片（保存前重新编码，文件名随机），挂在核实那一步记录上。"""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="photos", verbose_name=_("理赔案件"))
    event = models.ForeignKey(ClaimEvent, on_delete=models.PROTECT, related_name="photos", verbose_name=_("记录"))
    file = models.FileField(_("文件"), upload_to=claim_photo_path)

    class Meta:
        verbose_name = _("核实照片")
        verbose_name_plural = _("核实照片")
