"""Sections other apps add to incidents' pages: the case page (a dispute's mediations, a
petition …) and the weekly evaluation (周评: their figures of the week).

settings.CASE_PAGE_SECTIONS names callables `(request, case)`, settings.WEEKLY_REVIEW_SECTIONS
callables `(request, evaluation)`; each returns a list of `Section` (empty: nothing to show here
or for this user). incidents renders them and knows nothing of the apps behind them
(governance.registry: dependencies point down).
"""

from dataclasses import dataclass, field

from governance.registry import gather


@dataclass(frozen=True)
class Section:
    template: str
    context: dict = field(default_factory=dict)


def sections_for(request, case) -> list[Section]:
    return gather("CASE_PAGE_SECTIONS", request, case)


def weekly_sections(request, evaluation) -> list[Section]:
    return gather("WEEKLY_REVIEW_SECTIONS", request, evaluation)
