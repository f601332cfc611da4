"""The closed loop in real Chromium: a grid worker reports from a phone over a flaky network,
the centre registers and dispatches from its desk, the township signs for and disposes, the
centre verifies and closes — and the desk sounds the alarm for an urgent case."""

import pytest

from incidents.constants import CaseStatus
from incidents.models import Case
from tests.browser.conftest import PHONE, sign_in
from tests.incidents.conftest import photo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def act(page, action, shot=None, **fields):
    """Open an action's form on the case page, fill it and submit; wait for the reload (and save a
    screenshot of the result when `shot` is given)."""
    page.wait_for_load_state("networkidle")
    if not page.locator(f"#form-{action}").is_visible():  # a form that failed stays open
        page.click(f"button[aria-controls='form-{action}']")
    page.wait_for_selector(f"#form-{action}.collapse.show")  # opened, and its animation finished
    form = page.locator(f"#form-{action}")
    for name, value in fields.items():
        if name == "photos":
            form.locator("input[name=photos]").set_input_files(value)
        else:
            form.locator(f"[name={name}]").fill(value)
    with page.expect_navigation(timeout=120_000):
        form.locator("button[type=submit]").click()
    if shot:
        shot(page, f"step-{action}")


def photo_file(tmp_path):
    path = tmp_path / "scene.jpg"
    path.write_bytes(photo().read())
    return str(path)


def test_report_to_closure_in_the_browser(loop, contexts, screenshot, tmp_path):
    phone = contexts(
        viewport=PHONE, geolocation={"latitude": 34.405, "longitude": 115.905}, permissions=["geolocation"]
    )
    sign_in(phone, "gw")
    assert phone.url.endswith("/care/today/")  # the grid worker lands on 今日走访; reporting is one tap
    phone.click("main a.btn:has-text(\"上报事件\")")
    phone.wait_for_load_state("networkidle")
    assert phone.url.endswith("/report/")
    phone.wait_for_function("() => document.getElementById('r-location').textContent.includes('已定位')")
    phone.select_option("#r-category", label="道路堆物占道")
    phone.set_input_files("#r-photos", photo_file(tmp_path))
    phone.fill("#r-description", "路口堆放砖块，影响通行")
    screenshot(phone, "phone-report")

    # The first send never gets through; the form keeps everything and the resend carries the
    # same Idempotency-Key (the API tests show a repeated key returns the first case).
    keys = []

    def drop(route):
        keys.append(route.request.headers["idempotency-key"])
        route.abort()

    phone.route("**/api/v1/cases/", drop)
    phone.click("#r-submit")
    phone.wait_for_selector("#report-result.alert-warning")
    assert phone.input_value("#r-description") == "路口堆放砖块，影响通行" and Case.objects.count() == 0
    assert phone.watch.console_errors == ["Failed to load resource: net::ERR_FAILED"]  # the dropped send
    phone.watch.console_errors.clear()
    phone.unroute("**/api/v1/cases/")
    with phone.expect_request("**/api/v1/cases/") as sent:
        phone.click("#r-submit")
    assert sent.value.headers["idempotency-key"] == keys[0]
    phone.wait_for_selector("#report-result.alert-success")
    case = Case.objects.get()  # one case, not two
    assert case.number in phone.inner_text("#report-result") and case.grid.code == "411425200201001"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling

    desk = contexts()
    sign_in(desk, "zhihui")
    desk.click("a[data-queue=new]")
    desk.click(f"text={case.number}")
    screenshot(desk, "case-page")
    act(desk, "register", note="情况属实", shot=screenshot)
    suggested = desk.locator(f"#unit-dispatch option[value='{case.suggested_unit_id}']")
    assert suggested.get_attribute("selected") is not None
    act(desk, "dispatch", shot=screenshot)
    assert "已派遣" in desk.inner_text("[data-status]")

    town = contexts()
    sign_in(town, loop.world.officers["411425200"].username)
    town.click(f"text={case.number}")
    act(town, "accept", shot=screenshot)
    act(town, "start", shot=screenshot)
    act(town, "dispose", shot=screenshot, result="已清理砖块，道路畅通", photos=photo_file(tmp_path))
    assert "已处置" in town.inner_text("[data-status]")

    desk.reload()
    act(desk, "verify", shot=screenshot)
    act(desk, "close", shot=screenshot)
    assert "已结案" in desk.inner_text("[data-status]")
    screenshot(desk, "case-closed")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.events.count() == 8

    for page in (phone, desk, town):
        assert page.watch.console_errors == [] and page.watch.external_requests == []


