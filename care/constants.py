"""Choices and fixed rules of community care and watch (重点人员、走访)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.roles import Role


class Category(models.TextChoices):
    """GB/T 31000's special groups (特殊人群)."""

    CORRECTIONS = "corrections", _("社区矫正对象")
    MENTAL = "mental", _("严重精神障碍患者")
    RELEASED = "released", _("刑满释放人员")
    DRUG = "drug", _("社区戒毒/康复人员")
    ELDERLY_ALONE = "elderly_alone", _("孤寡/独居老人")
    DISABLED = "disabled", _("残疾人")
    LEFT_BEHIND_CHILD = "left_behind_child", _("留守儿童")


class RiskLevel(models.TextChoices):
    GENERAL = "general", _("一般")
    ATTENTION = "attention", _("关注")
    KEY = "key", _("重点")


class Keeper(models.TextChoices):
    """Who is responsible for a person (一人四管: the first four)."""

    GUARDIAN = "guardian", _("监护人")
    VILLAGE_CADRE = "village_cadre", _("村干部")
    TOWNSHIP_CADRE = "township_cadre", _("乡镇干部")
    POLICE = "police", _("民警")
    GRID_WORKER = "grid_worker", _("网格员")
    DOCTOR = "doctor", _("医生")
    OTHER = "other", _("其他")


# 一人四管: a person with a severe mental disorder is watched by these four.
FOUR_KEEPERS = (Keeper.GUARDIAN, Keeper.VILLAGE_CADRE, Keeper.TOWNSHIP_CADRE, Keeper.POLICE)
FOUR_KEEPER_CATEGORIES = (Category.MENTAL,)

# The roles that manage key people and so may see them (in the areas they are assigned to).
# Insurers, the credit cooperative, credit groups and departments never do.
CARE_ROLES = (
    Role.COMMAND_OPERATOR,
    Role.COMMAND_LEADER,
    Role.TOWNSHIP_OFFICER,
    Role.VILLAGE_HEAD,
    Role.GRID_LEADER,
    Role.GRID_POLICE,
    Role.GRID_WORKER,
    Role.ADMIN,
)
# The roles that set up and revise plans (the village proposes, the township oversees).
PLANNER_ROLES = (Role.VILLAGE_HEAD, Role.TOWNSHIP_OFFICER, Role.ADMIN)


class ContactMode(models.TextChoices):
    """Ankang's 在线、一线、热线 service for green, yellow and red households."""

    ONLINE = "online", _("在线（电话、微信联系）")
    DOOR = "door", _("一线（上门走访）")
    HOTLINE = "hotline", _("热线（随叫随到、包联干部专线）")


class ColourChangeStatus(models.TextChoices):
    PROPOSED = "proposed", _("待乡镇确认")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤回")


COLOUR_PROPOSER_ROLES = (Role.VILLAGE_HEAD, Role.ADMIN)
COLOUR_CONFIRMER_ROLES = (Role.TOWNSHIP_OFFICER, Role.ADMIN)


class MovementKind(models.TextChoices):
    EARN = "earn", _("服务得分")
    SPEND = "spend", _("兑换")


VOLUNTEER_ROLES = (Role.VILLAGE_HEAD, Role.GRID_WORKER, Role.TOWNSHIP_OFFICER, Role.ADMIN)


class NeedKind(models.TextChoices):
    """Why a household is helped (家家帮: 老弱病残)."""

    ELDERLY = "elderly", _("年老")
    WEAK = "weak", _("体弱")
    SICK = "sick", _("患病")
    DISABLED = "disabled", _("残疾")


class HelpKind(models.TextChoices):
    """Ankang's routine mutual-help services."""

    CLEANING = "cleaning", _("卫生保洁")
    MINDING = "minding", _("临时看护")
    ERRANDS = "errands", _("代办业务")
    DAILY_CARE = "daily_care", _("生活照料")
    ESCORT = "escort", _("陪同就医")
    OTHER = "other", _("其他")


class UnitKind(models.TextChoices):
    HOUSEHOLD_WATCH = "watch", _("挨户防单元（约 15 户，户防长）")
    MICRO_GRID = "micro", _("微网格（10–20 户，微网格长）")


NEIGHBOUR_ROLES = (Role.VILLAGE_HEAD, Role.GRID_WORKER, Role.TOWNSHIP_OFFICER, Role.ADMIN)
