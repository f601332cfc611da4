"""Mediation bodies and mediators, mediations (with parties, sessions, follow-up visits and an
append-only timeline), petitions (信访) with their petitioners, backlog targets, and mediator
subsidies (以案定补): versioned rates, monthly statements and their lines.

A mediation and a petition belong to an incidents `Case`; they carry the case's area ids so that
scoping is the same indexed equality filter as for cases."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.audit import EventBase
from grids.levels import AreaLevel
from grids.models import Area, InCounty, InGrid, area_column
from incidents.models import Case, Category

from .constants import (
    OPEN_MEDIATION_STATES,
    BodyKind,
    BodyLevel,
    Channel,
    Difficulty,
    MediationStatus,
    PartySide,
    PetitionStatus,
    ReferredTo,
    StatementStatus,
)

MONEY = {"max_digits": 10, "decimal_places": 2}


class MediationBody(InCounty):
    """调解组织：村级摆理堂、乡镇司法所、派出所调解室、企业调解委员会、县级调处中心。"""

    area_fields = {**InCounty.area_fields, AreaLevel.TOWNSHIP: "township_id", AreaLevel.VILLAGE: "village_id"}

    kind = models.CharField(_("类型"), max_length=20, choices=BodyKind.choices)
    level = models.CharField(_("层级"), max_length=10, choices=BodyLevel.choices)
    name = models.CharField(_("名称"), max_length=100)
    township = area_column(_("乡镇"), null=True)
    village = area_column(_("村/社区"), null=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("调解组织")
        verbose_name_plural = _("调解组织")
        constraints = [
            models.CheckConstraint(
                name="body_area_matches_level",
                condition=Q(level=BodyLevel.COUNTY, township__isnull=True, village__isnull=True)
                | Q(level=BodyLevel.TOWNSHIP, township__isnull=False, village__isnull=True)
                | Q(level=BodyLevel.VILLAGE, township__isnull=False, village__isnull=False),
            )
        ]
        indexes = [
            models.Index(fields=["township", "level"], name="body_township_level"),
            models.Index(fields=["village"], name="body_village"),
        ]

    def __str__(self):
        return self.name


class Mediator(models.Model):
    """调解员：村里的老党员、乡贤、司法所干部、民警……可关联平台账号（在本平台记录调解）。"""

    body = models.ForeignKey(
        MediationBody, on_delete=models.PROTECT, related_name="mediators", verbose_name=_("调解组织")
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("电话"), max_length=20, blank=True, help_text=_("E.164 格式"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mediator_roles",
        verbose_name=_("平台账号"),
    )
    is_active = models.BooleanField(_("在任"), default=True)

    class Meta:
        verbose_name = _("调解员")
        verbose_name_plural = _("调解员")
        indexes = [models.Index(fields=["user"], name="mediator_user", condition=Q(user__isnull=False))]

    def __str__(self):
        return self.name


class Mediation(InGrid):
    """调解：一件矛盾纠纷事件的一次调解（受理 → 调解 → 达成协议 / 调解不成 / 引导诉讼仲裁）。
    调解不成移交上级时，原调解保留，新调解指向它（escalated_from）。"""

    number = models.CharField(_("调解编号"), max_length=24, unique=True)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="mediations", verbose_name=_("事件"))
    body = models.ForeignKey(
        MediationBody, on_delete=models.PROTECT, related_name="mediations", verbose_name=_("调解组织")
    )
    level = models.CharField(_("层级"), max_length=10, choices=BodyLevel.choices)
    mediators = models.ManyToManyField(Mediator, related_name="mediations", verbose_name=_("调解员"))
    difficulty = models.CharField(_("难易程度"), max_length=10, choices=Difficulty.choices, default=Difficulty.ORDINARY)
    matter = models.TextField(_("纠纷事项"))
    status = models.CharField(
        _("状态"), max_length=10, choices=MediationStatus.choices, default=MediationStatus.ACCEPTED
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    escalated_from = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="escalated_to", verbose_name=_("移交自")
    )
    agreement_text = models.TextField(_("协议内容"), blank=True)
    agreement_file = models.FileField(_("协议扫描件"), upload_to="mediations/%Y/%m/", blank=True)
    agreement_content_type = models.CharField(_("扫描件类型"), max_length=80, blank=True)
    referred_to = models.CharField(_("引导至"), max_length=12, choices=ReferredTo.choices, blank=True)
    concluded_at = models.DateTimeField(_("调解终结时间"), null=True, blank=True)
    confirmed_on = models.DateField(_("司法确认日期"), null=True, blank=True)
    confirmed_by_court = models.CharField(_("确认法院"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("受理人")
    )
    created_at = models.DateTimeField(_("受理时间"), db_index=True)

    class Meta:
        verbose_name = _("调解")
        verbose_name_plural = _("调解")
        constraints = [
            # the chain of a case: escalated ones behind, one current mediation
            models.UniqueConstraint(
                fields=["case"], condition=~Q(status=MediationStatus.ESCALATED), name="one_current_mediation_per_case"
            ),
            models.CheckConstraint(
                name="agreed_mediation_has_agreement",
                condition=~Q(status=MediationStatus.AGREED) | ~Q(agreement_text="") | ~Q(agreement_file=""),
            ),
            models.CheckConstraint(
                name="confirmation_has_court",
                condition=Q(confirmed_on__isnull=True) | ~Q(confirmed_by_court=""),
            ),
        ]
        indexes = [
            models.Index(fields=["township", "status", "id"], name="mediation_township_status"),
            models.Index(fields=["village", "status", "id"], name="mediation_village_status"),
            models.Index(fields=["status", "id"], name="mediation_status_id"),
            models.Index(fields=["body", "concluded_at"], name="mediation_body_concluded"),
            models.Index(fields=["concluded_at"], name="mediation_concluded", condition=Q(concluded_at__isnull=False)),
            models.Index(fields=["created_by", "id"], name="mediation_creator"),
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_MEDIATION_STATES


class MediationParty(models.Model):
    """当事人（申请人、被申请人）。"""

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="parties", verbose_name=_("调解"))
    name = models.CharField(_("姓名"), max_length=50)
    side = models.CharField(_("身份"), max_length=12, choices=PartySide.choices, default=PartySide.APPLICANT)
    phone = models.CharField(_("电话"), max_length=20, blank=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("调解当事人")
        verbose_name_plural = _("调解当事人")

    def __str__(self):
        return self.name


class MediationEvent(EventBase):
    """调解记录：受理、每次调解、终结、司法确认、回访、移交……每步一行，只增不改。"""

    subject_field = "mediation"

    mediation = models.ForeignKey(Mediation, on_delete=models.PROTECT, related_name="events", verbose_name=_("调解"))

    class Meta(EventBase.Meta):
        verbose_name = _("调解记录")
        verbose_name_plural = _("调解记录")
        indexes = [models.Index(fields=["mediation", "created_at"], name="mediationevent_time")]

    def __str__(self):
        return f"{self.mediation_id} {self.action_label}"


class MediationSession(models.Model):
    """一次调解（开会）：日期、地点、到场人员、调解员、经过。"""

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("调解"))
    event = models.OneToOneField(
        MediationEvent, on_delete=models.PROTECT, related_name="session", verbose_name=_("记录")
    )
    held_on = models.DateField(_("调解日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    attendees = models.CharField(_("到场人员"), max_length=300)
    mediators = models.ManyToManyField(Mediator, related_name="sessions", verbose_name=_("主持调解员"))
    notes = models.TextField(_("调解经过"))

    class Meta:
        verbose_name = _("调解会")
        verbose_name_plural = _("调解会")
        ordering = ["held_on", "id"]
        indexes = [models.Index(fields=["mediation", "held_on"], name="session_mediation_day")]

    def __str__(self):
        return f"{self.mediation_id} {self.held_on}"


class FollowUp(models.Model):
    """回访（常回访）：达成协议后按计划上门回访，看协议是否履行、矛盾是否反弹。"""

    mediation = models.ForeignKey(
        Mediation, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("调解")
    )
    due_on = models.DateField(_("应回访日期"))
    done_on = models.DateField(_("回访日期"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("回访人"),
    )
    finding = models.TextField(_("回访情况"), blank=True)
    event = models.OneToOneField(
        MediationEvent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_up",
        verbose_name=_("记录"),
    )

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["due_on"], name="follow_up_pending_due", condition=Q(done_on__isnull=True)),
            models.Index(fields=["mediation", "due_on"], name="follow_up_mediation_due"),
        ]
        constraints = [
            models.CheckConstraint(
                name="done_follow_up_has_finding",
                condition=Q(done_on__isnull=True) | (~Q(finding="") & Q(event__isnull=False)),
            )
        ]

    def __str__(self):
        return f"{self.mediation_id} {self.due_on}"


class Petition(InGrid):
    """信访事项：一件来源为信访的事件，带信访人、渠道、初信初访或重复信访、包案领导和答复期限。"""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="petition", verbose_name=_("事件"))
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("分类"))
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    received_at = models.DateTimeField(_("受理时间"))
    status = models.CharField(_("状态"), max_length=10, choices=PetitionStatus.choices, default=PetitionStatus.OPEN)
    version = models.PositiveIntegerField(_("版本"), default=1)
    first_petition = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="repeats", verbose_name=_("首次信访")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_petitions",
        verbose_name=_("包案领导"),
    )
    reply_due_on = models.DateField(_("答复期限"))
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    replied_on_time = models.BooleanField(_("按期答复"), null=True)
    reply_text = models.TextField(_("答复意见"), blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    filed_by_agent = models.BooleanField(_("代办"), default=False, help_text=_("信访代办：由网格员等代信访人提出"))
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人/代办人")
    )
    backlog_since = models.DateField(_("列入积案日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("信访事项")
        verbose_name_plural = _("信访事项")
        constraints = [
            models.CheckConstraint(name="repeat_is_not_its_own_first", condition=~Q(first_petition=models.F("id"))),
            models.CheckConstraint(
                name="replied_petition_has_reply",
                condition=Q(status=PetitionStatus.OPEN) | (Q(replied_at__isnull=False) & ~Q(reply_text="")),
            ),
        ]
        indexes = [
            models.Index(fields=["township", "status", "id"], name="petition_township_status"),
            models.Index(fields=["village", "id"], name="petition_village_id"),
            models.Index(fields=["status", "id"], name="petition_status_id"),
            models.Index(fields=["owner", "status", "reply_due_on"], name="petition_owner_due"),
            models.Index(fields=["category", "received_at"], name="petition_category_time"),
            models.Index(fields=["first_petition"], name="petition_first", condition=Q(first_petition__isnull=False)),
            models.Index(fields=["backlog_since"], name="petition_backlog", condition=Q(backlog_since__isnull=False)),
            models.Index(fields=["received_at"], name="petition_received"),
        ]

    def __str__(self):
        return self.case.number if self.case_id else "—"

    @property
    def is_repeat(self) -> bool:
        return self.first_petition_id is not None


class Petitioner(models.Model):
    """信访人：身份证号只存密钥哈希（查重用）和打码形式，电话存 E.164。"""

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="petitioners", verbose_name=_("信访事项")
    )
    name = models.CharField(_("姓名"), max_length=50)
    id_digest = models.CharField(_("身份证号哈希"), max_length=64, blank=True)
    id_masked = models.CharField(_("身份证号"), max_length=18, blank=True)
    phone = models.CharField(_("电话"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("信访人")
        verbose_name_plural = _("信访人")
        indexes = [
            models.Index(fields=["id_digest"], name="petitioner_id_digest", condition=~Q(id_digest="")),
            models.Index(fields=["phone"], name="petitioner_phone", condition=~Q(phone="")),
        ]

    def __str__(self):
        return self.name


class PetitionEvent(EventBase):
    """信访记录：登记、包案、答复、办结、列入积案……每步一行，只增不改。"""

    subject_field = "petition"

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="events", verbose_name=_("信访事项"))

    class Meta(EventBase.Meta):
        verbose_name = _("信访记录")
        verbose_name_plural = _("信访记录")
        indexes = [models.Index(fields=["petition", "created_at"], name="petitionevent_time")]

    def __str__(self):
        return f"{self.petition_id} {self.action_label}"


class BacklogTarget(models.Model):
    """积案化解目标：某县或乡镇某年度要化解的积案件数。"""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("区域（县或乡镇）"))
    year = models.PositiveSmallIntegerField(_("年度"))
    target = models.PositiveIntegerField(_("化解目标（件）"))

    class Meta:
        verbose_name = _("积案化解目标")
        verbose_name_plural = _("积案化解目标")
        constraints = [models.UniqueConstraint(fields=["area", "year"], name="one_backlog_target_per_area_year")]

    def __str__(self):
        return f"{self.area} {self.year}"


class SubsidyRate(models.Model):
    """以案定补标准：每件调解成功案件按难易程度补贴的金额，自某日起执行。改标准就新增一行，
    旧的月份仍按当时的标准计算（已有的行不能修改）。"""

    difficulty = models.CharField(_("难易程度"), max_length=10, choices=Difficulty.choices)
    amount = models.DecimalField(_("每件补贴（元）"), **MONEY)
    valid_from = models.DateField(_("执行日期"))
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("以案定补标准")
        verbose_name_plural = _("以案定补标准")
        constraints = [
            models.UniqueConstraint(fields=["difficulty", "valid_from"], name="one_rate_per_difficulty_day"),
            models.CheckConstraint(name="subsidy_rate_not_negative", condition=Q(amount__gte=0)),
        ]

    def __str__(self):
        return f"{self.get_difficulty_display()} {self.amount} 元（{self.valid_from} 起）"


class SubsidyStatement(InCounty):
    """以案定补月度结算单：一个调解组织一个月一张，列出每位调解员的成功案件和补贴，由乡镇审批。"""

    area_fields = {**InCounty.area_fields, AreaLevel.TOWNSHIP: "township_id"}

    body = models.ForeignKey(
        MediationBody, on_delete=models.PROTECT, related_name="statements", verbose_name=_("调解组织")
    )
    month = models.DateField(_("月份"), help_text=_("当月 1 日"))
    township = area_column(_("乡镇"), null=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=StatementStatus.choices, default=StatementStatus.PENDING
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    total = models.DecimalField(_("合计（元）"), default=0, **MONEY)
    cases = models.PositiveIntegerField(_("成功案件数"), default=0)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审批人"),
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("以案定补结算单")
        verbose_name_plural = _("以案定补结算单")
        constraints = [
            models.UniqueConstraint(fields=["body", "month"], name="one_statement_per_body_month"),
            models.CheckConstraint(name="statement_month_first_day", condition=Q(month__day=1)),
        ]
        indexes = [
            models.Index(fields=["township", "status", "month"], name="statement_township_status"),
            models.Index(fields=["month", "status"], name="statement_month_status"),
        ]

    def __str__(self):
        return f"{self.body} {self.month:%Y-%m}"


class SubsidyLine(models.Model):
    """结算单的一行：一件成功调解的案件记到一位调解员名下的补贴（几位调解员平分）。"""

    statement = models.ForeignKey(
        SubsidyStatement, on_delete=models.CASCADE, related_name="lines", verbose_name=_("结算单")
    )
    mediation = models.ForeignKey(Mediation, on_delete=models.PROTECT, related_name="+", verbose_name=_("调解"))
    mediator = models.ForeignKey(Mediator, on_delete=models.PROTECT, related_name="+", verbose_name=_("调解员"))
    difficulty = models.CharField(_("难易程度"), max_length=10, choices=Difficulty.choices)
    concluded_on = models.DateField(_("达成协议日期"))
    rate = models.DecimalField(_("每件标准（元）"), **MONEY)
    amount = models.DecimalField(_("补贴（元）"), **MONEY)

    class Meta:
        verbose_name = _("结算明细")
        verbose_name_plural = _("结算明细")
        ordering = ["mediator_id", "concluded_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["mediation", "mediator"], name="one_subsidy_per_mediation_mediator")
        ]

    def __str__(self):
        return f"{self.mediator_id} {self.amount}"


class StatementEvent(EventBase):
    """结算单记录：生成、审批、退回、重新生成，只增不改。"""

    subject_field = "statement"

    statement = models.ForeignKey(
        SubsidyStatement, on_delete=models.PROTECT, related_name="events", verbose_name=_("结算单")
    )

    class Meta(EventBase.Meta):
        verbose_name = _("结算单记录")
        verbose_name_plural = _("结算单记录")
        indexes = [models.Index(fields=["statement", "created_at"], name="statementevent_time")]

    def __str__(self):
        return f"{self.statement_id} {self.action_label}"
