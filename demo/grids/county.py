"""The demo county's area tree: the real county, townships and villages of Yucheng from
`demo/data/yucheng_411425.csv`, generated base grids under the villages, rectangular
boundaries tiling the county, and a bulk insert with treebeard paths built by hand.

`plan_prefecture("4114")` plans the whole city instead (商丘市: 11 county-level units, 199
townships, 4,834 villages from `demo/data/shangqiu_4114.csv`, extracted from the same package by
`frontend/scripts/extract-divisions.js`), the city the root and each county under it."""

import csv
import random
from dataclasses import dataclass, field
from pathlib import Path

from grids.codes import validate_area_code
from grids.levels import AreaLevel
from grids.models import Area

from .layout import CITY_RECT, COUNTY_RECT, Rect, tile

CSV_PATH = Path(__file__).resolve().parent.parent / "data" / "yucheng_411425.csv"
# Names the statistics data spells differently from the civil-affairs place-name record (code,
# the statistics spelling, the right one, the source); checked against a second source by
# tests/demo/test_division_names.py — see docs/imports.md, "Checking division names".
CORRECTIONS_PATH = CSV_PATH.parent / "name_corrections.csv"
COUNTY_CODE = "411425"
BASE_GRID_TARGET = 2257  # Yucheng's base grids (and grid managers), as the county reports them
# The prefectures `seed_demo --prefecture CODE` can build: the city's 4-digit code → its divisions.
PREFECTURES = {"4114": CSV_PATH.parent / "shangqiu_4114.csv"}
BATCH = 1000


