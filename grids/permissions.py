"""What each role may do inside the area it is assigned to (granted on that node's subtree)."""

from governance.roles import Role

from .scoping import CHANGE, MANAGE_ASSIGNMENTS, VIEW, VIEW_IDENTITY

ROLE_AREA_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.COMMAND_OPERATOR: (VIEW,),
    Role.COMMAND_LEADER: (VIEW, VIEW_IDENTITY),
    Role.TOWNSHIP_OFFICER: (VIEW, CHANGE),
    Role.DEPARTMENT_OFFICER: (VIEW,),
    Role.VILLAGE_HEAD: (VIEW, CHANGE, VIEW_IDENTITY),
    Role.GRID_LEADER: (VIEW, VIEW_IDENTITY),
    Role.GRID_POLICE: (VIEW, VIEW_IDENTITY),
    Role.GRID_WORKER: (VIEW, CHANGE, VIEW_IDENTITY),
    Role.ADMIN: (VIEW, CHANGE, MANAGE_ASSIGNMENTS, VIEW_IDENTITY),
    Role.INSURER: (),
    Role.CREDIT_COOPERATIVE: (),
    Role.CREDIT_COMMITTEE: (VIEW,),
}
