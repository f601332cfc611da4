"""Choices of the oversight app (safe-area assessment and the stability index), Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Metric(models.TextChoices):
    """How an indicator gets its value: from the platform's cases, or entered with evidence."""

    CASE_COUNT = "case_count", _("事件数（按分类/来源）")
    RESOLUTION_RATE = "resolution_rate", _("化解率 %（已化解 / 受理）")
    ON_TIME_RATE = "on_time_rate", _("按期办结率 %")
    SATISFACTION = "satisfaction", _("群众满意率 %（回访满意度 × 20）")
    ENTERED = "entered", _("人工录入（附佐证）")


COMPUTED_METRICS = (Metric.CASE_COUNT, Metric.RESOLUTION_RATE, Metric.ON_TIME_RATE, Metric.SATISFACTION)


class Comparison(models.TextChoices):
    AT_MOST = "at_most", _("不超过（上限）")
    AT_LEAST = "at_least", _("不低于（下限）")


class RatingResult(models.TextChoices):
    SAFE = "safe", _("达标")
    NOT_SAFE = "not_safe", _("未达标")
    INCOMPLETE = "incomplete", _("佐证未齐")


class RatingStatus(models.TextChoices):
    COMPUTED = "computed", _("已测评")
    APPROVED = "approved", _("已认定")


class EvidenceStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已采信")
    REJECTED = "rejected", _("已退回")


class StabilityGroup(models.TextChoices):
    """社会稳定指数的四类指标（四情）。"""

    SOCIAL = "social", _("社情")
    OPINION = "opinion", _("舆情")
    POLICE = "police", _("警情")
    CRIMINAL = "criminal", _("案情")


class Colour(models.TextChoices):
    """预警颜色，由好到坏。"""

    GREEN = "green", _("绿色（稳定）")
    YELLOW = "yellow", _("黄色（关注）")
    ORANGE = "orange", _("橙色（预警）")
    RED = "red", _("红色（高度预警）")


COLOUR_ORDER = [Colour.GREEN, Colour.YELLOW, Colour.ORANGE, Colour.RED]
