"""What each role may do inside the area it is assigned to (granted on that node's subtree), and
on which levels it may be held.

`view_key_persons` (residents' key-person tags: 社区矫正对象, 严重精神障碍患者 …) is held only by the
roles that manage those people; department officers and the roles of the apps above (insurer,
credit cooperative, credit group) see households without the tags. Every role that may change
records holds it, so no one rewrites a resident list whose tags they cannot see.

The kernel's and this app's roles are set here; an app above that brings its own roles names a
dict role → (levels, permissions) in settings.AREA_ROLES (e.g. `insurance.roles.AREA_ROLES`).

A city command centre's operators and leaders (and a city's admin) are the same roles held on
the city node: their grant covers every county of the city (grids.scoping, `Grant.counties`).
"""

from governance.registry import entries
from governance.roles import Role

from .levels import AreaLevel
from .scoping import (
    CHANGE,
    MANAGE_ASSIGNMENTS,
    VIEW,
    VIEW_CREDIT,
    VIEW_IDENTITY,
    VIEW_INSURANCE,
    VIEW_KEY_PERSONS,
)

_OWN: dict[str, tuple[set[str], tuple[str, ...]]] = {
    Role.COMMAND_OPERATOR: (
        {AreaLevel.CITY, AreaLevel.COUNTY, AreaLevel.TOWNSHIP},
        (VIEW, VIEW_KEY_PERSONS, VIEW_INSURANCE, VIEW_CREDIT),
    ),
    Role.COMMAND_LEADER: (
        {AreaLevel.CITY, AreaLevel.COUNTY, AreaLevel.TOWNSHIP},
        (VIEW, VIEW_IDENTITY, VIEW_KEY_PERSONS, VIEW_INSURANCE, VIEW_CREDIT),
    ),
    Role.TOWNSHIP_OFFICER: ({AreaLevel.TOWNSHIP}, (VIEW, CHANGE, VIEW_KEY_PERSONS, VIEW_INSURANCE, VIEW_CREDIT)),
    Role.DEPARTMENT_OFFICER: ({AreaLevel.COUNTY, AreaLevel.TOWNSHIP}, (VIEW,)),
    Role.VILLAGE_HEAD: (
        {AreaLevel.VILLAGE},
        (VIEW, CHANGE, VIEW_IDENTITY, VIEW_KEY_PERSONS, VIEW_INSURANCE, VIEW_CREDIT),
    ),
    Role.GRID_LEADER: ({AreaLevel.VILLAGE, AreaLevel.GRID}, (VIEW, VIEW_IDENTITY, VIEW_KEY_PERSONS)),
    Role.GRID_POLICE: ({AreaLevel.VILLAGE, AreaLevel.GRID}, (VIEW, VIEW_IDENTITY, VIEW_KEY_PERSONS)),
    Role.GRID_WORKER: (
        {AreaLevel.GRID, AreaLevel.MICRO_GRID},
        (VIEW, CHANGE, VIEW_IDENTITY, VIEW_KEY_PERSONS, VIEW_INSURANCE),
    ),
    Role.ADMIN: (
        {AreaLevel.CITY, AreaLevel.COUNTY},
        (VIEW, CHANGE, MANAGE_ASSIGNMENTS, VIEW_IDENTITY, VIEW_KEY_PERSONS, VIEW_INSURANCE, VIEW_CREDIT),
    ),
}
_ALL = {**_OWN, **{role: rule for declared in entries("AREA_ROLES") for role, rule in declared.items()}}

# The roles a level can hold: a grid worker sits on a base grid (or micro-grid), a village
# head / grid leader / grid police officer on a village, officers on a township or the county.
ROLE_LEVELS: dict[str, set[str]] = {role: levels for role, (levels, _perms) in _ALL.items()}
ROLE_AREA_PERMISSIONS: dict[str, tuple[str, ...]] = {role: perms for role, (_levels, perms) in _ALL.items()}
