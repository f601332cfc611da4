"""Choices of the disputes app (mediation, petitions, subsidies), with their Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BodyKind(models.TextChoices):
    VILLAGE_VENUE = "village_venue", _("村级调解场所（摆理堂、茶室等）")
    TOWNSHIP_JUDICIAL = "township_judicial", _("乡镇司法所（人民调解委员会）")
    POLICE_ROOM = "police_room", _("派出所调解室")
    ENTERPRISE = "enterprise", _("企业调解委员会")
    COUNTY_CENTRE = "county_centre", _("县级矛盾纠纷调处中心")


class BodyLevel(models.TextChoices):
    """The level a mediation body works at: a failed mediation goes one level up."""

    VILLAGE = "village", _("村级")
    TOWNSHIP = "township", _("乡镇级")
    COUNTY = "county", _("县级")


LEVEL_ORDER = [BodyLevel.VILLAGE, BodyLevel.TOWNSHIP, BodyLevel.COUNTY]


def level_above(level: str) -> str | None:
    i = LEVEL_ORDER.index(level)
    return LEVEL_ORDER[i + 1] if i + 1 < len(LEVEL_ORDER) else None


class MediationStatus(models.TextChoices):
    ACCEPTED = "accepted", _("已受理")
    MEDIATING = "mediating", _("调解中")
    AGREED = "agreed", _("达成协议")
    FAILED = "failed", _("调解不成")
    REFERRED = "referred", _("引导诉讼/仲裁")
    ESCALATED = "escalated", _("已移交上级")


# Concluded mediations (the denominator of 调解成功率); an escalated one had failed first.
CONCLUDED_STATES = (
    MediationStatus.AGREED,
    MediationStatus.FAILED,
    MediationStatus.REFERRED,
    MediationStatus.ESCALATED,
)
OPEN_MEDIATION_STATES = (MediationStatus.ACCEPTED, MediationStatus.MEDIATING)


class Difficulty(models.TextChoices):
    SIMPLE = "simple", _("简易")
    ORDINARY = "ordinary", _("一般")
    COMPLEX = "complex", _("疑难复杂")


class PartySide(models.TextChoices):
    APPLICANT = "applicant", _("申请人")
    RESPONDENT = "respondent", _("被申请人")
    OTHER = "other", _("其他当事人")


class ReferredTo(models.TextChoices):
    COURT = "court", _("人民法院（诉讼）")
    ARBITRATION = "arbitration", _("仲裁委员会")


class Channel(models.TextChoices):
    VISIT = "visit", _("来访")
    LETTER = "letter", _("来信")
    ONLINE = "online", _("网上信访")
    HOTLINE = "hotline", _("12345热线")


class PetitionStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    REPLIED = "replied", _("已答复")
    RESOLVED = "resolved", _("已办结")


class StatementStatus(models.TextChoices):
    PENDING = "pending", _("待乡镇审批")
    APPROVED = "approved", _("已审批")
    RETURNED = "returned", _("已退回")
