"""Choices of the incidents app, with their Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    REPORTED = "reported", _("已上报")
    REGISTERED = "registered", _("已立案")
    REJECTED = "rejected", _("不予立案")
    DISPATCHED = "dispatched", _("已派遣")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已签收")
    IN_PROGRESS = "in_progress", _("处置中")
    DISPOSED = "disposed", _("已处置")
    VERIFIED = "verified", _("核查通过")
    CLOSED = "closed", _("已结案")


OPEN_STATES = (
    CaseStatus.REPORTED,
    CaseStatus.REGISTERED,
    CaseStatus.DISPATCHED,
    CaseStatus.RETURNED,
    CaseStatus.ACCEPTED,
    CaseStatus.IN_PROGRESS,
    CaseStatus.DISPOSED,
    CaseStatus.VERIFIED,
)
FINAL_STATES = (CaseStatus.REJECTED, CaseStatus.CLOSED)


class Source(models.TextChoices):
    GRID_APP = "grid_app", _("网格员上报")
    HOTLINE = "hotline", _("12345热线")
    WALK_IN = "walk_in", _("群众来访")
    VIDEO = "video", _("视频监控")
    PETITION = "petition", _("信访")
    CITIZEN = "citizen", _("群众自报")
    OPEN_API = "open_api", _("外部系统")


class HandlingLevel(models.TextChoices):
    VILLAGE = "village", _("村级")
    TOWNSHIP = "township", _("乡镇级")
    DEPARTMENT = "department", _("县直部门")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急（马上办）")


class ResponseStage(models.TextChoices):
    """The "115" urgent response (docs/urgent.md): the moment each running timer waits for."""

    PUSH = "push", _("推送指挥中心")
    DISPATCH = "dispatch", _("派遣")
    ARRIVE = "arrive", _("到场")
    DONE = "done", _("已到场")


class Phase(models.TextChoices):
    SIGN = "sign", _("签收")
    HANDLE = "handle", _("处置")
    VERIFY = "verify", _("核查")


class LimitUnit(models.TextChoices):
    MINUTES = "minutes", _("分钟")
    HOURS = "hours", _("小时")
    WORKING_DAYS = "working_days", _("工作日")


class UnitKind(models.TextChoices):
    COMMAND_CENTRE = "command_centre", _("指挥中心")
    TOWNSHIP = "township", _("乡镇综治中心")
    VILLAGE = "village", _("村网格站")
    DEPARTMENT = "department", _("县直部门")


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("已解决")
    MEDIATION_AGREED = "mediation_agreed", _("调解成功")
    MEDIATION_FAILED = "mediation_failed", _("调解未成功")
    UNRESOLVABLE = "unresolvable", _("无法解决（已说明）")


class UrgeGrade(models.TextChoices):
    NORMAL = "normal", _("一般督办")
    YELLOW = "yellow", _("黄牌督办")
    RED = "red", _("红牌督办")


class PartyRole(models.TextChoices):
    RESPONSIBLE = "responsible", _("责任方")
    OFFENDER = "offender", _("违法犯罪行为人")
    AFFECTED = "affected", _("受影响方")
    OTHER = "other", _("其他")


# At most this many parties on one report (a matter between neighbours, not a register).
MAX_PARTIES = 20
