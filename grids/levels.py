"""The levels of the area tree, top to bottom, and which level may sit under which."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.TextChoices):
    CITY = "city", _("市")
    COUNTY = "county", _("县")
    TOWNSHIP = "township", _("乡镇（一级网格）")
    VILLAGE = "village", _("村/社区（二级网格）")
    GRID = "grid", _("基础网格")
    MICRO_GRID = "micro_grid", _("微网格")


LEVEL_ORDER = [
    AreaLevel.CITY,
    AreaLevel.COUNTY,
    AreaLevel.TOWNSHIP,
    AreaLevel.VILLAGE,
    AreaLevel.GRID,
    AreaLevel.MICRO_GRID,
]
# The levels that may be a root of the tree: a city (a prefecture in one installation) or a county
# (the single-county installation, as before the city level existed).
ROOT_LEVELS = (AreaLevel.CITY, AreaLevel.COUNTY)


def depth_of(level: str, *, under_city: bool = False) -> int:
    """The treebeard depth of a node of `level`: 1 for the root (a city, or a county alone),
    one more per level below; a county and everything under it sit one deeper under a city."""
    i = LEVEL_ORDER.index(AreaLevel(level))
    return i + 1 if under_city or level == AreaLevel.CITY else i


def child_level(level: str) -> AreaLevel | None:
    i = LEVEL_ORDER.index(AreaLevel(level))
    return LEVEL_ORDER[i + 1] if i + 1 < len(LEVEL_ORDER) else None


STEPLEN = 4  # treebeard's characters per level (grids.models.Area.steplen)


def ancestor_path(path: str, level: str, ancestor: str) -> str:
    """The path of the `ancestor`-level node above a node of `level` at `path`, cut from the end
    (a county under a city sits one level deeper than a county alone, so never at a fixed length)."""
    up = LEVEL_ORDER.index(AreaLevel(level)) - LEVEL_ORDER.index(AreaLevel(ancestor))
    if up < 0:
        raise ValueError(f"{ancestor} is not above {level}")
    return path[: len(path) - up * STEPLEN]


def grid_ancestor_paths(path: str) -> dict[str, str]:
    """A base grid's county, township and village paths, by level."""
    return {
        level: ancestor_path(path, AreaLevel.GRID, level)
        for level in (AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE)
    }
