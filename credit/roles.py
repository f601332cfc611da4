"""Credit's roles (settings.ROLE_SETS) and where they are held (settings.AREA_ROLES)."""

from django.utils.translation import gettext_lazy as _

from grids.levels import AreaLevel
from grids.scoping import VIEW, VIEW_CREDIT

ROLES = [
    ("CREDIT_COOPERATIVE", "credit_cooperative", _("农信社客户经理")),
    ("CREDIT_COMMITTEE", "credit_committee", _("信用评定小组成员")),
]

# role → (the levels it may be held on, its permissions on the held area's subtree)
AREA_ROLES = {
    "credit_cooperative": ({AreaLevel.COUNTY, AreaLevel.TOWNSHIP}, (VIEW_CREDIT,)),
    "credit_committee": ({AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE}, (VIEW, VIEW_CREDIT)),
}
