"""通知设置 on a phone in real Chromium: choose SMS, set quiet hours, save; nothing overflows."""

import pytest

from governance.models import NotificationPreference
from tests.factories import UserFactory

from .conftest import PHONE, SCREENSHOTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_grid_worker_sets_sms_and_quiet_hours_on_a_phone(contexts, settings):
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/sms"  # configured; nothing is sent here
    user = UserFactory(username="gw-notice", full_name="网格员通", phone="13800001111")
    page = sign_in(contexts(viewport=PHONE), "gw-notice")

    page.goto(page.base + "/notifications/settings/")
    page.check("input[name=channels][value=sms]")
    page.fill("#id_quiet_from", "22:00")
    page.fill("#id_quiet_until", "07:00")
    page.check("input[name=quiet_mode][value=skip]")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")

    assert "通知设置已保存" in page.inner_text(".alert-success")
    assert page.is_checked("input[name=channels][value=sms]")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "notification-settings-phone.png"), full_page=True)
    pref = NotificationPreference.objects.get(user=user)
    assert (pref.channels, str(pref.quiet_from), pref.quiet_mode) == (["sms"], "22:00:00", "skip")
    assert page.watch.console_errors == [] and page.watch.external_requests == []
