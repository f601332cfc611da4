"""Notification channels against a real HTTP receiver on the loopback (tests/governance/receiver.py):
SMS gateway, 企业微信 and 钉钉 group robots, e-mail; retries, the delivery log, quiet hours."""

import base64
import datetime as dt
import hashlib
import hmac
import time
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.db import DatabaseError, transaction

from governance.celery import app
from governance.models import Delivery, DeliveryAttempt, NotificationPreference
from governance.notifications import notify
from governance.tasks import send_due_deliveries
from tests.factories import UserFactory

from .receiver import Receiver

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
PHONE = "13800001111"


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture(autouse=True)
def eager_retries():
    """Eager tasks run their retries at once, as a worker would after the back-off, only when
    errors do not propagate out of the first run (the outcome is asserted on the rows)."""
    saved = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = saved


@pytest.fixture
def gateways(settings, receiver):
    settings.SMS_GATEWAY_URL = receiver.url + "/sms/send"
    settings.SMS_GATEWAY_USER, settings.SMS_GATEWAY_PASSWORD = "yucheng", "s3cret"
    settings.WECOM_ROBOT_URL = receiver.url + "/cgi-bin/webhook/send?key=k1"
    settings.DINGTALK_ROBOT_URL = receiver.url + "/robot/send?access_token=t1"
    settings.DINGTALK_ROBOT_SECRET = "SECabc"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://grid.example.cn"
    return receiver


@pytest.fixture
def officer(db):
    return UserFactory(phone=PHONE, email="wang@example.cn", full_name="王干部")


def choose(user, *channels, quiet=None, mode="defer"):
    NotificationPreference.objects.update_or_create(
        user=user,
        defaults={
            "channels": list(channels),
            "quiet_from": quiet and dt.time(*quiet[0]),
            "quiet_until": quiet and dt.time(*quiet[1]),
            "quiet_mode": mode,
        },
    )


def send(user, django_capture_on_commit_callbacks, kind="dispatched", title="事件 YC001 已派遣，请签收"):
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = notify([user], kind=kind, title=title, body="村民反映占道堆放", link="/cases/1/")
    return row


def test_sms_goes_to_the_gateway_and_the_answer_is_logged(gateways, officer, django_capture_on_commit_callbacks):
    choose(officer, "sms")
    row = send(officer, django_capture_on_commit_callbacks)
    (request,) = gateways.requests
    assert request["path"] == "/sms/send"
    assert request["json"] == {"mobile": PHONE, "content": "【网格治理】事件 YC001 已派遣，请签收"}
    assert request["headers"]["Authorization"] == "Basic " + base64.b64encode(b"yucheng:s3cret").decode()
    delivery = Delivery.objects.get(notification=row)
    assert (delivery.channel, delivery.address, delivery.status, delivery.attempts) == ("sms", PHONE, "sent", 1)
    (attempt,) = delivery.log.all()
    assert attempt.ok and attempt.status_code == 200 and '"errmsg": "ok"' in attempt.answer


def test_a_500_is_retried_and_both_tries_are_logged(gateways, officer, django_capture_on_commit_callbacks):
    choose(officer, "sms")
    gateways.replies = [(500, {"error": "gateway busy"})]
    row = send(officer, django_capture_on_commit_callbacks)
    assert len(gateways.requests) == 2
    delivery = Delivery.objects.get(notification=row)
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert [(a.ok, a.status_code) for a in delivery.log.all()] == [(False, 500), (True, 200)]
    assert "gateway busy" in delivery.log.first().answer


