"""Routing: which unit should handle a case of category C in grid G.

1. The most specific routing rule: the deepest area whose subtree holds the grid, and for
   the same area a rule on the category itself before one on its parent category.
2. Otherwise the category's level: a village-level category goes to the grid's village station,
   a township-level one to its township, a department-level one to the category's default
   department.
3. Otherwise None: the case waits in the command centre's manual queue.
"""

from grids.levels import AreaLevel
from grids.models import Area
from grids.selectors import lineage as grid_lineage

from .constants import HandlingLevel, UnitKind
from .models import Category, RoutingRule, Unit


def route(category: Category, grid: Area, lineage: list[Area] | None = None) -> Unit | None:
    """`lineage`: the grid's ancestors and the grid (grids.selectors.lineage), if already read."""
    ancestors = lineage or grid_lineage(grid)
    ancestor_ids = [a.id for a in ancestors]
    depth_of = {area_id: i for i, area_id in enumerate(ancestor_ids)}
    categories = [category.id] + ([category.parent_id] if category.parent_id else [])
    rules = list(
        RoutingRule.objects.filter(category_id__in=categories, area_id__in=ancestor_ids).select_related("unit")
    )
    if rules:
        best = max(rules, key=lambda r: (depth_of[r.area_id], r.category_id == category.id))
        return best.unit
    level = category.handling_level
    if level == HandlingLevel.DEPARTMENT:
        return category.default_unit or (category.parent.default_unit if category.parent_id else None)
    # the grid's township or village (by level: a county under a city sits one level deeper)
    wanted = AreaLevel.TOWNSHIP if level == HandlingLevel.TOWNSHIP else AreaLevel.VILLAGE
    area_id = next(a.id for a in ancestors if a.level == wanted)
    kind = UnitKind.TOWNSHIP if level == HandlingLevel.TOWNSHIP else UnitKind.VILLAGE
    return Unit.objects.filter(area_id=area_id, kind=kind).first()
