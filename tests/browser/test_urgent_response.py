"""The "115" urgent response in real Chromium: the desk counts an urgent case's arrival timer
down second by second, turns it yellow within its alert seconds and red with 超时 once it lapses;
the police officer confirms arrival from the phone's case page and the browser's position goes
with it (docs/urgent.md)."""

import re

import pytest

from incidents import rapid
from incidents.models import ResponseLimit, UrgentResponse
from tests.browser.conftest import PHONE, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_desk_counts_down_and_the_team_confirms_arrival_from_the_phone(loop, report, contexts, screenshot):
    ResponseLimit.objects.create(
        category=loop.category("XA"), push_seconds=60, dispatch_seconds=60, arrive_seconds=14, alert_seconds=8
    )
    case = report("XA03", description="村民家中电动车被盗，嫌疑人刚离开")
    rapid.handle_urgent(case_id=case.pk)  # 马上办 (a no-op if the task already ran): pushed and dispatched
    assert UrgentResponse.objects.get(case=case).stage == "arrive"

    desk = contexts()
    sign_in(desk, "zhihui")
    desk.goto(desk.base + "/desk/")
    timer = f"#response-timers a[href='/cases/{case.pk}/']"
    clock = desk.locator(f"{timer} .countdown-clock")
    first = clock.text_content()
    assert re.fullmatch(r"00:(0\d|1[0-4])", first), first
    desk.wait_for_function(  # it ticks in the browser, no reload
        "([sel, first]) => document.querySelector(sel).textContent !== first", arg=[f"{timer} .countdown-clock", first]
    )
    desk.wait_for_selector(f"{timer}.text-bg-warning", timeout=20_000)  # within the 8 alert seconds
    desk.wait_for_function(
        "sel => document.querySelector(sel).textContent.startsWith('超时')", arg=f"{timer} .countdown-clock"
    )
    assert "text-bg-danger" in desk.get_attribute(timer, "class")
    screenshot(desk, "115-desk-countdown")

    phone = contexts(
        viewport=PHONE, geolocation={"latitude": 34.405, "longitude": 115.905}, permissions=["geolocation"]
    )
    sign_in(phone, "police")
    phone.goto(phone.base + f"/cases/{case.pk}/")
    assert phone.locator("#response-banner .countdown-clock").text_content().startswith("超时")
    phone.click("#response-banner [data-arrive-now]")  # the banner's button, at the top of the page
    phone.wait_for_selector("#form-arrive.collapse.show")
    with phone.expect_navigation():
        phone.click("#form-arrive button[type=submit]")
    screenshot(phone, "115-phone-arrived")
    done = UrgentResponse.objects.get(case=case)
    assert (done.stage, done.lapsed_stage, done.arrived_lat, done.arrived_lng) == ("done", "arrive", 34.405, 115.905)

    desk.reload()
    assert desk.locator(timer).count() == 0
    for page in (desk, phone):
        assert page.watch.console_errors == [] and page.watch.external_requests == []
