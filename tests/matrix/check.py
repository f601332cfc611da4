"""One route of the matrix against every user: the expected answers come from its MATRIX entry."""

import copy
from dataclasses import dataclass, field

from django.test import Client

from . import harness
from .table import MATRIX, PUBLIC, SIGNED_IN, Entry
from .world import ANONYMOUS, NO_AREA, MatrixWorld


class Clients:
    """One signed-in client per role (and one with no area, one anonymous), made once per module."""

    def __init__(self, world: MatrixWorld):
        self.world = world
        self.by_user = {ANONYMOUS: Client()}
        for who, user in world.users.items():
            client = Client()
            client.force_login(user)
            self.by_user[who] = client


def served(entry: Entry, who: str) -> bool:
    if entry.ok == PUBLIC:
        return True
    if who == ANONYMOUS:
        return False
    return entry.ok == SIGNED_IN or who in entry.ok


def refused(response) -> bool:
    """An error, or the redirect to a login page that a page's role check answers."""
    return response.status_code >= 400 or (response.status_code == 302 and "login" in response["Location"])


def counted(data, path="") -> list[str]:
    """Where a JSON answer lists or counts something: a non-empty list or a non-zero number (a year
    or a week is a label, not a count)."""
    if isinstance(data, list):
        return [f"{path or 'the answer'} lists {len(data)}"] if data else []
    if isinstance(data, dict):
        return [found for key, value in data.items() for found in counted(value, f"{path}.{key}".lstrip("."))]
    if isinstance(data, int | float) and not isinstance(data, bool) and data and path.rsplit(".", 1)[-1] != "year":
        return [f"{path} is {data}"]
    return []


def answer(response, obj_pk) -> tuple:
    """The status and where a redirect points, with the id itself left out."""
    location = response.get("Location")
    return response.status_code, location.replace(str(obj_pk), "<pk>") if location else None


@dataclass
class RouteCheck:
    name: str
    clients: Clients
    problems: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.world = self.clients.world
        self.route = harness.routes()[self.name]
        self.entry = MATRIX[self.name]
        self.own, self.other = harness.instances(self.entry.obj, self.world) if self.entry.obj else (None, None)
        self.pk_param = next((p for p in self.route.params if p in ("pk", "case_pk")), None)

    def ask(self, client, obj_pk):
        entry = self.entry
        kwargs = dict(entry.args)
        if self.pk_param:
            kwargs[self.pk_param] = obj_pk
        for extra in self.route.params:  # a second id (an attachment of the case …): one that does not exist
            kwargs.setdefault(extra, harness.MISSING)
        query = entry.query(self.world) if callable(entry.query) else entry.query
        path = harness.url(self.route, kwargs) + (f"?{query}" if query else "")
        return client.post(path, {}) if entry.method == "POST" else client.get(path)

    def look(self, who: str, response, label: str) -> int:
        """The status; a 5xx, or a township named that the user may not see, is a problem."""
        world, status = self.world, response.status_code
        if status >= 500:
            self.problems.append(f"{who} {label}: {status}")
            return status
        body = harness.text(response)
        home = world.homes.get(who)
        hidden = (world.a, world.b) if home is None else (world.b,) if home.pk != world.county.pk else ()
        for town in hidden:
            # its name, or the code of it or of any village and grid in it (all begin with the township's code)
            for mark in (town.name, town.code):
                if mark in body:
                    self.problems.append(f"{who} {label}: the answer names {mark} ({town.name}), outside the area")
        return status

    def run(self) -> list[str]:
        for who, client in self.clients.by_user.items():
            cookies = copy.deepcopy(client.cookies)  # a logout or a token revoke must not outlive this route
            try:
                if who == ANONYMOUS:
                    self.anonymous(client)
                elif self.pk_param is None:
                    self.without_object(who, client)
                else:
                    self.with_object(who, client)
            finally:
                client.cookies = cookies
        return self.problems

    def anonymous(self, client):
        response = self.ask(client, self.own.pk if self.own else harness.MISSING)
        status = self.look(ANONYMOUS, response, "anonymous")
        if served(self.entry, ANONYMOUS):
            return
        if self.route.pattern.startswith(("api/", "open311/")):  # Open311: an api_key, never a session
            if status not in (401, 403):
                self.problems.append(f"anonymous: {status}, expected 401/403")
        elif status != 302 or "login" not in response["Location"]:
            self.problems.append(f"anonymous: {status}, expected a redirect to the login page")

    def without_object(self, who, client):
        response = self.ask(client, None)
        status = self.look(who, response, self.entry.method)
        if self.entry.method == "POST":
            return  # an empty form: a 4xx, never a 5xx (look); nothing is checked to change
        if served(self.entry, who) and refused(response):
            self.problems.append(f"{who} own area: {status}, expected to be served (the matrix lists the role)")
        if who == NO_AREA and not self.entry.shared and response.get("Content-Type", "").startswith("application/json"):
            for found in counted(response.json()):
                self.problems.append(f"{who}: {found} (a user without an area may not see anything listed or counted)")
        if not served(self.entry, who) and status != self.entry.denied:
            self.problems.append(f"{who} own area: {status}, expected {self.entry.denied}")

    def with_object(self, who, client):
        world, entry, own, other = self.world, self.entry, self.own, self.other
        home = world.homes.get(who)
        county_wide = home is not None and home.pk == world.county.pk
        if county_wide and entry.method == "POST":
            return  # township B is inside this user's area, and nothing is changed to check the own area
        response = self.ask(client, harness.MISSING)
        self.look(who, response, "an id that does not exist")
        missing = answer(response, harness.MISSING)
        outside = [] if county_wide else [(other, world.b)]
        if who == NO_AREA and other is not None:  # an object of an area: township A is outside too
            outside.append((own, world.a))
        for obj, town in outside:
            if obj is None:
                continue
            response = self.ask(client, obj.pk)
            self.look(who, response, f"{entry.obj} {obj.pk} of {town.name}")
            got = answer(response, obj.pk)
            if got != missing or got[0] < 300:
                self.problems.append(
                    f"{who} outside the area: {got} for {entry.obj} {obj.pk} of {town.name}, but {missing} for an id "
                    "that does not exist (outside the scope must look like nothing)"
                )
        if own is None or entry.method != "GET" or who == NO_AREA:
            return
        response = self.ask(client, own.pk)
        status = self.look(who, response, f"own area {entry.obj} {own.pk}")
        reachable = harness.in_reach(entry.obj, own, home)
        if served(entry, who) and reachable and refused(response):
            self.problems.append(f"{who} own area: {status} for {entry.obj} {own.pk}, expected to be served")
        if (not served(entry, who) or not reachable) and not refused(response):
            self.problems.append(f"{who}: {status} for {entry.obj} {own.pk}, which the matrix does not grant")


def check_route(name: str, clients: Clients) -> list[str]:
    """The answers that differ from the matrix, as readable lines (empty: the route holds)."""
    return RouteCheck(name, clients).run()
