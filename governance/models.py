"""Accounts: one user model for every person who signs in (staff and grid workers)."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .audit import append_only
from .roles import Role


class User(AbstractUser):
    """平台用户：指挥中心、乡镇、部门人员和网格员都用同一种账号。"""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True, help_text=_("E.164 格式"))

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.full_name or self.username

    def has_role(self, role: Role) -> bool:
        return role in self.role_names()

    def role_names(self) -> set[str]:
        """The user's roles (group names), read once per user object."""
        if not hasattr(self, "_role_names"):
            self._role_names = set(self.groups.values_list("name", flat=True))
        return self._role_names

    @property
    def is_platform_admin(self) -> bool:
        return self.is_superuser or Role.ADMIN in self.role_names()


class Notification(models.Model):
    """站内通知：新派遣、被退回、被督办、超期、核查不通过……"""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("接收人")
    )
    kind = models.CharField(_("类型"), max_length=32)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox")]

    def __str__(self):
        return self.title


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("运行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class Job(models.Model):
    """后台任务进度：日清、周评、导出等长任务写下的进度和结果文件（见 governance/jobs.py）。"""

    kind = models.CharField(_("任务类型"), max_length=40)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("发起人"),
        help_text=_("空表示定时任务"),
    )
    status = models.CharField(_("状态"), max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    result_file = models.FileField(_("结果文件"), upload_to="jobs/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="job_requester_time")]
        constraints = [models.CheckConstraint(name="job_done_within_total", condition=Q(done__lte=F("total")))]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0


class IdempotentRequest(models.Model):
    """幂等请求：客户端以 Idempotency-Key 重试同一请求时，只执行一次并返回第一次的结果。"""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(_("接口"), max_length=40)
    key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    object_id = models.BigIntegerField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("幂等请求")
        verbose_name_plural = _("幂等请求")
        constraints = [
            models.UniqueConstraint(fields=["user", "scope", "key"], name="one_idempotent_request_per_user_scope")
        ]

    def __str__(self):
        return f"{self.scope}:{self.key}"


class AttachmentBase(models.Model):
    """An uploaded file's row: what every app's attachment table has (a case's photos, a
    claim's verification photos …). A subclass adds its `file` (with its own upload path) and
    the rows it hangs on; `governance.attachments.store` fills it from uploads."""

    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=80)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人")
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name


class CalendarDay(models.Model):
    """节假日安排：国务院办公厅每年公布的放假日期和调休上班日，由管理员录入；计算工作日时
    先查这里，再查 chinese-calendar 的数据（governance/workdays.py）。"""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(
        _("上班"), default=False, help_text=_("勾选：调休上班日（周末上班）；不勾选：放假日。")
    )
    name = models.CharField(_("节日"), max_length=20, help_text=_("如：春节、国庆节。"))

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}（{'上班' if self.is_workday else '放假'}）"


