"""Choices and limits of the governance-credit app (综治信用), with their Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.roles import Role

MAX_CREDIT_LINE = 300_000  # yuan: the cooperative's ceiling for one subject (虞城: 最高授信额度30万元)
MAX_TERM_MONTHS = 36  # 授信期限三年
DEFAULT_NOTICE_DAYS = 7  # 公示期


class SubjectKind(models.TextChoices):
    HOUSEHOLD = "household", _("农户")
    ENTERPRISE = "enterprise", _("企业")


class ItemKind(models.TextChoices):
    BONUS = "bonus", _("加分项")
    DEDUCTION = "deduction", _("减分项")
    VETO = "veto", _("一票否决")


class AppliesTo(models.TextChoices):
    HOUSEHOLD = "household", _("农户")
    ENTERPRISE = "enterprise", _("企业")
    BOTH = "both", _("农户和企业")


class FactStatus(models.TextChoices):
    PROPOSED = "proposed", _("待评定")
    APPLIED = "applied", _("已采纳")
    DISMISSED = "dismissed", _("不予采纳")


class VetoEffect(models.TextChoices):
    """How an applied veto fact comes to weigh on a subject's standing (the county chooses)."""

    NOTICE = "notice", _("经评定轮次公示后生效")
    CONFIRMATION = "confirmation", _("经第二名评定小组成员确认并告知本户后即时生效")


class FactOrigin(models.TextChoices):
    CLOSED_CASE = "closed_case", _("结案事件")
    MANUAL = "manual", _("人工提报")
    CONTRIBUTION = "contribution", _("平台记录")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("村级编制中")
    PROPOSED = "proposed", _("村级已提报")
    REVIEWED = "reviewed", _("乡镇评定小组已审核")
    NOTICE = "notice", _("县级发布·公示中")
    EFFECTIVE = "effective", _("已生效")


class MovementKind(models.TextChoices):
    DRAW = "draw", _("用信（放款）")
    REPAY = "repay", _("还款")


class CheckResult(models.TextChoices):
    ELIGIBLE = "eligible", _("符合条件")
    VETOED = "vetoed", _("一票否决")
    NOT_FOUND = "not_found", _("无记录")


# Who sees ratings with their details (scores, facts, veto reasons). The cooperative does not:
# it sees grade, line and validity only ("不符合条件" without the why).
EVALUATION_ROLES = (
    Role.VILLAGE_HEAD,
    Role.CREDIT_COMMITTEE,
    Role.TOWNSHIP_OFFICER,
    Role.COMMAND_OPERATOR,
    Role.COMMAND_LEADER,
    Role.ADMIN,
)
LENDING_ROLES = (Role.CREDIT_COOPERATIVE,)
