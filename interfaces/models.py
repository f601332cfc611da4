"""API keys of the systems that connect (the 12345 hotline, video platforms, partner apps), the
categories offered to them as Open311 services, every report they submitted, and their webhook
subscriptions with each delivery and its attempts (interfaces/webhooks.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grids.models import Area
from incidents.constants import Source
from incidents.models import Case, CaseEvent, Category

from .constants import DEFAULT_RATE_PER_MINUTE, AttributeType, Channel, DeliveryStatus, SubmissionState


class ApiKey(models.Model):
    """系统接口密钥：只保存密钥的 SHA-256 摘要；限定可调用的接口和区域，按分钟限流，可随时吊销。"""

    name = models.CharField(_("系统名称"), max_length=100)
    prefix = models.CharField(_("密钥前缀"), max_length=16, unique=True)
    digest = models.CharField(_("密钥摘要"), max_length=64, unique=True)
    source = models.CharField(
        _("来源"), max_length=12, choices=Source.choices, default=Source.OPEN_API, help_text=_("报来的事件记为此来源")
    )
    scopes = models.JSONField(_("可调用的接口"), default=list)
    areas = models.ManyToManyField(Area, related_name="+", verbose_name=_("可访问的区域（含下级）"))
    rate_per_minute = models.PositiveIntegerField(_("每分钟请求上限"), default=DEFAULT_RATE_PER_MINUTE)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_key",
        verbose_name=_("接口账号"),
        help_text=_("密钥的操作记录在这个不能登录的账号名下"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("创建人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("吊销人"),
    )

    class Meta:
        verbose_name = _("接口密钥")
        verbose_name_plural = _("接口密钥")
        constraints = [models.CheckConstraint(name="api_key_rate_positive", condition=Q(rate_per_minute__gt=0))]

    def __str__(self):
        return f"{self.name}（{self.prefix}）"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class PublicService(models.Model):
    """公开服务：接受外部系统和群众诉求的事件分类（Open311 service），可附补充问题。"""

    category = models.OneToOneField(
        Category, on_delete=models.PROTECT, related_name="public_service", verbose_name=_("事件分类")
    )
    description = models.CharField(_("说明"), max_length=300, blank=True)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True, help_text=_("逗号分隔"))
    group = models.CharField(_("分组"), max_length=50, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("公开服务")
        verbose_name_plural = _("公开服务")

    def __str__(self):
        return str(self.category)


class ServiceAttribute(models.Model):
    """补充问题：某类诉求提交时要回答的问题（Open311 service definition 的 attribute）。"""

    service = models.ForeignKey(
        PublicService, on_delete=models.CASCADE, related_name="attributes", verbose_name=_("公开服务")
    )
    code = models.SlugField(_("代码"), max_length=40)
    description = models.CharField(_("问题"), max_length=200)
    datatype = models.CharField(_("类型"), max_length=16, choices=AttributeType.choices, default=AttributeType.STRING)
    required = models.BooleanField(_("必答"), default=False)
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)
    values = models.JSONField(
        _("选项"), default=list, blank=True, help_text=_("单选、多选的选项：[[\"key\", \"名称\"], …]")
    )

    class Meta:
        verbose_name = _("补充问题")
        verbose_name_plural = _("补充问题")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["service", "code"], name="one_attribute_code_per_service")]

    def __str__(self):
        return self.description


class Submission(models.Model):
    """外部来件：经接口密钥提交的一件诉求或热线工单，记下提交它的密钥和登记出的事件。"""

    key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("接口密钥"))
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    token = models.UUIDField(_("受理凭证"), unique=True)
    external_number = models.CharField(_("对方编号"), max_length=64, blank=True, help_text=_("如 12345 工单号"))
    state = models.CharField(
        _("状态"), max_length=12, choices=SubmissionState.choices, default=SubmissionState.ACCEPTED
    )
    case = models.OneToOneField(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="submission", verbose_name=_("事件")
    )
    payload = models.JSONField(_("提交内容"), default=dict)
    media_url = models.URLField(_("图片链接"), max_length=500, blank=True)
    failure = models.CharField(_("登记失败原因"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("外部来件")
        verbose_name_plural = _("外部来件")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "external_number"], condition=~Q(external_number=""), name="one_order_number_per_key"
            )
        ]
        indexes = [models.Index(fields=["state", "id"], name="submission_state_id")]

    def __str__(self):
        return str(self.token)


class Subscription(models.Model):
    """Webhook 订阅：一个系统要接收哪些区域（含下级）的哪些事件动态，推送到哪个地址。
    签名密钥加密保存，只在创建时显示一次。"""

    name = models.CharField(_("名称"), max_length=100)
    key = models.ForeignKey(
        ApiKey,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subscriptions",
        verbose_name=_("所属接口密钥"),
        help_text=_("密钥吊销后，它的订阅不再推送"),
    )
    target_url = models.URLField(_("推送地址"), max_length=500)
    secret_encrypted = models.TextField(_("签名密钥（密文）"))
    kinds = models.JSONField(_("事件类型"), default=list)
    areas = models.ManyToManyField(Area, related_name="+", verbose_name=_("区域（含下级）"))
    is_active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("创建人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("Webhook 订阅")
        verbose_name_plural = _("Webhook 订阅")

    def __str__(self):
        return self.name


class WebhookDelivery(models.Model):
    """一次推送：某个事件动态发给某个订阅。请求体在事件发生时定下，重试和重放都发同一份；
    X-GG-Delivery 是它的编号，接收方据此去重。"""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("订阅")
    )
    uid = models.UUIDField(_("推送编号"), unique=True)
    event = models.ForeignKey(CaseEvent, on_delete=models.PROTECT, related_name="+", verbose_name=_("事件记录"))
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+", verbose_name=_("事件"))
    kind = models.CharField(_("事件类型"), max_length=32)
    body = models.TextField(_("请求体"))
    status = models.CharField(
        _("状态"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("Webhook 推送")
        verbose_name_plural = _("Webhook 推送")
        indexes = [
            models.Index(fields=["subscription", "id"], name="webhook_subscription_id"),
            models.Index(fields=["status", "id"], name="webhook_status_id"),
            models.Index(fields=["kind", "id"], name="webhook_kind_id"),
            # the sweep: pending deliveries whose retry is long overdue (a lost task)
            models.Index(
                fields=["next_attempt_at"], name="webhook_pending_next", condition=Q(status=DeliveryStatus.PENDING)
            ),
        ]

    def __str__(self):
        return str(self.uid)


class WebhookAttempt(models.Model):
    """推送日志：每次尝试一行——对方的状态码、回复的开头、错误、耗时；管理员重放的记下是谁。"""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log", verbose_name=_("推送")
    )
    number = models.PositiveSmallIntegerField(_("第几次"))
    started_at = models.DateTimeField(_("开始时间"))
    duration_ms = models.PositiveIntegerField(_("耗时（毫秒）"))
    ok = models.BooleanField(_("成功"))
    status_code = models.PositiveSmallIntegerField(_("状态码"), null=True, blank=True)
    answer = models.CharField(_("对方回复（节选）"), max_length=500, blank=True)
    error = models.CharField(_("错误"), max_length=500, blank=True)
    replayed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("重放人"),
        help_text=_("空表示自动发送或重试"),
    )

    class Meta:
        verbose_name = _("推送日志")
        verbose_name_plural = _("推送日志")
        ordering = ["delivery", "number"]

    def __str__(self):
        return f"{self.delivery_id} #{self.number}"
