"""Rectangle tiling: cut a parent rectangle into rows of cells, one per child, with areas
proportional to the children's weights. Neighbouring cells share their edge coordinates
exactly, so the children tile the parent with no gap and no overlap."""

import math
from typing import NamedTuple

DIGITS = 6  # about 0.1 m: edges are rounded once and shared by both neighbours


class Rect(NamedTuple):
    west: float
    south: float
    east: float
    north: float

    @property
    def center(self) -> tuple[float, float]:
        """(lat, lng) of the rectangle's centre."""
        return round((self.south + self.north) / 2, DIGITS + 1), round((self.west + self.east) / 2, DIGITS + 1)

    def polygon(self) -> dict:
        """The rectangle as a GeoJSON Polygon ([lng, lat], counter-clockwise exterior ring)."""
        w, s, e, n = self
        return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}


# Around Yucheng county (WGS-84).
COUNTY_RECT = Rect(115.62, 34.18, 116.12, 34.62)
# Around Shangqiu city (WGS-84), for `seed_demo --prefecture 4114`.
CITY_RECT = Rect(114.82, 33.70, 116.65, 34.88)


def _cuts(start: float, end: float, weights: list[float]) -> list[float]:
    """Edges from `start` to `end` splitting the span in proportion to `weights`."""
    total = sum(weights)
    edges, acc = [start], 0.0
    for w in weights[:-1]:
        acc += w
        edges.append(round(start + (end - start) * acc / total, DIGITS))
    edges.append(end)
    return edges


def _per_row(rect: Rect, n: int) -> int:
    """≈ sqrt(n) cells per row, widened or narrowed so cells come out roughly square on the ground."""
    width_km = (rect.east - rect.west) * 111.32 * math.cos(math.radians((rect.south + rect.north) / 2))
    height_km = (rect.north - rect.south) * 110.57
    return max(1, min(n, round(math.sqrt(n * width_km / height_km))))


def tile(rect: Rect, weights: list[float]) -> list[Rect]:
    """One rectangle per weight, in order: rows from north to south, cells from west to east."""
    if not weights:
        return []
    if any(w <= 0 for w in weights):
        raise ValueError("weights must be positive")
    per_row = _per_row(rect, len(weights))
    rows = [weights[i : i + per_row] for i in range(0, len(weights), per_row)]
    ys = _cuts(rect.north, rect.south, [sum(row) for row in rows])
    cells = []
    for r, row in enumerate(rows):
        north, south = ys[r], ys[r + 1]
        xs = _cuts(rect.west, rect.east, row)
        cells += [Rect(xs[i], south, xs[i + 1], north) for i in range(len(row))]
    if any(c.east <= c.west or c.north <= c.south for c in cells):
        raise ValueError("rectangle too small for this many cells")
    return cells
