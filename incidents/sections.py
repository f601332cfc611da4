"""Sections other apps add to the case page (a mediation panel, a petition panel …).

Each entry of settings.CASE_PAGE_SECTIONS is the dotted path of a callable `(request, case)`
returning a `Section` or None (nothing to show for this case or this user). incidents renders
them below the case's facts and knows nothing of the apps behind them (dependencies point down).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Section:
    template: str
    context: dict = field(default_factory=dict)


def sections_for(request, case) -> list[Section]:
    found = []
    for path in settings.CASE_PAGE_SECTIONS:
        section = import_string(path)(request, case)
        if section is not None:
            found.append(section)
    return found
