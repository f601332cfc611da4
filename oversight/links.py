"""Links from a figure to the list behind it: the command desk (incidents:desk) with the filters
of incidents/api/filters.py CaseFilter in the query string."""

from urllib.parse import urlencode

from django.urls import reverse

from grids.levels import AreaLevel
from incidents.constants import OPEN_STATES

# The desk's filter (incidents/api/filters.py CaseFilter) for one area of each level.
DESK_PARAMETER = {
    AreaLevel.COUNTY: "under",
    AreaLevel.TOWNSHIP: "township",
    AreaLevel.VILLAGE: "village",
    AreaLevel.GRID: "grid",
}


OPEN = {"status": [str(s) for s in OPEN_STATES]}


def cases_url(level: str, area_id: int, **filters) -> str:
    """The desk filtered to the area (`level`, `area_id`: any level, by its own column) and
    `filters` (a list value repeats the parameter, as `status` does)."""
    params = {DESK_PARAMETER[level]: area_id}
    params.update({k: v for k, v in filters.items() if v is not None})
    return f"{reverse('incidents:desk')}?{urlencode(params, doseq=True)}"