@dataclass(eq=False)
class Node:
    """One area of the plan, before and after it is inserted (`area`)."""

    code: str
    name: str
    level: str
    children: list["Node"] = field(default_factory=list)
    parent: "Node | None" = None
    rect: Rect | None = None
    area: Area | None = None
    households: int = 0
    population: int = 0

    def add(self, child: "Node") -> "Node":
        child.parent = self
        self.children.append(child)
        return child

    def walk(self):
        """This node and its descendants, parents before children, siblings in code order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def of_level(self, level: str) -> list["Node"]:
        return [n for n in self.walk() if n.level == level]

    @property
    def grid_count(self) -> int:
        if self.level == AreaLevel.GRID:
            return 1
        return sum(c.grid_count for c in self.children)

    @property
    def short_name(self) -> str:
        """张庄村委会 → 张庄村, 北街居委会 → 北街社区 (how people name a place in an address)."""
        if self.name.endswith("村委会"):
            return self.name[: -len("委会")]
        if self.name.endswith("居委会"):
            return self.name[: -len("居委会")] + "社区"
        return self.name

    @property
    def is_community(self) -> bool:
        return self.name.endswith(("居委会", "社区"))


def name_corrections(path: Path = CORRECTIONS_PATH) -> dict[str, tuple[str, str]]:
    """{code: (the statistics spelling, the right name)}."""
    with path.open(encoding="utf-8") as f:
        return {r["code"]: (r["statistics_name"], r["name"]) for r in csv.DictReader(f)}


def read_divisions(path: Path = CSV_PATH, root_code: str = COUNTY_CODE) -> Node:
    """The county (or city: `root_code`) with all its townships and villages from the CSV, children in code order, with
    the recorded name corrections applied (a correction whose statistics spelling no longer
    matches the CSV is an error: the data changed and the correction needs a look)."""
    with path.open(encoding="utf-8") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: r["code"])
    for code, (wrong, right) in name_corrections().items():
        row = next((r for r in rows if r["code"] == code), None)
        if row is None or row["name"].strip() != wrong:
            raise ValueError(f"{CORRECTIONS_PATH.name}: {code} is not {wrong} in {path.name}")
        row["name"] = right
    nodes: dict[str, Node] = {}
    root = None
    for row in rows:
        level, parent_code = row["level"], row["parent_code"] or None
        validate_area_code(level, row["code"], parent_code)
        node = Node(row["code"], row["name"].strip(), level)
        nodes[node.code] = node
        if parent_code is None:
            root = node
        else:
            nodes[parent_code].add(node)
    if root is None or root.code != root_code:
        raise ValueError(f"{path} has no root {root_code}")
    return root


def grid_counts(villages: list[Node], total: int, rng: random.Random) -> dict[str, int]:
    """Spread `total` base grids over the villages: at least one each, the rest in proportion
    to a seeded random weight (urban communities a little larger), largest remainders first."""
    if total < len(villages):
        raise ValueError(f"{total} base grids cannot cover {len(villages)} villages")
    weights = [rng.uniform(0.4, 1.8) * (1.5 if v.is_community else 1.0) for v in villages]
    spare = total - len(villages)
    shares = [spare * w / sum(weights) for w in weights]
    counts = [1 + int(s) for s in shares]
    by_remainder = sorted(range(len(villages)), key=lambda i: (-(shares[i] - int(shares[i])), i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return {v.code: c for v, c in zip(villages, counts, strict=True)}


def plan_county(rng: random.Random, townships: int | None = None, grids_per_village: int | None = None) -> Node:
    """The county tree with its base grids and boundaries (nothing written yet).

    Grid counts are always drawn for the whole county (2,257 in all), so the first N
    townships look the same whether or not the others are loaded; `grids_per_village`
    replaces that with a fixed number per village (small test counties).
    """
    county = read_divisions()
    counts = grid_counts(county.of_level(AreaLevel.VILLAGE), BASE_GRID_TARGET, rng)
    if townships is not None:
        county.children = county.children[:townships]
    for village in county.of_level(AreaLevel.VILLAGE):
        for seq in range(1, (grids_per_village or counts[village.code]) + 1):
            village.add(Node(f"{village.code}{seq:03d}", f"{village.short_name}第{seq}网格", AreaLevel.GRID))
    _lay_out(county, COUNTY_RECT)
    return county


def plan_prefecture(
    code: str, rng: random.Random, townships: int | None = None, grids_per_village: int | None = None
) -> Node:
    """The city tree (the city, its county-level units, their townships and villages, generated
    base grids and boundaries; nothing written yet). Yucheng draws its 2,257 grids as in
    `plan_county`; every other county gets as many per village as Yucheng has (2,257 / 622), spread
    the same way. `townships` keeps the first N of each county (tests)."""
    city = read_divisions(PREFECTURES[code], code)
    ratio = BASE_GRID_TARGET / len(read_divisions().of_level(AreaLevel.VILLAGE))
    for county in city.children:
        villages = county.of_level(AreaLevel.VILLAGE)
        target = BASE_GRID_TARGET if county.code == COUNTY_CODE else max(len(villages), round(len(villages) * ratio))
        counts = grid_counts(villages, target, rng)
        if townships is not None:
            county.children = county.children[:townships]
        for village in county.of_level(AreaLevel.VILLAGE):
            for seq in range(1, (grids_per_village or counts[village.code]) + 1):
                village.add(Node(f"{village.code}{seq:03d}", f"{village.short_name}第{seq}网格", AreaLevel.GRID))
    _lay_out(city, CITY_RECT)
    return city


def _lay_out(node: Node, rect: Rect) -> None:
    node.rect = rect
    if node.children:
        cells = tile(rect, [c.grid_count for c in node.children])
        for child, cell in zip(node.children, cells, strict=True):
            _lay_out(child, cell)


def create_areas(county: Node) -> None:
    """Insert the planned tree (a county's or a city's) in bulk; sets `node.area` (with its id) on
    every node."""
    rows = []

    def build(node: Node, path: str) -> None:
        lat, lng = node.rect.center
        depth = len(path) // Area.steplen
        node.area = Area(
            path=path,
            depth=depth,
            numchild=len(node.children),
            code=node.code,
            name=node.name,
            level=node.level,
            boundary=node.rect.polygon(),
            center_lat=lat,
            center_lng=lng,
        )
        rows.append(node.area)
        for step, child in enumerate(node.children, start=1):  # code order = treebeard's node_order_by
            build(child, Area._get_path(path, depth + 1, step))

    build(county, Area._get_path("", 1, _next_root_step()))
    Area.objects.bulk_create(rows, batch_size=BATCH)


def _next_root_step() -> int:
    last = Area.objects.get_last_root_node()
    return last._get_lastpos_in_path() + 1 if last else 1


def save_counts(county: Node) -> None:
    """Sum households and residents up the tree and store them on every area."""
    for node in reversed(list(county.walk())):  # children before parents
        if node.children:
            node.households = sum(c.households for c in node.children)
            node.population = sum(c.population for c in node.children)
        node.area.household_count, node.area.population = node.households, node.population
    Area.objects.bulk_update([n.area for n in county.walk()], ["household_count", "population"], batch_size=BATCH)
