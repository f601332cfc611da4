"""The grid map's layers as GeoJSON: area boundaries shaded by open / overdue cases, and the open
cases as points.

Boundaries are drawn in `settings.BOUNDARY_CRS` (the stored system; the browser converts them with
gcoord when the intranet tile server uses another). Each level is simplified with its own
tolerance (a township outline needs less detail than a base grid) and rounded to 1e-6°, then
cached per area, level and boundary version (`grids.spatial.boundary_version`, bumped whenever a
boundary changes), so the 2,257 grids of a county are read and simplified once. The case counts
that shade them are cached for `panels.DEFAULT_TTL` seconds, like the dashboard's figures.
"""

import datetime as dt
import json

import orjson
import shapely
from django.core.cache import cache

from grids import spatial
from grids.levels import AreaLevel
from grids.models import Area
from incidents.constants import CaseStatus, Urgency

from . import case_figures
from .links import OPEN, case_url_template, cases_url_template
from .panels import DEFAULT_TTL
from .scope import OversightScope

MAP_LEVELS = (AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE, AreaLevel.GRID)
CASE_COLUMN = {
    AreaLevel.COUNTY: "county_id",
    AreaLevel.TOWNSHIP: "township_id",
    AreaLevel.VILLAGE: "village_id",
    AreaLevel.GRID: "grid_id",
}
# Simplification tolerance in degrees (≈ 50 m, 20 m, 5 m): invisible at the zoom each level is drawn at.
TOLERANCE = {AreaLevel.COUNTY: 0.001, AreaLevel.TOWNSHIP: 0.0005, AreaLevel.VILLAGE: 0.0002, AreaLevel.GRID: 0.00005}
GEOMETRY_TTL = 60 * 60
MAX_POINTS = 5000
STATUS_LABELS = dict(CaseStatus.choices)


def _simplified(boundaries: list[dict], tolerance: float) -> tuple[list[dict], list[list[float]]]:
    """The GeoJSON geometries simplified and rounded, and a [lat, lng] inside each where its name
    is written on the map (vectorised: one pass over all of them)."""
    shapes = shapely.from_geojson([json.dumps(b) for b in boundaries])
    shapes = shapely.set_precision(shapely.simplify(shapes, tolerance, preserve_topology=True), 1e-6)
    inside = shapely.point_on_surface(shapes)
    lats, lngs = shapely.get_y(inside), shapely.get_x(inside)
    labels = [[round(float(lat), 6), round(float(lng), 6)] for lat, lng in zip(lats, lngs, strict=True)]
    return [json.loads(text) for text in shapely.to_geojson(shapes)], labels


def boundaries(scope: OversightScope, level: str) -> list[dict]:
    """[{id, code, name, geometry, label}] of the areas of `level` inside the scope, simplified (cached)."""
    key = f"oversight:geometry-labelled:{scope.cache_key}:{level}:v{spatial.boundary_version()}"

    def load():
        rows = list(
            Area.objects.filter(path__startswith=scope.area.path, level=level, boundary__isnull=False)
            .values_list("id", "code", "name", "boundary")
            .order_by("path")
        )
        geometries, labels = _simplified([row[3] for row in rows], TOLERANCE[level]) if rows else ([], [])
        return [
            {"id": pk, "code": code, "name": name, "geometry": geometry, "label": label}
            for (pk, code, name, _boundary), geometry, label in zip(rows, geometries, labels, strict=True)
        ]

    return cache.get_or_set(key, load, GEOMETRY_TTL)


def area_layer(scope: OversightScope, level: str, now: dt.datetime) -> bytes:
    """A FeatureCollection of the level's areas with their open and overdue counts, as JSON (cached
    encoded, see `_cached_json`); `links` holds the desk's URLs for an area of the level, with
    `{id}` to fill in (sent once, not per area)."""

    def load():
        counts = case_figures.open_by_area(scope, CASE_COLUMN[level], now)
        none = {"open": 0, "overdue": 0}
        return {
            "type": "FeatureCollection",
            "links": {
                "open": cases_url_template(level, **OPEN),
                "overdue": cases_url_template(level, overdue="true"),
                "all": cases_url_template(level),
            },
            "features": [
                {
                    "type": "Feature",
                    "id": area["id"],
                    "geometry": area["geometry"],
                    "properties": {
                        "id": area["id"],
                        "code": area["code"],
                        "name": area["name"],
                        "label": area["label"],
                        "level": level,
                        **counts.get(area["id"], none),
                    },
                }
                for area in boundaries(scope, level)
            ],
        }

    return _cached_json(f"oversight:map-areas:{scope.cache_key}:{level}:v{spatial.boundary_version()}", load)


def case_layer(scope: OversightScope, now: dt.datetime, *, overdue_only: bool = False) -> bytes:
    """A FeatureCollection of the newest open cases with a location (at most MAX_POINTS), as JSON
    (cached encoded, see `_cached_json`)."""

    def load():
        rows = list(case_figures.open_case_points(scope, now, overdue_only=overdue_only, limit=MAX_POINTS + 1))
        case_url = case_url_template()
        return {
            "type": "FeatureCollection",
            "truncated": len(rows) > MAX_POINTS,
            "features": [
                {
                    "type": "Feature",
                    "id": row["id"],
                    "geometry": {"type": "Point", "coordinates": [row["lng"], row["lat"]]},
                    "properties": {
                        "number": row["number"],
                        "category": row["category__name"],
                        "grid": row["grid__name"],
                        "status": str(STATUS_LABELS[row["status"]]),
                        "urgent": row["urgency"] == Urgency.URGENT,
                        "overdue": row["due_at"] is not None and row["due_at"] < now,
                        "url": case_url.replace("{id}", str(row["id"])),
                    },
                }
                for row in rows[:MAX_POINTS]
            ],
        }

    return _cached_json(f"oversight:map-cases:{scope.cache_key}:{int(overdue_only)}", load)


def _cached_json(key: str, load) -> bytes:
    """`load()` encoded as JSON, cached for DEFAULT_TTL seconds as those bytes: a layer holds
    thousands of features, and reading it back as Python objects cost ≈ 10 ms a request and, by the
    garbage collector's passes over them, a p95 of ≈ 85 ms (docs/performance.md); bytes come back
    as one object, sent as they are."""
    return cache.get_or_set(key, lambda: orjson.dumps(load()), DEFAULT_TTL)
