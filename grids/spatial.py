"""Point → base grid: an in-memory STRtree over the grid polygons, built once per process
and rebuilt when any boundary changes (a token in the shared cache)."""

import math
import threading

from django.conf import settings
from django.utils.translation import gettext as _
from shapely import STRtree, points
from shapely.geometry import shape
from shapely.validation import explain_validity

from governance.cache import current_token, renew_token

from .coords import convert
from .levels import AreaLevel

_VERSION_KEY = "grids:boundary-token"
_lock = threading.Lock()
_index: dict = {"version": None, "tree": None, "ids": []}


MAX_BOUNDARY_POINTS = 20_000


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def coordinate_problem(geojson) -> str | None:
    """What is wrong with a boundary's structure before it is stored, as a Chinese message (None
    when nothing is): only `type` and `coordinates`; rings of [经度, 纬度] pairs of finite numbers
    (no strings, booleans, NaN, heights); at most MAX_BOUNDARY_POINTS points."""
    if not isinstance(geojson, dict) or geojson.get("type") not in ("Polygon", "MultiPolygon"):
        return _("边界必须是 GeoJSON 的 Polygon 或 MultiPolygon。")
    extra = sorted(set(geojson) - {"type", "coordinates"})
    if extra:
        return _("边界只能包含 type 和 coordinates，不接受：%(keys)s。") % {"keys": "、".join(map(str, extra))}
    coordinates = geojson.get("coordinates")
    polygons = coordinates if geojson["type"] == "MultiPolygon" else [coordinates]
    count = 0
    for polygon in polygons if isinstance(polygons, list | tuple) else [None]:
        if not isinstance(polygon, list | tuple) or not polygon:
            return _("边界坐标格式不正确。")
        for ring in polygon:
            if not isinstance(ring, list | tuple):
                return _("边界坐标格式不正确。")
            for position in ring:
                if not isinstance(position, list | tuple) or len(position) != 2 or not all(map(_is_number, position)):
                    return _("边界的每个点须为 [经度, 纬度] 两个数字。")
                count += 1
    if count > MAX_BOUNDARY_POINTS:
        return _("边界点数过多（%(n)d 个），请简化到 %(max)d 个以内。") % {"n": count, "max": MAX_BOUNDARY_POINTS}
    return None


def shape_of(geojson):
    """A valid shapely Polygon/MultiPolygon from a GeoJSON geometry, or ValueError (Chinese)."""
    if not isinstance(geojson, dict) or geojson.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValueError(_("边界必须是 GeoJSON 的 Polygon 或 MultiPolygon。"))
    try:
        geometry = shape(geojson)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        raise ValueError(_("边界坐标格式不正确。")) from None
    if geometry.is_empty or not geometry.is_valid:
        raise ValueError(_("边界多边形无效：%(why)s") % {"why": explain_validity(geometry)})
    return geometry


def invalidate() -> None:
    """Call after a boundary changed (on commit): every process rebuilds on its next lookup."""
    renew_token(_VERSION_KEY)


def boundary_version() -> str:
    """A token that changes whenever a boundary changes (for caches of drawn boundaries)."""
    return current_token(_VERSION_KEY)


def _current_tree():
    version = boundary_version()
    with _lock:
        if _index["version"] != version:
            from .models import Area

            rows = Area.objects.filter(level__in=[AreaLevel.GRID], boundary__isnull=False).values_list("id", "boundary")
            ids, shapes = [], []
            for area_id, boundary in rows.iterator(chunk_size=2000):
                ids.append(area_id)
                shapes.append(shape(boundary))
            _index.update(version=version, tree=STRtree(shapes) if shapes else None, ids=ids)
        return _index["tree"], _index["ids"]


def grid_at(lat: float, lng: float, crs: str = "WGS84") -> int | None:
    """The id of the base grid containing the point (given in `crs`), or None."""
    lat, lng = convert(lat, lng, crs, settings.BOUNDARY_CRS)
    tree, ids = _current_tree()
    if tree is None:
        return None
    hits = tree.query(points(lng, lat), predicate="intersects")
    return ids[int(min(hits))] if len(hits) else None
