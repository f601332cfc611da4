"""Settings registries: how an app feeds an app below it without being imported by it.

A registry is a setting listing dotted paths (`NAV_ITEMS`, `APPROVAL_SOURCES`, `AREA_LINKS`,
`CONSOLE_SECTIONS`, `ROLE_SETS`, `SAFE_VILLAGE_SINKS`, …; docs/architecture.md lists them). The
lower app reads the setting; the upper app, which may import the lower one, names its own
functions or values there. A path that does not import is an error at once, never a silent gap.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


def entries(setting: str) -> list:
    """The objects the registry `setting` names, in its order (an absent setting is empty)."""
    return [import_string(path) for path in getattr(settings, setting, ())]


def gather(setting: str, *args, **kwargs) -> list:
    """Call every function the registry `setting` names with the arguments; their lists joined."""
    found = []
    for function in entries(setting):
        found.extend(function(*args, **kwargs))
    return found


@dataclass(frozen=True)
class Link:
    """A link an upper app adds to a lower app's page (e.g. `AREA_LINKS`: an area's 态势)."""

    label: str
    url: str
