"""The wall screen (一屏观全域 ?wall=1) in real Chromium at the sizes command centres use —
1920×1080, 1600×900 and a 4K 3840×2160 wall — with a county of 25 townships: every panel filled
(no placeholder, each with its figures, chart or rows), nothing cut off (every panel inside the
viewport, no panel's content overflowing its card, no page scrolling), and on 4K the key figures
scaled up to be read from across the room. Screenshots in var/screenshots/wall-<size>.png."""

import datetime as dt

import pytest
from django.utils import timezone

from grids import services as grid_services
from grids.levels import AreaLevel
from incidents.reviews.models import WeeklyEvaluation, WeeklyScore
from oversight.constants import Colour
from oversight.models import StabilityIndex
from oversight.scope import forget_cached_figures
from tests.browser.conftest import SCREENSHOTS
from tests.oversight.conftest import build_known_cases

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = [(1920, 1080), (1600, 900), (3840, 2160)]
TOWNSHIPS = 25  # 虞城县's township grids (DOMAIN.md)


@pytest.fixture
def county():
    forget_cached_figures()
    known = build_known_cases()
    world = known.world
    towns = list(world.towns)
    for i in range(TOWNSHIPS - len(towns)):
        towns.append(
            grid_services.create_area(
                parent=world.county, level=AreaLevel.TOWNSHIP, code=f"411425{300 + i:03d}", name=f"测试{i + 1}镇"
            )
        )
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday() + 7)
    now = timezone.now()
    colours = [Colour.RED, Colour.ORANGE, Colour.YELLOW] + [Colour.GREEN] * TOWNSHIPS
    StabilityIndex.objects.bulk_create(
        StabilityIndex(
            county=world.county, township=town, week_start=monday, index=60 + i, colour=colours[i], computed_at=now
        )
        for i, town in enumerate(towns)
    )
    week = WeeklyEvaluation.objects.create(week_start=monday, computed_at=now, published_at=now)
    WeeklyScore.objects.bulk_create(
        WeeklyScore(
            evaluation=week,
            kind="township",
            subject=f"area:{town.pk}",
            name=town.name,
            county=world.county,
            township=town,
            score=99 - rank,
            rank=rank + 1,
        )
        for rank, town in enumerate(towns)
    )
    return known


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_wall_screen_fits_and_every_panel_is_filled(contexts, county, width, height):
    page = contexts(viewport={"width": width, "height": height})
    page.goto(page.base + "/accounts/login/")
    page.fill("#id_username", "zhihui")
    page.fill("#id_password", "correct-horse-battery")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(page.base + "/oversight/?wall=1")
    page.wait_for_selector("#panel-trend [data-chart] canvas")
    page.wait_for_load_state("networkidle")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"wall-{width}x{height}.png"))
    report = page.evaluate(
        """() => [...document.querySelectorAll('section.panel')].map(p => {
            const r = p.getBoundingClientRect(), body = p.querySelector('.card-body');
            return {key: p.id, top: r.top, bottom: r.bottom, left: r.left, right: r.right,
                    placeholder: p.classList.contains('panel-placeholder'),
                    filled: p.querySelectorAll('.figure, canvas, .panel-rows tr').length,
                    overflow: body.scrollHeight - body.clientHeight,
                    overflowX: body.scrollWidth - body.clientWidth};
        })"""
    )
    keys = {p["key"] for p in report}
    assert {"panel-today", "panel-insurance", "panel-credit", "panel-stability", "panel-care"} <= keys
    for p in report:
        assert not p["placeholder"] and p["filled"], p
        assert p["top"] >= 0 and p["bottom"] <= height and p["left"] >= 0 and p["right"] <= width, p
        assert p["overflow"] <= 1 and p["overflowX"] <= 1, p  # no content hidden or running past its card
    # the panels use the screen: 今日态势 spans it, the last row reaches near its bottom
    today = next(p for p in report if p["key"] == "panel-today")
    assert today["right"] - today["left"] >= 0.95 * width
    assert max(p["bottom"] for p in report) >= 0.9 * height
    scroll = page.evaluate("() => [document.documentElement.scrollHeight, document.documentElement.scrollWidth]")
    assert scroll[0] <= height and scroll[1] <= width
    if width >= 3840:  # a 4K wall: the key figures read from across the room
        size = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.figure-value')).fontSize)")
        assert size >= 56
    assert page.watch.console_errors == [] and page.watch.external_requests == []
