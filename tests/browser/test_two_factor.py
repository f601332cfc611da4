"""Issue 18 (1): a command-centre leader turns the second factor on from the console in Chromium
(the QR code drawn under the Content-Security-Policy) and signs in with password and code."""

import datetime as dt

import pytest

from governance.roles import Role
from grids import services as grid_services
from tests.factories import UserFactory
from tests.governance.test_two_factor import totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_enrol_from_the_console_then_sign_in_with_the_code(world, contexts, login, page):
    leader = UserFactory(username="lingdao")
    grid_services.assign(user=leader, area=world.county, role=Role.COMMAND_LEADER)
    login("lingdao")
    page.goto(page.base + "/console/")
    page.click("text=两步验证")
    page.wait_for_load_state("networkidle")
    assert page.eval_on_selector("#two-factor-qr", "img => img.complete && img.naturalWidth > 0")
    secret = page.inner_text("#two-factor-secret")
    page.fill("#id_code", totp(secret, dt.datetime.now(dt.UTC)))
    page.click("main button[type=submit]")  # not the navbar's sign-out
    page.wait_for_load_state("networkidle")
    assert "已启用" in page.inner_text("main")

    other = contexts()
    other.goto(other.base + "/accounts/login/?next=/console/")
    other.fill("#id_username", "lingdao")
    other.fill("#id_password", "correct-horse-battery")
    other.click("button[type=submit]")
    other.wait_for_url("**/accounts/login/code/")
    # the next 30-second step: the current one may be the code just used, which counts once
    other.fill("#id_code", totp(secret, dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)))
    other.click("button[type=submit]")
    other.wait_for_url("**/console/")
    assert "管理控制台" in other.inner_text("h1")
    for watched in (page, other):
        assert watched.watch.console_errors == [] and watched.watch.external_requests == []
