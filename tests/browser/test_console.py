"""The admin console in real Chromium: open the tree lazily, then transfer a grid worker."""

from pathlib import Path

import pytest
from django.conf import settings

from governance.roles import Role
from grids import services
from grids.models import Assignment
from tests.factories import UserFactory, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def test_transfer_a_grid_worker_in_the_console(page, login):
    world = build_world()
    worker = UserFactory(username="gw-move", full_name="网格员调")
    services.assign(user=worker, area=world.grids["411425100"][0], role=Role.GRID_WORKER)
    target = world.grids["411425200"][3]
    login("admin1")

    page.goto(page.base + "/console/areas/")
    page.click(f"[data-area='{world.county.id}'] > .tree-toggle")  # children load with HTMX
    page.click(f"[data-area='{world.b.id}'] > .tree-toggle")
    page.wait_for_selector(f"[data-area='{world.villages['411425200'][0].id}']")

    source = world.grids["411425100"][0]
    page.goto(page.base + f"/console/areas/{source.id}/")
    old = Assignment.objects.get(user=worker, end_date__isnull=True)
    page.click(f"[data-action='transfer-{old.id}']")
    page.fill(f"#to-area-{old.id}", target.code)
    page.fill(f"#treason-{old.id}", "工作调整")
    page.click(f"form[action$='/assignments/{old.id}/transfer/'] button[type=submit]")
    page.wait_for_url(f"**/console/areas/{source.id}/")  # back where the transfer started
    assert "已将 网格员调 调整到" in page.inner_text(".alert-success")
    assert "空缺" in page.inner_text("#active-assignments") and "工作调整" in page.inner_text("#assignment-history")
    page.goto(page.base + f"/console/areas/{target.id}/")
    assert "网格员调" in page.inner_text("#active-assignments")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "console-transfer.png"))

    assert Assignment.objects.get(user=worker, end_date__isnull=True).area_id == target.id
    old.refresh_from_db()
    assert old.end_date is not None and old.end_reason == "工作调整"
    assert page.watch.console_errors == [] and page.watch.external_requests == []
