"""Insurance's roles (settings.ROLE_SETS) and where they are held (settings.AREA_ROLES)."""

from django.utils.translation import gettext_lazy as _

from grids.levels import AreaLevel
from grids.scoping import VIEW_INSURANCE

ROLES = [("INSURER", "insurer", _("保险公司理赔员"))]

# role → (the levels it may be held on, its permissions on the held area's subtree)
AREA_ROLES = {"insurer": ({AreaLevel.COUNTY}, (VIEW_INSURANCE,))}
