"""Routing: which unit should handle a case of category C in grid G.

1. The most specific routing rule: the deepest area whose subtree holds the grid, and for
   the same area a rule on the category itself before one on its parent category.
2. Otherwise the category's level: a village-level category goes to the grid's village station,
   a township-level one to its township, a department-level one to the category's default
   department.
3. Otherwise None: the case waits in the command centre's manual queue.
"""

from django.db.models import Case, IntegerField, Subquery, Value, When
from django.db.models.functions import Coalesce

from grids.levels import AreaLevel
from grids.models import Area
from grids.selectors import lineage as grid_lineage

from .constants import HandlingLevel, UnitKind
from .models import Category, RoutingRule, Unit


def route(category: Category, grid: Area, lineage: list[Area] | None = None) -> Unit | None:
    """`lineage`: the grid's ancestors and the grid (grids.selectors.lineage), if already read.
    One query: the best rule's unit, else the level's unit (both as subqueries of it)."""
    ancestors = lineage or grid_lineage(grid)
    categories = [category.id] + ([category.parent_id] if category.parent_id else [])
    best_rule = (
        RoutingRule.objects.filter(category_id__in=categories, area_id__in=[a.id for a in ancestors])
        .order_by("-area__depth", Case(When(category_id=category.id, then=0), default=1))
        .values("unit_id")[:1]
    )
    unit_id = Coalesce(Subquery(best_rule), _by_level(category, ancestors), output_field=IntegerField())
    return Unit.objects.filter(pk=unit_id).first()


def _by_level(category: Category, ancestors: list[Area]):
    """The unit of the category's level: its default department (its own or its parent's), or the
    grid's township or village (by level: a county under a city sits one level deeper)."""
    level = category.handling_level
    if level == HandlingLevel.DEPARTMENT:
        default = category.default_unit_id or (category.parent.default_unit_id if category.parent_id else None)
        return Value(default, output_field=IntegerField())
    wanted = AreaLevel.TOWNSHIP if level == HandlingLevel.TOWNSHIP else AreaLevel.VILLAGE
    area_id = next(a.id for a in ancestors if a.level == wanted)
    kind = UnitKind.TOWNSHIP if level == HandlingLevel.TOWNSHIP else UnitKind.VILLAGE
    return Subquery(Unit.objects.filter(area_id=area_id, kind=kind).order_by("pk").values("pk")[:1])
