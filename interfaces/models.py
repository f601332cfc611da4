"""API keys of the systems that connect (the 12345 hotline, video platforms, partner apps), the
categories offered to them as Open311 services, and every report they submitted."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grids.models import Area
from incidents.constants import Source
from incidents.models import Case, Category

from .constants import DEFAULT_RATE_PER_MINUTE, AttributeType, Channel, SubmissionState


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
