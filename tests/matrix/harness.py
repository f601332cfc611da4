"""Running the permission matrix: the routes the URL resolver knows, the objects a route's
parameters point at in the two townships, and one request per (route, user, area)."""

import functools
import io
import re
import zipfile
from dataclasses import dataclass

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from grids.models import Area, Assignment

from .world import MatrixWorld

MISSING = 2_000_000_000  # a primary key nothing has


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name" as reverse() takes it
    pattern: str
    params: tuple[str, ...]


@functools.cache
def routes() -> dict[str, Route]:
    """Every named route of the project (the Django admin's are one entry, "admin:*")."""
    found: dict[str, Route] = {}

    def walk(patterns, prefix, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = ":".join(filter(None, [namespace, p.namespace])) if p.namespace else namespace
                walk(p.url_patterns, prefix + str(p.pattern), inner)
            elif isinstance(p, URLPattern):
                name = f"{namespace}:{p.name}" if namespace else p.name
                if namespace == "admin" or (namespace or "").startswith("admin:"):
                    name = "admin:*"
                pattern = prefix + str(p.pattern)
                params = tuple(p.pattern.regex.groupindex) + tuple(
                    re.findall(r"<(?:\w+:)?(\w+)>", str(p.pattern)) if not p.pattern.regex.groupindex else ()
                )
                found.setdefault(name or pattern, Route(name or pattern, pattern, tuple(dict.fromkeys(params))))

    walk(get_resolver().url_patterns, "", None)
    return found


# Where a model's rows live when the model carries no `area_fields`: the lookup of an area path.
AREA_PATHS = {
    "grids.Area": "path",
    "grids.Assignment": "area__path",
    "governance.User": "assignments__area__path",
}


def instances(label: str, world: MatrixWorld):
    """(a row in township A the role users can reach, a row in township B) of model `label`;
    (row, None) for configuration that belongs to no area."""
    model = apps.get_model(label)
    fields = getattr(model, "area_fields", {})
    rows = model._default_manager.order_by("pk")
    if "township" in fields:
        column = fields["township"]
        own = rows.filter(**{column: world.a.pk})
        for level, home in (("grid", world.homes["grid_worker"]), ("village", world.homes["village_head"])):
            if level in fields and own.filter(**{fields[level]: home.pk}).exists():
                own = own.filter(**{fields[level]: home.pk})
                break
        return own.first(), rows.filter(**{column: world.b.pk}).first()
    if label in AREA_PATHS:
        path = AREA_PATHS[label]
        home = world.homes["grid_worker"]
        own = rows.filter(**{f"{path}__startswith": home.path}).first() or rows.filter(
            **{f"{path}__startswith": world.a.path}
        ).first()
        other = rows.filter(**{f"{path}__startswith": world.b.path}).first()
        if label == "grids.Area":
            own, other = home, Area.objects.filter(path__startswith=world.b.path, level=home.level).first()
        if label == "grids.Assignment":
            own = Assignment.objects.filter(area=home).first()
        return own, other
    return rows.first(), None


def area_bound(label: str) -> bool:
    """Whether the rows of model `label` belong to an area (else: configuration, seen everywhere)."""
    return "township" in getattr(apps.get_model(label), "area_fields", {}) or label in AREA_PATHS


def in_reach(label: str, obj, home) -> bool:
    """Whether `obj` lies in the subtree of `home` (a user's area; None: no area). Rows of a model
    that belongs to no area (configuration, the county's units) lie everywhere."""
    fields = getattr(apps.get_model(label), "area_fields", {})
    if not area_bound(label):
        return True
    if home is None:
        return False
    if home.level in fields:
        return getattr(obj, fields[home.level]) == home.pk
    if fields:  # a row held above the user's level (a township's policy for a village head)
        return True
    path = {"grids.Area": lambda: obj.path, "grids.Assignment": lambda: obj.area.path}.get(label)
    if path is not None:
        return path().startswith(home.path)
    return obj.assignments.filter(area__path__startswith=home.path).exists()


def url(route: Route, kwargs: dict) -> str:
    if route.name == "admin:*":
        return "/admin/"
    if route.pattern.startswith("api/v1/^"):  # a regex route (grids.transfer): kind only
        return reverse(route.name, kwargs=kwargs)
    return reverse(route.name, kwargs=kwargs)


def text(response) -> str:
    """Everything a response says, as text: pages, JSON, CSV and the cells of an XLSX workbook."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if raw[:2] == b"PK":  # a zip: an XLSX workbook
        with zipfile.ZipFile(io.BytesIO(raw)) as book:
            return "".join(book.read(n).decode("utf-8", "replace") for n in book.namelist() if n.endswith(".xml"))
    return raw.decode("utf-8", "replace")
