"""Links from a figure to the list behind it: the command desk (incidents:desk) with the filters
of incidents/api/filters.py CaseFilter in the query string."""

from functools import lru_cache
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from governance.registry import Link
from grids.levels import AreaLevel
from incidents.constants import OPEN_STATES

# The desk's filter (incidents/api/filters.py CaseFilter) for one area of each level.
DESK_PARAMETER = {
    AreaLevel.CITY: "under",
    AreaLevel.COUNTY: "under",
    AreaLevel.TOWNSHIP: "township",
    AreaLevel.VILLAGE: "village",
    AreaLevel.GRID: "grid",
}


OPEN = {"status": [str(s) for s in OPEN_STATES]}


@lru_cache(maxsize=1)
def _desk() -> str:
    return reverse("incidents:desk")  # resolving costs ≈ 0.3 ms: once, not once per link


def cases_url_template(level: str, **filters) -> str:
    """The desk filtered to an area of `level` whose id is left as `{id}`, and to `filters` (a list
    value repeats the parameter, as `status` does)."""
    rest = urlencode({k: v for k, v in filters.items() if v is not None}, doseq=True)
    return f"{_desk()}?{DESK_PARAMETER[level]}={{id}}" + (f"&{rest}" if rest else "")


def cases_url(level: str, area_id: int, **filters) -> str:
    """The desk filtered to the area (`level`, `area_id`: any level, by its own column) and `filters`."""
    return cases_url_template(level, **filters).replace("{id}", str(area_id))


@lru_cache(maxsize=1)
def case_url_template() -> str:
    """The case page's URL with `{id}` to fill in."""
    return reverse("incidents:case", args=[999999999]).replace("999999999", "{id}")


def area_links(area) -> list[Link]:
    """settings.AREA_LINKS: the dashboard of an area above the base grids, from its console page."""
    if area.level == AreaLevel.GRID:
        return []
    return [Link(_("态势"), f"{reverse('oversight:dashboard')}?area={area.id}")]
