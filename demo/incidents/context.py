"""What the generator knows about the county, loaded with a handful of queries before the first
case: base grids and their rectangles, handling units, routing and time limits (evaluated in
memory, cached), who holds which post, and a few households per grid for dispute parties."""

import datetime as dt
from bisect import bisect
from dataclasses import dataclass
from itertools import accumulate

from django.db.models import F, Q
from django.utils import timezone

from governance import workdays
from governance.models import User
from governance.roles import Role
from grids.levels import AreaLevel
from grids.models import Area, Assignment, Household
from incidents import deadlines
from incidents.constants import HandlingLevel, LimitUnit, UnitKind
from incidents.models import Category, RoutingRule, TimeLimit, Unit

PARTIES_PER_GRID = 6  # households kept per grid as candidate dispute parties


@dataclass(frozen=True)
class Actor:
    """Who takes a step: a user id (None: nobody holds the post) and the role they act in."""

    id: int | None
    role: str


NOBODY = Actor(None, "")


@dataclass(eq=False)
class Grid:
    id: int
    code: str
    chain: list[int]  # area ids from the root down to this grid (incidents.routing's order)
    township_id: int
    village_id: int
    place: str  # how an address starts: 城关镇北街社区
    rect: tuple[float, float, float, float]  # west, south, east, north
    is_community: bool


def _short(name: str) -> str:
    if name.endswith("村委会"):
        return name[: -len("委会")]
    if name.endswith("居委会"):
        return name[: -len("居委会")] + "社区"
    return name


def _rect(boundary) -> tuple[float, float, float, float]:
    ring = boundary["coordinates"][0]
    lngs, lats = [p[0] for p in ring], [p[1] for p in ring]
    return min(lngs), min(lats), max(lngs), max(lats)


