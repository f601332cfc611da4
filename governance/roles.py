"""The platform's roles. Each role is a Django group of the same name; what a role may do
inside an area is granted per area node by the `grids` app, never model-wide.

The kernel declares only its own roles (the command centre and the platform admin). Every app
that brings roles lists them in its `roles.py` as (member name, value, label) and names that list
in settings.ROLE_SETS; `Role` is the enum of all of them, built once when this module loads, so
`Role.GRID_WORKER` reads as before while the kernel names no domain role.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .registry import entries

ROLES = [
    ("COMMAND_OPERATOR", "command_operator", _("指挥中心值班员")),
    ("COMMAND_LEADER", "command_leader", _("指挥中心领导")),
    ("ADMIN", "admin", _("系统管理员")),
]


def _declared() -> list[tuple[str, tuple[str, str]]]:
    members: dict[str, tuple[str, str]] = {}
    for declared in entries("ROLE_SETS"):
        for name, value, label in declared:
            if name in members or value in {v for v, _label in members.values()}:
                raise ValueError(f"role {name} ({value}) is declared twice in settings.ROLE_SETS")
            members[name] = (value, label)
    return list(members.items())


Role = models.TextChoices("Role", _declared())
Role.__doc__ = "Every role of the installed apps (settings.ROLE_SETS)."


def role_choices() -> list[tuple[str, str]]:
    """The roles as model/form choices (a callable, so a new app's roles need no migration)."""
    return Role.choices