def test_desk_alerts_on_a_new_urgent_case(loop, report, contexts):
    desk = contexts()
    sign_in(desk, "zhihui")
    assert desk.locator("#urgent-alert").is_hidden()
    urgent = report("YJ01", description="河堤渗水")
    desk.evaluate("htmx.trigger('#queue-counts', 'refresh')")  # what the 30-second poll does
    desk.wait_for_selector("#urgent-alert:not(.d-none)")
    assert desk.get_attribute("#urgent-alert a", "href") == f"/cases/{urgent.pk}/"
    assert desk.evaluate("document.body.classList.contains('urgent-flash')")
    assert desk.watch.console_errors == [] and desk.watch.external_requests == []


def test_patrol_check_in_and_household_visit_from_the_phone(loop, contexts):
    from grids.models import Household, HouseholdVisit, PatrolCheckIn

    grid = loop.world.grids["411425200"][0]
    home = Household.objects.create(
        number="H-B-9", head_name="赵大", address="肖旗乡1村9号", county=loop.world.county, township=loop.world.b,
        village=loop.world.villages["411425200"][0], grid=grid,
    )
    phone = contexts(
        viewport=PHONE, geolocation={"latitude": 34.405, "longitude": 115.905}, permissions=["geolocation"]
    )
    sign_in(phone, "gw")
    phone.goto(phone.base + "/fieldwork/")
    phone.wait_for_selector("#checkin-submit:not([disabled])")
    phone.click("#checkin-submit")
    phone.wait_for_selector("#field-result.alert-success")
    phone.fill(f"#visit-note-{home.pk}", "家中安好")
    phone.click(f"form.visit-form:has(#visit-note-{home.pk}) button[type=submit]")
    phone.wait_for_function("() => document.getElementById('visits-today').textContent.includes('今日 1 / 10 户')")
    check_in = PatrolCheckIn.objects.get()
    assert check_in.in_own_grid and check_in.grid == grid
    assert HouseholdVisit.objects.get().household == home
    assert phone.watch.console_errors == [] and phone.watch.external_requests == []


def test_return_with_reason_stale_page_and_another_township(loop, report, contexts, screenshot):
    from incidents import services

    case = report()
    services.register(case_id=case.pk, actor=loop.operator)
    services.dispatch(case_id=case.pk, actor=loop.operator, unit=case.suggested_unit)
    town = contexts()
    sign_in(town, loop.world.officers["411425200"].username)
    town.goto(f"{town.base}/cases/{case.pk}/")

    # A return needs its reason: the browser keeps the form open with the message.
    town.click("button[aria-controls='form-return']")
    town.wait_for_selector("#form-return.collapse.show")
    town.evaluate("document.getElementById('note-return').removeAttribute('required')")
    with town.expect_navigation():
        town.click("#form-return button[type=submit]")
    assert "请填写" in town.inner_text("#form-return") and town.locator("#form-return").is_visible()
    screenshot(town, "step-return-needs-reason")
    assert town.watch.console_errors == ["Failed to load resource: the server responded with a status of 400 (Bad Request)"]  # noqa: E501
    town.watch.console_errors.clear()  # the form's answer was the expected 400
    act(town, "return", shot=screenshot, note="不属于本乡镇职责，应由县交通局处理")
    assert "已退回" in town.inner_text("[data-status]")

    # Two desks open the same case; the second one's action comes too late.
    first, second = contexts(), contexts()
    for desk in (first, second):
        sign_in(desk, "zhihui")
        desk.goto(f"{desk.base}/cases/{case.pk}/")
    act(first, "dispatch")
    act(second, "dispatch")
    assert "已为您重新载入" in second.inner_text(".alert-warning")
    screenshot(second, "step-stale-reloaded")
    assert case.events.filter(action="dispatch").count() == 2  # the first dispatch and the re-dispatch, no third

    # An officer of another township cannot open it.
    other = contexts()
    sign_in(other, loop.world.officers["411425100"].username)
    response = other.goto(f"{other.base}/cases/{case.pk}/")
    assert response.status == 404 and "没有找到" in other.inner_text("h1")
    for page in (town, first, second):
        assert page.watch.console_errors == [] and page.watch.external_requests == []