class OutboxMessage(models.Model):
    """待发任务：与业务数据同一事务写入的 Celery 任务，提交后发往队列；队列不可用时留待重发
    (governance/outbox.py)。"""

    task = models.CharField(_("任务"), max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发出时间"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("发送次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("待发任务")
        verbose_name_plural = _("待发任务")
        indexes = [
            models.Index(fields=["created_at"], condition=models.Q(sent_at__isnull=True), name="outbox_pending")
        ]

    def __str__(self):
        return f"{self.task} #{self.pk}"


class PeriodRun(models.Model):
    """定时任务的周期运行记录：同一任务的同一周期（日清的某天、周评的某周……）只运行一次，
    即使有第二个 beat 也一样（见 governance/period_runs.py）。"""

    task = models.CharField(_("任务"), max_length=100)
    period = models.CharField(_("周期"), max_length=20)
    status = models.CharField(_("状态"), max_length=8, choices=JobStatus.choices)
    attempts = models.PositiveSmallIntegerField(_("运行次数"), default=1)
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    worker = models.CharField(_("运行者"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("定时任务周期运行")
        verbose_name_plural = _("定时任务周期运行")
        constraints = [models.UniqueConstraint(fields=["task", "period"], name="period_run_once")]

    def __str__(self):
        return f"{self.task} {self.period}"


class QuietMode(models.TextChoices):
    DEFER = "defer", _("推迟到安静时段结束后发送")
    SKIP = "skip", _("不发送（只留站内通知）")


class NotificationPreference(models.Model):
    """个人通知设置：站内通知之外还从哪些渠道接收，以及安静时段（紧急通知不受限）。"""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    channels = models.JSONField(_("接收渠道"), default=list, blank=True, help_text=_("站内通知之外的渠道代码"))
    quiet_from = models.TimeField(_("安静时段开始"), null=True, blank=True)
    quiet_until = models.TimeField(_("安静时段结束"), null=True, blank=True)
    quiet_mode = models.CharField(_("安静时段内"), max_length=8, choices=QuietMode.choices, default=QuietMode.DEFER)

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")

    def __str__(self):
        return str(self.user)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    SKIPPED = "skipped", _("未发送")


class Delivery(models.Model):
    """一条通知经一个渠道（短信、群机器人、邮件）的投递；每次尝试和对方的应答记在 DeliveryAttempt。"""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("渠道"), max_length=20)
    address = models.CharField(_("地址"), max_length=254, blank=True, help_text=_("手机号或邮箱"))
    urgent = models.BooleanField(_("紧急"), default=False)
    status = models.CharField(
        _("状态"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    reason = models.CharField(_("说明"), max_length=200, blank=True)
    due_at = models.DateTimeField(_("计划发送时间"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("通知投递")
        verbose_name_plural = _("通知投递")
        indexes = [
            models.Index(
                fields=["due_at"], name="delivery_pending_due", condition=Q(status="pending", attempts=0)
            ),
        ]

    def __str__(self):
        return f"{self.channel} → {self.address or '-'}"


class DeliveryAttempt(models.Model):
    """投递记录（只增不改）：每次发送尝试的时间、结果和对方的原始应答。"""

    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="log")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    ok = models.BooleanField(_("成功"))
    status_code = models.PositiveSmallIntegerField(_("应答状态码"), null=True, blank=True)
    answer = models.TextField(_("应答"), blank=True)

    class Meta:
        verbose_name = _("投递记录")
        verbose_name_plural = _("投递记录")
        ordering = ["at", "id"]
        triggers = append_only()

    def __str__(self):
        return f"{self.delivery_id} {'ok' if self.ok else 'failed'}"


class AccessKind(models.TextChoices):
    IDENTITY = "identity", _("查看完整身份证号")
    KEY_PERSON = "key_person", _("查阅重点人员记录")
    EXPORT = "export", _("不脱敏导出")


class AccessVia(models.TextChoices):
    PAGE = "page", _("页面")
    API = "api", _("接口")
    COMMAND = "command", _("管理命令")


class AccessRecord(models.Model):
    """查阅留痕（只增不改）：谁在何时看了或导出了哪些敏感个人信息——完整身份证号、重点人员记录、
    不脱敏的导出——以及查阅理由（要求填写时）。见 governance/access_records.py。"""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("查阅人"),
        help_text=_("空表示服务器上的管理命令"),
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    kind = models.CharField(_("类型"), max_length=12, choices=AccessKind.choices)
    via = models.CharField(_("途径"), max_length=8, choices=AccessVia.choices)
    subject = models.CharField(_("对象类型"), max_length=40, help_text=_("如 grids.household、care.careplan"))
    object_id = models.CharField(_("对象 ID"), max_length=40, blank=True)
    what = models.CharField(_("内容"), max_length=200)
    rows = models.PositiveIntegerField(_("条数"), default=1)
    reason = models.CharField(_("理由"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("查阅留痕")
        verbose_name_plural = _("查阅留痕")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["user", "at"], name="accessrecord_user_at"),
            models.Index(fields=["subject", "object_id", "at"], name="accessrecord_object_at"),
            models.Index(fields=["kind", "at"], name="accessrecord_kind_at"),
        ]
        triggers = append_only()

    def __str__(self):
        return f"{self.user_id or '-'} {self.get_kind_display()} {self.what}"


class ConfigAction(models.TextChoices):
    ADD = "add", _("新增")
    CHANGE = "change", _("修改")
    DELETE = "delete", _("删除")


class ConfigChange(models.Model):
    """配置变更记录（只增不改）：在后台、控制台或接口里对目录、分拨、时限、积分和信用规则等
    配置的每一次新增、修改、删除，连同修改前后的值。见 governance/config_changes.py。"""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    via = models.CharField(_("途径"), max_length=12, help_text=_("admin、console、api 或 page"))
    path = models.CharField(_("请求地址"), max_length=200, blank=True)
    model = models.CharField(_("配置类型"), max_length=60, help_text=_("如 incidents.category"))
    object_id = models.CharField(_("对象 ID"), max_length=40)
    object_repr = models.CharField(_("对象"), max_length=200)
    action = models.CharField(_("操作"), max_length=8, choices=ConfigAction.choices)
    before = models.JSONField(_("修改前"), default=dict, blank=True)
    after = models.JSONField(_("修改后"), default=dict, blank=True)

    class Meta:
        verbose_name = _("配置变更记录")
        verbose_name_plural = _("配置变更记录")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["model", "object_id", "at"], name="configchange_object_at"),
            models.Index(fields=["user", "at"], name="configchange_user_at"),
        ]
        triggers = append_only()

    def __str__(self):
        return f"{self.get_action_display()} {self.model} {self.object_repr}"
