"""The levels of the area tree, top to bottom, and which level may sit under which."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.TextChoices):
    COUNTY = "county", _("县")
    TOWNSHIP = "township", _("乡镇（一级网格）")
    VILLAGE = "village", _("村/社区（二级网格）")
    GRID = "grid", _("基础网格")
    MICRO_GRID = "micro_grid", _("微网格")


LEVEL_ORDER = [AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE, AreaLevel.GRID, AreaLevel.MICRO_GRID]
DEPTH = {level: i + 1 for i, level in enumerate(LEVEL_ORDER)}


def child_level(level: str) -> AreaLevel | None:
    i = LEVEL_ORDER.index(AreaLevel(level))
    return LEVEL_ORDER[i + 1] if i + 1 < len(LEVEL_ORDER) else None
