"""马上办 at night: the command centre's operator keeps quiet hours (22:00–07:00, skip), yet
the urgent notice reaches their phone by SMS at once (the quiet hours themselves:
tests/governance/test_notification_channels.py)."""

import datetime as dt
import zoneinfo

import time_machine

from governance.models import Delivery, NotificationPreference
from tests.governance.receiver import Receiver

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_an_urgent_report_at_night_passes_the_operators_quiet_hours(
    loop, report, settings, django_capture_on_commit_callbacks
):
    loop.operator.phone = "13800001111"
    loop.operator.save(update_fields=["phone"])
    NotificationPreference.objects.create(
        user=loop.operator, channels=["sms"], quiet_from=dt.time(22), quiet_until=dt.time(7), quiet_mode="skip"
    )
    with Receiver() as gateway, time_machine.travel(dt.datetime(2026, 12, 4, 23, 30, tzinfo=TZ), tick=False):
        settings.SMS_GATEWAY_URL = gateway.url + "/sms"
        with django_capture_on_commit_callbacks(execute=True):
            urgent = report("YJ01", description="河堤管涌")  # 马上办: dispatched by the task, centre told
        (request,) = gateway.requests
        assert request["json"]["mobile"] == "13800001111" and urgent.number in request["json"]["content"]

    sent = Delivery.objects.get(notification__recipient=loop.operator, notification__kind="urgent")
    assert (sent.status, sent.urgent, sent.log.get().ok) == ("sent", True, True)
