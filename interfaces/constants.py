"""Choices of the open interfaces, with their Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class KeyScope(models.TextChoices):
    """What a system's API key may call (each key holds one or more)."""

    OPEN311_READ = "open311.read", _("Open311 查询诉求")
    OPEN311_WRITE = "open311.write", _("Open311 提交诉求")
    HOTLINE = "hotline", _("12345 热线工单")


class Channel(models.TextChoices):
    OPEN311 = "open311", _("Open311")
    HOTLINE = "hotline", _("12345 热线")


class SubmissionState(models.TextChoices):
    ACCEPTED = "accepted", _("已受理，待登记")
    REGISTERED = "registered", _("已登记")
    FAILED = "failed", _("登记失败")


class AttributeType(models.TextChoices):
    """Open311 GeoReport v2 attribute datatypes."""

    STRING = "string", _("短文本")
    NUMBER = "number", _("数字")
    DATETIME = "datetime", _("日期时间")
    TEXT = "text", _("长文本")
    SINGLE = "singlevaluelist", _("单选")
    MULTI = "multivaluelist", _("多选")


# A key's length: a short public prefix (shown in lists and logs) and a secret, joined by a dot.
PREFIX_LENGTH = 8
DEFAULT_RATE_PER_MINUTE = 60


class DeliveryStatus(models.TextChoices):
    """Where a webhook delivery stands."""

    PENDING = "pending", _("待发送")
    DELIVERED = "delivered", _("已送达")
    FAILED = "failed", _("失败")


# Webhooks: attempts per delivery (the first and five retries), the back-off's first wait and
# its longest (30 s, 1, 2, 4, 8 min), how much of the receiver's answer the log keeps.
WEBHOOK_MAX_ATTEMPTS = 6
WEBHOOK_FIRST_WAIT_SECONDS = 30
WEBHOOK_LONGEST_WAIT_SECONDS = 1800
WEBHOOK_ANSWER_CHARS = 500
