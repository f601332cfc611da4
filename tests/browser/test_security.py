"""Issue 23 in real Chromium: an area name with markup stays text on the map (5), and the pages and
the API documentation work under the strict Content-Security-Policy (7)."""

import pytest

from grids.models import Area
from oversight.scope import forget_cached_figures
from tests.oversight.conftest import build_known_cases

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOSTILE = '<img src="x" onerror="window.__xss=1">城关<script>window.__xss=2</script>'


def test_an_area_name_with_script_is_shown_as_text_on_the_map(page, login):
    forget_cached_figures()
    county = build_known_cases()
    grid = county.world.grids["411425100"][0]
    Area.objects.filter(pk=grid.pk).update(name=HOSTILE)  # as an import or an admin could set it
    login("zhihui")
    response = page.goto(page.base + "/oversight/map/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector("#grid-map[data-ready='1']")
    page.select_option("#map-level", "grid")
    page.wait_for_function("() => document.getElementById('map-status').textContent.includes('基础网格')")
    x, y = page.evaluate(
        """([lat, lng]) => {
            const p = window.gridMap.latLngToContainerPoint([lat, lng]);
            const r = document.getElementById('grid-map').getBoundingClientRect();
            return [p.x + r.left, p.y + r.top];
        }""",
        [grid.center_lat + 0.002, grid.center_lng - 0.004],
    )
    page.mouse.move(x, y)
    tooltip = page.wait_for_selector(".leaflet-tooltip")
    assert tooltip.text_content() == HOSTILE  # the markup is the text shown
    assert page.eval_on_selector(".leaflet-tooltip", "el => el.querySelectorAll('img, script').length") == 0
    page.mouse.click(x, y)
    popup = page.wait_for_selector(".leaflet-popup")
    assert HOSTILE in popup.text_content()
    assert page.evaluate("window.__xss") is None
    assert page.watch.console_errors == [] and page.watch.external_requests == []


def test_swagger_and_redoc_work_under_the_policy(page, login):
    from tests.factories import UserFactory

    UserFactory(username="reader")
    login("reader")
    response = page.goto(page.base + "/api/docs/")
    assert "style-src 'self';" in response.headers["content-security-policy"]
    page.wait_for_selector(".swagger-ui .info .title")
    assert "网格治理指挥平台 API" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector(".swagger-ui .opblock-tag")  # the operations were read from the schema
    assert page.watch.console_errors == [] and page.watch.external_requests == []
    failed = []
    page.on("requestfailed", lambda request: failed.append((request.url, request.failure)))
    response = page.goto(page.base + "/api/redoc/")
    assert "script-src 'self';" in response.headers["content-security-policy"]
    page.wait_for_selector("#redoc-container h1")
    assert "网格治理指挥平台 API" in page.inner_text("#redoc-container h1")
    # ReDoc's bundle always asks for its branding logo at cdn.redoc.ly: the policy refuses it
    # (before, the page reached the internet); that refusal is the only message.
    logo = "https://cdn.redoc.ly/redoc/logo-mini.svg"
    assert [e for e in page.watch.console_errors if logo not in e] == []
    assert set(page.watch.external_requests) <= {logo}
    assert failed == [(logo, "csp") for _request in page.watch.external_requests]  # refused, never fetched
