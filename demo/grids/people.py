"""The demo's people: platform staff, one officer per township, a village head, a grid leader
(网格长) and a grid police officer per village (article 000: 村级网格、网格长、网格警务员各 610
个), a grid worker per base grid (a few grids vacant, a few with a predecessor), all inserted
in bulk with exactly the groups and area grants that `grids.services.sync_grants` would give
them."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission

from governance.models import User
from governance.roles import Role
from grids.levels import AreaLevel
from grids.models import AreaUserPermission, Assignment
from grids.permissions import ROLE_AREA_PERMISSIONS

from . import names
from .county import Node

PASSWORD = "Demo-Pass-2026"
STAFF_USERNAMES = ("admin", "zhihui", "zhihui-lead", "city-zhihui", "city-lead")
# Every username the demo creates matches one of these (used by --reset). In a prefecture the
# counties other than Yucheng have their own command centre: `zhihui-<code>`, `zhihui-lead-<code>`.
USERNAME_PREFIXES = ("town-", "vh-", "gl-", "police-", "gw-", "zhihui-", "zhihui-lead-")
HOME_COUNTY = "411425"  # the county whose centre keeps the plain `zhihui` / `zhihui-lead`
VACANT_SHARE = 0.01
HISTORY_SHARE = 0.05
LIVE_DAYS = 760  # the platform went live about two years ago: the county is in its third year of use
LATER_SHARE = 0.15  # people who took up their post after that
BATCH = 2000
END_REASONS = ("工作调动", "个人辞职", "考核不称职解聘", "退休")


@dataclass
class Post:
    """A person and the assignments they hold or held (area node, role, start, end, end reason)."""

    user: User
    assignments: list[tuple[Node, str, date, date | None, str]] = field(default_factory=list)


@dataclass
class People:
    posts: list[Post]
    admin: User
    vacant: list[Node]
    with_history: list[Node]


def _user(rng, used_phones, username, password, *, name=None, **extra) -> User:
    is_male = rng.random() < 0.6
    return User(
        username=username,
        password=password,
        full_name=name or names.full_name(rng, is_male),
        phone=names.mobile(rng, used_phones),
        **extra,
    )


def plan_people(county: Node, rng: random.Random, today: date) -> People:
    password = make_password(PASSWORD)  # hashed once, shared by every demo login
    phones: set[str] = set()

    def in_post_since() -> date:
        """Most people have been in post since the platform went live, two years and more ago
        (the demo's cases reach back that far); the others took over later."""
        if rng.random() < LATER_SHARE:
            return today - timedelta(days=rng.randrange(LIVE_DAYS))
        return today - timedelta(days=LIVE_DAYS + rng.randrange(60))

    admin = _user(rng, phones, "admin", password, name="系统管理员", is_superuser=True, is_staff=True)
    posts = [Post(admin, [(county, Role.ADMIN, in_post_since(), None, "")])]
    if county.level == AreaLevel.CITY:  # a prefecture: the city's command centre, then each county's
        for username, role in (("city-zhihui", Role.COMMAND_OPERATOR), ("city-lead", Role.COMMAND_LEADER)):
            posts.append(Post(_user(rng, phones, username, password), [(county, role, in_post_since(), None, "")]))
    for each in county.of_level(AreaLevel.COUNTY):
        suffix = "" if each.code == HOME_COUNTY or county.level == AreaLevel.COUNTY else f"-{each.code}"
        for username, role in (("zhihui", Role.COMMAND_OPERATOR), ("zhihui-lead", Role.COMMAND_LEADER)):
            posts.append(
                Post(_user(rng, phones, username + suffix, password), [(each, role, in_post_since(), None, "")])
            )
    for town in county.of_level(AreaLevel.TOWNSHIP):
        posts.append(
            Post(
                _user(rng, phones, f"town-{town.code}", password),
                [(town, Role.TOWNSHIP_OFFICER, in_post_since(), None, "")],
            )
        )
    for village in county.of_level(AreaLevel.VILLAGE):
        for prefix, role in (("vh", Role.VILLAGE_HEAD), ("gl", Role.GRID_LEADER), ("police", Role.GRID_POLICE)):
            user = _user(rng, phones, f"{prefix}-{village.code}", password)
            posts.append(Post(user, [(village, role, in_post_since(), None, "")]))

    grids = county.of_level(AreaLevel.GRID)
    vacant = set(rng.sample(grids, _share(len(grids), VACANT_SHARE)))
    staffed = [g for g in grids if g not in vacant]
    with_history = set(rng.sample(staffed, _share(len(staffed), HISTORY_SHARE)))
    for grid in grids:
        if grid in vacant:
            continue
        start = in_post_since()
        if grid in with_history:
            # The predecessor left the day the current worker started; the account is closed.
            former = _user(rng, phones, f"gw-{grid.code}-prev", password, is_active=False)
            began = start - timedelta(days=rng.randint(180, 1500))
            posts.append(Post(former, [(grid, Role.GRID_WORKER, began, start, rng.choice(END_REASONS))]))
        posts.append(Post(_user(rng, phones, f"gw-{grid.code}", password), [(grid, Role.GRID_WORKER, start, None, "")]))
    vacant_in_order = [g for g in grids if g in vacant]
    return People(posts, admin, vacant_in_order, [g for g in grids if g in with_history])


def _share(n: int, share: float) -> int:
    """round(n × share), but at least one when there is more than one to choose from."""
    return min(n, max(1 if n > 1 else 0, round(n * share)))


def create_people(people: People) -> None:
    """Insert users, assignments, role groups and area grants in bulk."""
    User.objects.bulk_create([p.user for p in people.posts], batch_size=BATCH)
    admin = people.admin
    assignments = []
    for post in people.posts:
        for node, role, start, end, reason in post.assignments:
            assignments.append(
                Assignment(
                    user=post.user,
                    area=node.area,
                    role=role,
                    start_date=start,
                    end_date=end,
                    assigned_by=admin,
                    ended_by=admin if end else None,
                    end_reason=reason,
                )
            )
    Assignment.objects.bulk_create(assignments, batch_size=BATCH)
    _grant(people.posts)


def _grant(posts: list[Post]) -> None:
    """What `sync_grants` gives each user: the group of every role they hold now and the
    role's area permissions (`ROLE_AREA_PERMISSIONS`) on the area they hold it on."""
    group_ids = dict(Group.objects.filter(name__in=Role.values).values_list("name", "id"))
    codenames = {c for perms in ROLE_AREA_PERMISSIONS.values() for c in perms}
    perm_ids = dict(
        Permission.objects.filter(content_type__app_label="grids", codename__in=codenames).values_list("codename", "id")
    )
    memberships, grants = set(), set()
    for post in posts:
        for node, role, _start, end, _reason in post.assignments:
            if end is not None:
                continue
            if role in group_ids:
                memberships.add((post.user.pk, group_ids[role]))
            for codename in ROLE_AREA_PERMISSIONS.get(role, ()):
                grants.add((post.user.pk, node.area.pk, perm_ids[codename]))
    through = User.groups.through
    through.objects.bulk_create([through(user_id=u, group_id=g) for u, g in sorted(memberships)], batch_size=BATCH)
    AreaUserPermission.objects.bulk_create(
        [AreaUserPermission(user_id=u, content_object_id=a, permission_id=p) for u, a, p in sorted(grants)],
        batch_size=BATCH,
    )
