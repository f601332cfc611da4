"""The roles of the area tree's own people (settings.ROLE_SETS): the township's officers, the
departments, and the village's and grid's staff. Plain data: the kernel loads it while its
models load."""

from django.utils.translation import gettext_lazy as _

ROLES = [
    ("TOWNSHIP_OFFICER", "township_officer", _("乡镇综治干部")),
    ("DEPARTMENT_OFFICER", "department_officer", _("职能部门人员")),
    ("VILLAGE_HEAD", "village_head", _("村网格站站长")),
    ("GRID_LEADER", "grid_leader", _("网格长")),
    ("GRID_POLICE", "grid_police", _("网格警务员")),
    ("GRID_WORKER", "grid_worker", _("网格员")),
]
