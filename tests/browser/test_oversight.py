"""The dashboard and the grid map in real Chromium: no console error, nothing loaded from off the
machine, a figure equal to the database's count, and a grid clicked through to its cases."""

import datetime as dt
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.utils import timezone

from incidents.constants import OPEN_STATES
from incidents.models import Case
from oversight.scope import forget_cached_figures
from tests.oversight.conftest import build_known_cases

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture
def county():
    forget_cached_figures()
    return build_known_cases()


def test_dashboard_figures_match_the_database(page, login, county):
    login("zhihui")
    page.goto(page.base + "/oversight/")
    page.wait_for_selector("#panel-trend [data-chart] canvas")
    midnight = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    new_today = Case.objects.filter(created_at__gte=midnight).count()
    shown = page.inner_text("[data-figure=new_today] .figure-value")
    assert shown.replace("件", "").strip() == str(new_today)
    open_now = Case.objects.filter(status__in=OPEN_STATES).count()
    assert page.inner_text("[data-figure=open] .figure-value").replace("件", "").strip() == str(open_now)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "dashboard-1366x768.png"))
    page.goto(page.base + "/oversight/?wall=1")
    page.wait_for_selector("#panel-by_area [data-chart] canvas")
    assert not page.is_visible(".app-navbar")  # the wall layout is the screen alone
    page.screenshot(path=str(SHOTS / "dashboard-wall.png"))
    assert page.watch.console_errors == [] and page.watch.external_requests == []


def test_a_grid_on_the_map_leads_to_its_cases(page, login, county):
    grid = county.world.grids["411425100"][0]
    login("zhihui")
    page.goto(page.base + "/oversight/map/")
    page.wait_for_selector("#grid-map[data-ready='1']")
    page.select_option("#map-level", "grid")
    page.wait_for_function("() => document.getElementById('map-status').textContent.includes('基础网格')")
    # a point inside the grid's square, away from the case markers at its centre
    x, y = page.evaluate(
        """([lat, lng]) => {
            const p = window.gridMap.latLngToContainerPoint([lat, lng]);
            const r = document.getElementById('grid-map').getBoundingClientRect();
            return [p.x + r.left, p.y + r.top];
        }""",
        [grid.center_lat + 0.002, grid.center_lng - 0.004],
    )
    page.mouse.click(x, y)
    link = page.wait_for_selector(".leaflet-popup a[data-cases-link=open]")
    assert grid.name in page.inner_text(".leaflet-popup")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "map-grid-popup.png"))
    assert page.watch.console_errors == [] and page.watch.external_requests == []
    link.click()
    page.wait_for_url("**/desk/**")
    assert parse_qs(urlparse(page.url).query)["grid"] == [str(grid.id)]
    listed = page.inner_text("table.table-cases")
    wanted = [c.number for c in county.made if c.grid_id == grid.id and c.status in OPEN_STATES]
    assert wanted and all(number in listed for number in wanted)