class Context:
    def __init__(self, county: Area):
        self.county = county
        self._load_areas()
        self._load_catalogue()
        self._load_people()
        self._routes: dict[tuple[int, int], Unit | None] = {}
        self._workdays: dict[tuple[dt.date, int], dt.date] = {}
        self.tz = timezone.get_current_timezone()

    # --- areas --------------------------------------------------------------------------------

    def _load_areas(self):
        above = [a.id for a in Area.objects.get_ancestors(self.county)] if self.county.depth > 1 else []
        rows = Area.objects.filter(path__startswith=self.county.path).order_by("path")
        by_path, self.grids, self.area_code = {}, [], {}
        for a in rows.only("id", "path", "code", "name", "level", "boundary"):
            by_path[a.path] = a
            self.area_code[a.id] = a.code
            if a.level != AreaLevel.GRID or not a.boundary:
                continue
            top, step = len(self.county.path), Area.steplen
            chain = above + [by_path[a.path[:n]].id for n in range(top, len(a.path) + 1, step)]
            town, village = by_path[a.path[: top + step]], by_path[a.path[: top + 2 * step]]
            self.grids.append(
                Grid(
                    id=a.id,
                    code=a.code,
                    chain=chain,
                    township_id=town.id,
                    village_id=village.id,
                    place=town.name + _short(village.name),
                    rect=_rect(a.boundary),
                    is_community=village.name.endswith(("居委会", "社区")),
                )
            )
        if not self.grids:
            raise ValueError(f"{self.county.name} has no base grid with a boundary")
        self.grid_weights = list(accumulate(1.5 if g.is_community else 1.0 for g in self.grids))

    # --- units, categories, routing, limits ---------------------------------------------------

    def _load_catalogue(self):
        units = list(Unit.objects.order_by("id"))
        centres = [u for u in units if u.kind == UnitKind.COMMAND_CENTRE]  # the county's own first
        self.centre = next((u for u in centres if u.area_id == self.county.id), centres[0] if centres else None)
        self.unit_by_id = {u.id: u for u in units}
        self.unit_at: dict[tuple[int, str], Unit] = {}
        for u in units:
            self.unit_at.setdefault((u.area_id, u.kind), u)  # routing takes the first
        self.categories = {c.id: c for c in Category.objects.order_by("code")}
        self.leaves = [c for c in self.categories.values() if c.parent_id and c.is_active]
        self.rules = {
            (r.category_id, r.area_id): self.unit_by_id[r.unit_id] for r in RoutingRule.objects.order_by("id")
        }
        self.limits = {  # the common limits, with the county's own in their place
            (t.category_id, t.level, t.phase): t
            for t in TimeLimit.objects.filter(Q(county__isnull=True) | Q(county=self.county)).order_by(
                F("county_id").asc(nulls_first=True)
            )
        }

    def route(self, category: Category, grid: Grid) -> Unit | None:
        """incidents.routing.route, from the rows loaded above (cached per category and grid)."""
        key = (category.id, grid.id)
        if key not in self._routes:
            self._routes[key] = self._route(category, grid)
        return self._routes[key]

    def _route(self, category, grid):
        depth_of = {area_id: i for i, area_id in enumerate(grid.chain)}
        cats = [category.id] + ([category.parent_id] if category.parent_id else [])
        hits = [(depth_of[a], c == category.id, (c, a)) for a in grid.chain for c in cats if (c, a) in self.rules]
        if hits:
            return self.rules[max(hits, key=lambda h: h[:2])[2]]
        level = category.handling_level
        if level == HandlingLevel.DEPARTMENT:
            unit_id = category.default_unit_id
            if unit_id is None and category.parent_id:
                unit_id = self.categories[category.parent_id].default_unit_id
            return self.unit_by_id.get(unit_id)
        area_id = grid.chain[1] if level == HandlingLevel.TOWNSHIP else grid.chain[2]
        kind = UnitKind.TOWNSHIP if level == HandlingLevel.TOWNSHIP else UnitKind.VILLAGE
        return self.unit_at.get((area_id, kind))

    def department_of(self, category: Category) -> Unit | None:
        unit_id = category.default_unit_id
        if unit_id is None and category.parent_id:
            unit_id = self.categories[category.parent_id].default_unit_id
        return self.unit_by_id.get(unit_id)

    def stage(self, category: Category, unit_kind: str, phase: str, start: dt.datetime):
        """incidents.deadlines.stage_times without its queries: (warn_at, due_at) or (None, None)."""
        level = deadlines.UNIT_LEVEL[unit_kind]
        limit = self.limits.get((category.id, level, phase))
        if limit is None and category.parent_id:
            limit = self.limits.get((category.parent_id, level, phase))
        if limit is None:
            return None, None
        return self._add(start, limit.warn_amount, limit.unit), self._add(start, limit.amount, limit.unit)

    def _add(self, start, amount, unit):
        if unit != LimitUnit.WORKING_DAYS:
            return deadlines.add_limit(start, amount, unit)
        local = start.astimezone(self.tz)
        key = (local.date(), amount)
        if key not in self._workdays:  # the calendar is asked once per (day, amount)
            self._workdays[key] = workdays.add_working_days(start, amount).date()
        day = self._workdays[key]
        return local.replace(year=day.year, month=day.month, day=day.day)

    # --- people -------------------------------------------------------------------------------

    def _load_people(self):
        wanted = {"zhihui": Role.COMMAND_OPERATOR, "zhihui-lead": Role.COMMAND_LEADER}
        for u in self.unit_by_id.values():
            if u.kind == UnitKind.DEPARTMENT:
                wanted[u.code] = Role.DEPARTMENT_OFFICER
        for area_id, kind in self.unit_at:
            code = self.area_code.get(area_id)
            if code and kind == UnitKind.TOWNSHIP:
                wanted[f"town-{code}"] = Role.TOWNSHIP_OFFICER
            elif code and kind == UnitKind.VILLAGE:
                wanted[f"vh-{code}"] = Role.VILLAGE_HEAD
        found = User.objects.filter(username__in=wanted, is_active=True).values_list("username", "id")
        self.actors = {name: Actor(user_id, wanted[name]) for name, user_id in found}
        self.workers: dict[int, list[tuple[dt.date, dt.date | None, int]]] = {}
        posts = Assignment.objects.filter(
            role=Role.GRID_WORKER, area__path__startswith=self.county.path, area__level=AreaLevel.GRID
        ).order_by("start_date", "id")
        for area_id, user_id, start, end in posts.values_list("area_id", "user_id", "start_date", "end_date"):
            self.workers.setdefault(area_id, []).append((start, end, user_id))
        self.households: dict[int, list[tuple[int, str]]] = {}
        rows = Household.objects.filter(county=self.county).order_by("id").values_list("id", "grid_id", "head_name")
        for household_id, grid_id, head in rows.iterator(chunk_size=20000):
            kept = self.households.setdefault(grid_id, [])
            if len(kept) < PARTIES_PER_GRID:
                kept.append((household_id, head))

    def actor(self, username: str) -> Actor:
        return self.actors.get(username, NOBODY)

    def officer(self, unit: Unit | None) -> Actor:
        """The person who acts for a handling unit."""
        if unit is None:
            return NOBODY
        if unit.kind == UnitKind.DEPARTMENT:
            return self.actor(unit.code)
        if unit.kind == UnitKind.TOWNSHIP:
            return self.actor(f"town-{self.area_code.get(unit.area_id)}")
        if unit.kind == UnitKind.VILLAGE:
            return self.actor(f"vh-{self.area_code.get(unit.area_id)}")
        return self.actor("zhihui")

    def worker_on(self, grid: Grid, day: dt.date) -> Actor | None:
        """The grid worker responsible for `grid` on `day` (assignment history), or None."""
        for start, end, user_id in self.workers.get(grid.id, ()):
            if start <= day and (end is None or day < end):
                return Actor(user_id, Role.GRID_WORKER)
        return None

    def pick_grid(self, rng) -> Grid:
        return self.grids[bisect(self.grid_weights, rng.random() * self.grid_weights[-1])]