def test_a_gateway_down_for_good_fails_after_the_last_retry(gateways, officer, django_capture_on_commit_callbacks):
    choose(officer, "sms")
    gateways.replies = [(503, {"error": "down"})] * 10
    row = send(officer, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(notification=row)
    assert (delivery.status, delivery.attempts, len(gateways.requests)) == ("failed", 6, 6)
    assert delivery.reason == "多次重试仍失败"


def test_a_refusal_is_not_retried(gateways, officer, django_capture_on_commit_callbacks):
    choose(officer, "sms")
    gateways.replies = [(400, {"error": "bad mobile"})]
    row = send(officer, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(notification=row)
    assert (delivery.status, delivery.attempts, len(gateways.requests)) == ("failed", 1, 1)
    assert delivery.log.get().status_code == 400


def test_wecom_robot_mentions_the_phone_and_waits_out_its_rate_limit(
    gateways, officer, django_capture_on_commit_callbacks
):
    choose(officer, "wecom")
    gateways.replies = [(200, {"errcode": 45009, "errmsg": "api freq out of limit"})]
    row = send(officer, django_capture_on_commit_callbacks)
    first, second = gateways.requests
    assert first["path"] == "/cgi-bin/webhook/send" and first["query"] == {"key": "k1"}
    assert second["json"] == {
        "msgtype": "text",
        "text": {
            "content": "事件 YC001 已派遣，请签收\n村民反映占道堆放\nhttps://grid.example.cn/cases/1/",
            "mentioned_mobile_list": [PHONE],
        },
    }
    delivery = Delivery.objects.get(notification=row)
    assert (delivery.status, [a.ok for a in delivery.log.all()]) == ("sent", [False, True])


def test_dingtalk_robot_signs_and_an_errcode_is_a_failure(gateways, officer, django_capture_on_commit_callbacks):
    choose(officer, "dingtalk")
    gateways.replies = [(200, {"errcode": 310000, "errmsg": "keywords not in content"})]
    row = send(officer, django_capture_on_commit_callbacks)
    (request,) = gateways.requests
    query = request["query"]
    assert query["access_token"] == "t1"
    expected = hmac.new(b"SECabc", f"{query['timestamp']}\nSECabc".encode(), hashlib.sha256).digest()
    assert base64.b64decode(query["sign"]) == expected
    assert request["json"]["at"] == {"atMobiles": [PHONE], "isAtAll": False}
    assert request["json"]["text"]["content"].endswith(f"@{PHONE}")
    delivery = Delivery.objects.get(notification=row)
    assert (delivery.status, delivery.attempts) == ("failed", 1)  # a wrong keyword does not get better
    assert "310000" in delivery.log.get().answer


def test_email_goes_through_the_mail_backend(gateways, officer, django_capture_on_commit_callbacks):
    choose(officer, "email", "sms")
    row = send(officer, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert message.to == ["wang@example.cn"] and message.subject == "事件 YC001 已派遣，请签收"
    assert "https://grid.example.cn/cases/1/" in message.body
    assert sorted(Delivery.objects.filter(notification=row).values_list("channel", "status")) == [
        ("email", "sent"),
        ("sms", "sent"),
    ]


def test_quiet_hours_defer_until_they_end(gateways, officer, django_capture_on_commit_callbacks):
    choose(officer, "sms", quiet=((22, 0), (7, 0)))
    with time_machine.travel(dt.datetime(2026, 12, 4, 23, 30, tzinfo=TZ), tick=False):
        row = send(officer, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(notification=row)
    assert gateways.requests == [] and delivery.status == "pending"
    assert delivery.due_at == dt.datetime(2026, 12, 5, 7, 0, tzinfo=TZ) and delivery.reason == "安静时段，推迟发送"
    with time_machine.travel(dt.datetime(2026, 12, 5, 6, 59, tzinfo=TZ), tick=False):
        assert send_due_deliveries.delay().get() == 0
    with time_machine.travel(dt.datetime(2026, 12, 5, 7, 0, 30, tzinfo=TZ), tick=False):
        assert send_due_deliveries.delay().get() == 1
    assert len(gateways.requests) == 1
    assert Delivery.objects.get(pk=delivery.pk).status == "sent"


def test_quiet_hours_can_skip_instead(gateways, officer, django_capture_on_commit_callbacks):
    choose(officer, "sms", quiet=((12, 0), (14, 0)), mode="skip")
    with time_machine.travel(dt.datetime(2026, 12, 4, 13, 0, tzinfo=TZ), tick=False):
        row = send(officer, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(notification=row)
    assert (delivery.status, delivery.reason, gateways.requests) == ("skipped", "安静时段，未发送", [])
    assert row.read_at is None and row.pk  # the inbox row is there all the same


def test_an_urgent_notice_passes_quiet_hours(gateways, officer, django_capture_on_commit_callbacks):
    choose(officer, "sms", quiet=((22, 0), (7, 0)), mode="skip")
    with time_machine.travel(dt.datetime(2026, 12, 4, 23, 30, tzinfo=TZ), tick=False):
        row = send(officer, django_capture_on_commit_callbacks, kind="urgent", title="马上办：YC002 已派遣")
    delivery = Delivery.objects.get(notification=row)
    assert (delivery.status, delivery.urgent, len(gateways.requests)) == ("sent", True, 1)


def test_no_phone_no_sms_and_no_preference_no_delivery(gateways, db, django_capture_on_commit_callbacks):
    without_phone, quiet_one = UserFactory(), UserFactory(phone=PHONE)
    choose(without_phone, "sms")
    with django_capture_on_commit_callbacks(execute=True):
        rows = {r.recipient_id: r for r in notify([without_phone, quiet_one], kind="dispatched", title="t")}
    assert list(Delivery.objects.filter(notification=rows[without_phone.pk]).values_list("status", "reason")) == [
        ("skipped", "未登记手机号或邮箱")
    ]
    assert not Delivery.objects.filter(notification=rows[quiet_one.pk]).exists()
    assert gateways.requests == []


def test_an_unconfigured_channel_is_never_used(settings, officer, django_capture_on_commit_callbacks):
    settings.SMS_GATEWAY_URL = ""
    choose(officer, "sms")
    row = send(officer, django_capture_on_commit_callbacks)
    assert not Delivery.objects.filter(notification=row).exists()


def test_the_delivery_log_is_append_only(gateways, officer, django_capture_on_commit_callbacks):
    choose(officer, "sms")
    send(officer, django_capture_on_commit_callbacks)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        DeliveryAttempt.objects.update(ok=False)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        DeliveryAttempt.objects.all()._raw_delete(DeliveryAttempt.objects.db)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_retries_after_a_500_and_sends(real_worker, gateways):
    officer = UserFactory(phone=PHONE)
    choose(officer, "sms")
    gateways.replies = [(500, {"error": "gateway busy"})]
    (row,) = notify([officer], kind="dispatched", title="事件 YC003 已派遣")  # autocommit: queued at once
    delivery = Delivery.objects.get(notification=row)
    deadline = time.monotonic() + 30
    while Delivery.objects.get(pk=delivery.pk).status == "pending":
        assert time.monotonic() < deadline, "the worker did not deliver the notice"
        time.sleep(0.2)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(gateways.requests)) == ("sent", 2, 2)
    assert [(a.ok, a.status_code) for a in delivery.log.all()] == [(False, 500), (True, 200)]
