"""Sections other apps add to incidents' pages: the case page (a dispute's mediations, a
petition …) and the weekly evaluation (周评: their figures of the week).

Each entry of settings.CASE_PAGE_SECTIONS is the dotted path of a callable `(request, case)`,
each of settings.WEEKLY_REVIEW_SECTIONS of one `(request, evaluation)`; it returns a `Section`
or None (nothing to show here or for this user). incidents renders them and knows nothing of
the apps behind them (dependencies point down).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Section:
    template: str
    context: dict = field(default_factory=dict)


def collect(setting: str, *args) -> list[Section]:
    """The sections the callables named in `settings.<setting>` return for `args`."""
    found = []
    for path in getattr(settings, setting):
        section = import_string(path)(*args)
        if section is not None:
            found.append(section)
    return found


def sections_for(request, case) -> list[Section]:
    return collect("CASE_PAGE_SECTIONS", request, case)
