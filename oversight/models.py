"""Safe-area assessment (平安县乡村三级联创) and the stability index (社会稳定指数).

Configuration (indicators, rating rules, stability indicators and colour bands) is edited in the
Django admin; ratings, evidence and weekly indices are computed or entered through services.
Rows that live in an area carry the `area_fields` pattern so scoping is an indexed filter.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.audit import EventBase
from grids.levels import AreaLevel
from grids.models import Area, InCounty, InTownship, InVillage, area_column
from incidents.constants import Source

from .constants import (
    Colour,
    Comparison,
    EvidenceStatus,
    Metric,
    RatingResult,
    RatingStatus,
    StabilityGroup,
)

ASSESSED_LEVELS = [(AreaLevel.COUNTY, _("县")), (AreaLevel.TOWNSHIP, _("乡镇")), (AreaLevel.VILLAGE, _("村/社区"))]
MIN_YEAR = 2012  # 龙岩市自 2012 年起开展三级联创


class CaseMeasure(models.Model):
    """What a computed indicator counts among the platform's cases: a metric over the cases of
    some categories (a code matches the category and its sub-categories) and sources."""

    metric = models.CharField(_("取值方式"), max_length=16, choices=Metric.choices)
    category_codes = models.JSONField(
        _("事件分类代码"), default=list, blank=True, help_text=_('如 ["MD", "XA01"]；空表示全部分类')
    )
    sources = models.JSONField(
        _("事件来源"),
        default=list,
        blank=True,
        help_text=_('如 ["hotline"]；空表示全部来源。可选：%(s)s') % {"s": ", ".join(Source.values)},
    )

    class Meta:
        abstract = True


class Indicator(CaseMeasure):
    """考核指标：某一层级（县、乡镇、村）平安创建标准中的一条。"""

    level = models.CharField(_("层级"), max_length=12, choices=ASSESSED_LEVELS)
    code = models.CharField(_("代码"), max_length=16)
    name = models.CharField(_("名称"), max_length=100)
    group = models.CharField(_("目标分组"), max_length=20, help_text=_("如 一少、五无、六好、四情、四基"))
    description = models.TextField(_("考核说明"), blank=True)
    comparison = models.CharField(
        _("比较"), max_length=8, choices=Comparison.choices, default=Comparison.AT_MOST, blank=True
    )
    threshold = models.DecimalField(_("阈值"), max_digits=10, decimal_places=2, null=True, blank=True)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=2, default=10)
    is_veto = models.BooleanField(_("一票否决"), default=False)
    is_key = models.BooleanField(_("重点指标"), default=True)
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["level", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["level", "code"], name="one_indicator_code_per_level"),
            models.CheckConstraint(
                name="computed_indicator_has_threshold",
                condition=Q(metric=Metric.ENTERED) | Q(threshold__isnull=False, comparison__in=Comparison.values),
                violation_error_message=_("由平台数据计算的指标必须填写比较方式和阈值。"),
            ),
        ]

    def __str__(self):
        return f"{self.get_level_display()} {self.code} {self.name}"

    @property
    def is_entered(self) -> bool:
        return self.metric == Metric.ENTERED


class RatingRule(models.Model):
    """评定规则：某一层级的称号和达标分数线（一票否决指标另行判定）。"""

    level = models.CharField(_("层级"), max_length=12, choices=ASSESSED_LEVELS, unique=True)
    title = models.CharField(_("称号"), max_length=30, help_text=_("如 平安村（社区）"))
    pass_score = models.DecimalField(
        _("达标分数线"), max_digits=5, decimal_places=2, default=100, help_text=_("百分制，满分 100")
    )

    class Meta:
        verbose_name = _("评定规则")
        verbose_name_plural = _("评定规则")
        constraints = [
            models.CheckConstraint(
                name="pass_score_0_to_100",
                condition=Q(pass_score__range=(0, 100)),
                violation_error_message=_("达标分数线须在 0 至 100 之间。"),
            )
        ]

    def __str__(self):
        return self.title


class AreaScoped(InCounty):
    """The county / township / village ids of an assessed area (the area itself or its parents)."""

    area_fields = InVillage.area_fields

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("区域"))
    township = area_column(_("乡镇"), null=True)
    village = area_column(_("村/社区"), null=True)
    year = models.PositiveSmallIntegerField(_("考核年度"))

    class Meta:
        abstract = True


class AreaRating(AreaScoped):
    """年度平安评定：一个县、乡镇或村一年的测评结果及各项指标明细；认定后对外发布。"""

    level = models.CharField(_("层级"), max_length=12, choices=ASSESSED_LEVELS)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2)
    result = models.CharField(_("结果"), max_length=12, choices=RatingResult.choices)
    breakdown = models.JSONField(_("指标明细"), default=list)
    status = models.CharField(_("状态"), max_length=12, choices=RatingStatus.choices, default=RatingStatus.COMPUTED)
    version = models.PositiveIntegerField(_("版本"), default=1)
    computed_at = models.DateTimeField(_("测评时间"))

    class Meta:
        verbose_name = _("年度平安评定")
        verbose_name_plural = _("年度平安评定")
        constraints = [models.UniqueConstraint(fields=["area", "year"], name="one_rating_per_area_year")]
        indexes = [
            models.Index(fields=["county", "year", "level", "id"], name="rating_county_year_level"),
            models.Index(fields=["township", "year", "id"], name="rating_township_year"),
            models.Index(fields=["village", "year"], name="rating_village_year"),
        ]

    def __str__(self):
        return f"{self.year} {self.area_id}"


class RatingEvent(EventBase):
    """评定记录：测评、认定、撤销认定，只增不改。"""

    subject_field = "rating"

    rating = models.ForeignKey(AreaRating, on_delete=models.PROTECT, related_name="events", verbose_name=_("评定"))

    class Meta(EventBase.Meta):
        verbose_name = _("评定记录")
        verbose_name_plural = _("评定记录")
        indexes = [models.Index(fields=["rating", "created_at"], name="ratingevent_rating_time")]

    def __str__(self):
        return f"{self.rating_id} {self.action_label}"


def evidence_path(instance, filename):
    return f"evidence/{instance.year}/{filename}"


class Evidence(AreaScoped):
    """指标佐证：不能由平台数据计算的指标，由村、乡镇录入达标情况和佐证（说明、附件），经上级审核采信。"""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("指标"))
    passed = models.BooleanField(_("是否达标"))
    note = models.TextField(_("佐证说明"))
    file = models.FileField(_("佐证附件"), upload_to=evidence_path, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    content_type = models.CharField(_("附件类型"), max_length=80, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=EvidenceStatus.choices, default=EvidenceStatus.SUBMITTED
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("录入人")
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("指标佐证")
        verbose_name_plural = _("指标佐证")
        indexes = [
            models.Index(fields=["area", "year", "indicator", "status"], name="evidence_area_year"),
            models.Index(fields=["county", "year", "status", "id"], name="evidence_county_year"),
            models.Index(fields=["township", "year", "status", "id"], name="evidence_township_year"),
            models.Index(fields=["village", "year", "status", "id"], name="evidence_village_year"),
        ]

    def __str__(self):
        return f"{self.year} {self.indicator.code}"


class EvidenceEvent(EventBase):
    """佐证记录：录入、采信、退回，只增不改。"""

    subject_field = "evidence"

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="events", verbose_name=_("佐证"))

    class Meta(EventBase.Meta):
        verbose_name = _("佐证记录")
        verbose_name_plural = _("佐证记录")
        indexes = [models.Index(fields=["evidence", "created_at"], name="evidenceevent_time")]

    def __str__(self):
        return f"{self.evidence_id} {self.action_label}"


class StabilityIndicator(CaseMeasure):
    """社会稳定指数的一项指标：一周内某类事件的数量或比率，按基准值和警戒值折算为 0–100 分。"""

    group = models.CharField(_("类别"), max_length=10, choices=StabilityGroup.choices)
    code = models.CharField(_("代码"), max_length=16, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=2)
    baseline = models.DecimalField(
        _("基准值（满分）"), max_digits=10, decimal_places=2, help_text=_("数量指标：不超过此值得 100 分")
    )
    ceiling = models.DecimalField(
        _("警戒值（零分）"), max_digits=10, decimal_places=2, help_text=_("数量指标：达到此值得 0 分")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("稳定指数指标")
        verbose_name_plural = _("稳定指数指标")
        ordering = ["group", "order", "code"]
        constraints = [
            models.CheckConstraint(
                name="stability_weight_positive",
                condition=Q(weight__gt=0),
                violation_error_message=_("权重必须大于 0。"),
            ),
            models.CheckConstraint(
                name="stability_ceiling_apart",
                condition=~Q(baseline=models.F("ceiling")),
                violation_error_message=_("基准值和警戒值不能相同。"),
            ),
        ]

    def __str__(self):
        return f"{self.get_group_display()} {self.name}"


class ColourBand(models.Model):
    """预警颜色分档：指数不低于下限即为该颜色（从绿色往下依次判断）。"""

    colour = models.CharField(_("颜色"), max_length=8, choices=Colour.choices, unique=True)
    min_index = models.DecimalField(_("指数下限"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("预警颜色分档")
        verbose_name_plural = _("预警颜色分档")
        ordering = ["-min_index"]
        constraints = [
            models.CheckConstraint(
                name="band_0_to_100",
                condition=Q(min_index__range=(0, 100)),
                violation_error_message=_("指数下限须在 0 至 100 之间。"),
            )
        ]

    def __str__(self):
        return f"{self.get_colour_display()} ≥ {self.min_index}"


class StabilityIndex(InTownship):
    """一个乡镇一周的社会稳定指数（0–100，越高越稳定）、预警颜色和四情明细。"""

    week_start = models.DateField(_("周一"))
    index = models.DecimalField(_("稳定指数"), max_digits=5, decimal_places=2)
    colour = models.CharField(_("预警颜色"), max_length=8, choices=Colour.choices)
    breakdown = models.JSONField(_("明细"), default=dict)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("社会稳定指数")
        verbose_name_plural = _("社会稳定指数")
        constraints = [models.UniqueConstraint(fields=["township", "week_start"], name="one_index_per_township_week")]
        indexes = [models.Index(fields=["county", "week_start"], name="stability_county_week")]

    def __str__(self):
        return f"{self.township_id} {self.week_start}"
