"""The platform's roles. Each role is a Django group of the same name; what a role may do
inside an area is granted per area node by the `grids` app, never model-wide."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COMMAND_OPERATOR = "command_operator", _("指挥中心值班员")
    COMMAND_LEADER = "command_leader", _("指挥中心领导")
    TOWNSHIP_OFFICER = "township_officer", _("乡镇综治干部")
    DEPARTMENT_OFFICER = "department_officer", _("职能部门人员")
    VILLAGE_HEAD = "village_head", _("村网格站站长")
    GRID_LEADER = "grid_leader", _("网格长")
    GRID_POLICE = "grid_police", _("网格警务员")
    GRID_WORKER = "grid_worker", _("网格员")
    ADMIN = "admin", _("系统管理员")
    INSURER = "insurer", _("保险公司理赔员")
    CREDIT_COOPERATIVE = "credit_cooperative", _("农信社客户经理")
    CREDIT_COMMITTEE = "credit_committee", _("信用评定小组成员")
