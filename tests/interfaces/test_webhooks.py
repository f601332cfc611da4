"""Issue 20, point 4: webhooks. Case events pushed to a real HTTP receiver on the loopback, signed
with the subscription's secret, retried and finally failed, only for the subscription's areas,
replayed by an admin; the request that changes the case never talks to the receiver."""

import json
import time

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from governance import outbox
from governance.celery import app
from incidents import services as case_services
from interfaces import services, webhooks
from interfaces.constants import WEBHOOK_MAX_ATTEMPTS, DeliveryStatus
from interfaces.models import Subscription, WebhookAttempt, WebhookDelivery
from tests.faults import free_port
from tests.incidents.conftest import loop, report  # noqa: F401 - the fixtures

from .receiver import receiving

CHENGGUAN = {"lat": 34.405, "lng": 115.805}  # township A's (城关镇) first grid
SECRET = "receiver-chosen-secret-0123456789"


@pytest.fixture
def eager_retries():
    """Tasks run eagerly (the test settings) with their retries: a task's `retry` runs it again at
    once instead of raising (Celery propagates eager exceptions in the test settings, Retry too)."""
    saved = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = saved


def subscribe(loop, url, area=None, kinds=("report", "register"), secret=SECRET, **extra):  # noqa: F811
    """A subscription for 肖旗乡 (township B) unless told otherwise."""
    subscription, raw = services.create_subscription(
        name="市平台", target_url=url, kinds=list(kinds), areas=[area or loop.world.b], actor=loop.world.admin,
        secret=secret, **extra,
    )
    return subscription, raw


def test_a_delivery_is_signed_with_the_subscriptions_secret(loop, report):  # noqa: F811
    with receiving() as receiver:
        subscription, secret = subscribe(loop, receiver.url)
        case = report()
        case_services.register(case_id=case.pk, actor=loop.operator, note="属实")
        outbox.drain()  # what the commit does: the send task (eager in tests)
    assert secret == SECRET
    assert [json.loads(r.body)["event"] for r in receiver.got] == ["case.report", "case.register"]
    for got in receiver.got:
        headers = got.headers
        assert headers["Content-Type"].startswith("application/json")
        assert headers["X-GG-Signature"].startswith("sha256=")
        # the receiver's check (docs/integration.md): HMAC-SHA256 over timestamp + "." + body
        assert webhooks.verify(SECRET, headers["X-GG-Timestamp"], got.body, headers["X-GG-Signature"])
        assert not webhooks.verify("another-secret-0123456789", headers["X-GG-Timestamp"], got.body,
                                   headers["X-GG-Signature"])
        assert not webhooks.verify(SECRET, headers["X-GG-Timestamp"], got.body + b" ", headers["X-GG-Signature"])
        # an old timestamp is refused even with its right signature (replay window: 5 minutes)
        assert not webhooks.verify(SECRET, headers["X-GG-Timestamp"], got.body, headers["X-GG-Signature"],
                                   now=int(headers["X-GG-Timestamp"]) + 301)
        body = json.loads(got.body)
        assert headers["X-GG-Delivery"] == body["delivery"] and headers["X-GG-Event"] == body["event"]
    registered = json.loads(receiver.got[1].body)
    assert registered["case"]["number"] == case.number and registered["case"]["status"] == "registered"
    assert registered["case"]["township"] == {"code": "411425200", "name": "肖旗乡"}
    assert registered["action"] == {"kind": "register", "label": "立案", "from_state": "reported",
                                    "to_state": "registered", "automatic": False}
    text = receiver.got[0].body.decode()
    assert loop.worker.full_name not in text and "村民建筑材料堆放占道" not in text  # no reporter, no description
    deliveries = WebhookDelivery.objects.filter(subscription=subscription)
    assert {d.status for d in deliveries} == {DeliveryStatus.DELIVERED}
    assert [(a.number, a.ok, a.status_code, a.answer) for a in WebhookAttempt.objects.filter(delivery__in=deliveries)
            ] == [(1, True, 200, '{"ok": true}')] * 2


def test_the_secret_is_generated_shown_once_and_stored_encrypted(loop):  # noqa: F811
    subscription, secret = subscribe(loop, "https://hooks.example.com/gg", secret="")
    assert len(secret) >= 40
    row = Subscription.objects.get(pk=subscription.pk)
    stored = json.dumps([getattr(row, f.attname) for f in Subscription._meta.concrete_fields], default=str)
    assert secret not in stored and webhooks.unseal(row.secret_encrypted) == secret


def test_a_receiver_that_answers_500_is_retried_and_finally_failed(loop, report, eager_retries):  # noqa: F811
    with receiving(status=500, answer=b"upstream exploded " * 100) as receiver:
        subscription, _ = subscribe(loop, receiver.url, kinds=["report"])
        report()
        outbox.drain()  # eager: the task's retries run one after the other, without their waits
    assert len(receiver.got) == WEBHOOK_MAX_ATTEMPTS == 6
    assert len({r.headers["X-GG-Delivery"] for r in receiver.got}) == 1  # one delivery, the same id
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 6 and delivery.next_attempt_at is None
    log = list(delivery.attempt_log.all())
    assert [(a.number, a.ok, a.status_code) for a in log] == [(n, False, 500) for n in range(1, 7)]
    assert log[0].answer.startswith("upstream exploded") and len(log[0].answer) == 500  # a short answer kept
    assert log[0].error == "HTTP 500" and all(a.duration_ms >= 0 for a in log)


def test_a_receiver_that_is_down_is_retried_with_back_off_and_finally_failed(loop, report):  # noqa: F811
    subscription, _ = subscribe(loop, f"http://127.0.0.1:{free_port()}/hooks", kinds=["report"])
    report()
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    waits = []
    for n in range(1, 7):  # the attempts one by one, as the task's retries make them
        before = time.time()
        webhooks.attempt(delivery.pk)
        delivery.refresh_from_db()
        assert delivery.attempts == n
        if n < 6:
            assert delivery.status == DeliveryStatus.PENDING
            waits.append(round(delivery.next_attempt_at.timestamp() - before))
    assert waits == [30, 60, 120, 240, 480] == [webhooks.wait_after(n) for n in range(1, 6)]
    assert delivery.status == DeliveryStatus.FAILED
    assert webhooks.attempt(delivery.pk).attempts == 6  # a repeated task does nothing more
    log = list(delivery.attempt_log.all())
    assert len(log) == 6 and all(a.status_code is None and "Connection refused" in a.error for a in log), log[0].error


def test_a_redirect_is_never_followed(loop, report, eager_retries):  # noqa: F811
    with receiving() as elsewhere, receiving(status=307) as receiver:
        receiver.location = elsewhere.url
        subscription, _ = subscribe(loop, receiver.url, kinds=["report"])
        report()
        outbox.drain()
    assert len(receiver.got) == 6 and elsewhere.got == []
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.status == DeliveryStatus.FAILED
    refused = {(a.status_code, a.error) for a in delivery.attempt_log.all()}
    assert refused == {(307, "对方要求重定向，平台不跟随重定向。")}


def test_a_subscription_for_township_a_gets_nothing_of_township_b(loop, report):  # noqa: F811
    with receiving() as receiver:
        town_a, _ = subscribe(loop, receiver.url, area=loop.world.a, kinds=["report"])
        village_b, _ = subscribe(loop, receiver.url, area=loop.world.villages["411425200"][0], kinds=["report"])
        county, _ = subscribe(loop, receiver.url, area=loop.world.county, kinds=["register"])
        in_b = report()  # 肖旗乡's first village's first grid
        in_a = report(reporter=loop.operator, **CHENGGUAN)
        outbox.drain()
    assert set(WebhookDelivery.objects.values_list("subscription", "case")) == {
        (town_a.pk, in_a.pk),
        (village_b.pk, in_b.pk),  # a village's subscription: its subtree
    }  # the county's subscribed to 立案 only
    assert {json.loads(r.body)["case"]["number"] for r in receiver.got} == {in_a.number, in_b.number}


def test_switched_off_subscriptions_and_revoked_keys_get_nothing(loop, report):  # noqa: F811
    from tests.interfaces.test_open_interfaces import make_key

    key, _raw = make_key(loop, loop.world.b)
    off, _ = subscribe(loop, "https://a.example.com/", kinds=["report"])
    services.set_subscription_active(subscription=off, active=False, actor=loop.world.admin)
    keyed, _ = subscribe(loop, "https://b.example.com/", kinds=["report"], key=key)
    report()
    assert WebhookDelivery.objects.filter(subscription=keyed).count() == 1
    services.revoke_key(key=key, actor=loop.world.admin)
    report()
    assert WebhookDelivery.objects.filter(subscription=keyed).count() == 1
    assert not WebhookDelivery.objects.filter(subscription=off).exists()


def test_one_query_finds_the_subscriptions_of_a_batch_of_events(loop, report):  # noqa: F811
    for i in range(4):
        subscribe(loop, f"https://h{i}.example.com/", area=loop.world.b if i % 2 else loop.world.a)
    cases = [report(description=f"堆物{i}") for i in range(5)]
    events = [c.events.get(action="report") for c in cases]
    for event, case in zip(events, cases, strict=True):
        event.case = case
    with CaptureQueriesContext(connection) as ctx:
        pairs = webhooks.matching(events)
    assert len(ctx.captured_queries) == 1
    assert len(pairs) == 10  # 5 events × the two subscriptions of 肖旗乡

    def hearing(n):
        WebhookDelivery.objects.all().delete()
        with CaptureQueriesContext(connection) as ctx:
            webhooks.hear(events[:n])
        assert WebhookDelivery.objects.count() == 2 * n
        return len(ctx.captured_queries)

    assert hearing(1) == hearing(5)


def test_replay_is_a_new_attempt_logged_with_the_admin(loop, report, eager_retries):  # noqa: F811
    with receiving(status=500) as receiver:
        subscription, _ = subscribe(loop, receiver.url, kinds=["report"])
        report()
        outbox.drain()
        delivery = WebhookDelivery.objects.get(subscription=subscription)
        assert delivery.status == DeliveryStatus.FAILED
        receiver.status = 204  # the receiver is fixed
        services.replay_delivery(delivery=delivery, actor=loop.world.admin)
        outbox.drain()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 7
    last = delivery.attempt_log.last()
    assert (last.number, last.ok, last.status_code, last.replayed_by) == (7, True, 204, loop.world.admin)
    assert receiver.got[-1].headers["X-GG-Delivery"] == receiver.got[0].headers["X-GG-Delivery"]
    assert receiver.got[-1].body == receiver.got[0].body  # the same body, newly signed


def test_the_change_writes_deliveries_and_sends_nothing(loop, report, monkeypatch):  # noqa: F811
    """In the request that changes the case: a delivery row and an outbox row, no network."""

    def no_network(*args, **kwargs):
        raise AssertionError("HTTP inside the case's transaction")

    monkeypatch.setattr(webhooks, "post", no_network)
    subscribe(loop, "http://127.0.0.1:9/never", kinds=["report"])
    pending = outbox.pending()
    report()
    assert WebhookDelivery.objects.get().status == DeliveryStatus.PENDING
    assert outbox.pending() == pending + 1


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("target_url", "ftp://hooks.example.com/", "推送地址须是 http 或 https 地址。"),
        ("target_url", "https://user:pw@hooks.example.com/", "推送地址不能含用户名或密码，请用签名密钥验证来源。"),
        ("kinds", ["report", "explode"], "请至少选择一种事件类型。"),
        ("secret", "short", "签名密钥须为 16 到 128 个字符；留空则由平台生成。"),
    ],
)
def test_bad_subscriptions_are_refused_in_chinese(loop, field, value, message):  # noqa: F811
    data = {"name": "市平台", "target_url": "https://hooks.example.com/", "kinds": ["report"],
            "areas": [loop.world.b], "actor": loop.world.admin, field: value}
    with pytest.raises(Exception) as refused:
        services.create_subscription(**data)
    assert refused.value.message_dict == {field: [message]}


@override_settings(WEBHOOK_HTTP_TIMEOUT=1)
def test_a_receiver_that_hangs_times_out_within_the_limit(loop, report):  # noqa: F811
    with receiving(pause=3) as receiver:
        subscription, _ = subscribe(loop, receiver.url, kinds=["report"])
        report()
        delivery = WebhookDelivery.objects.get(subscription=subscription)
        started = time.monotonic()
        webhooks.attempt(delivery.pk)
        took = time.monotonic() - started
    assert took < 2.5
    attempt = delivery.attempt_log.get()
    assert not attempt.ok and "timed out" in attempt.error and 900 <= attempt.duration_ms < 2500


def test_the_daily_reviews_urges_are_delivered_at_a_query_count_that_does_not_grow(loop, report):  # noqa: F811
    """日清 writes its urges and escalations in bulk and announces them at once: the subscription
    hears each, and the review's queries stay the same for 5 or 50 overdue cases."""
    import time_machine

    from incidents.reviews import daily
    from tests.incidents.test_daily_review import REVIEW_AT, _bulk_overdue, _queries

    subscription, _ = subscribe(loop, "http://127.0.0.1:9/", kinds=["urge", "escalate_to_township"])
    report()  # a template case for the bulk ones
    assert _queries(loop, 5) == _queries(loop, 50)
    _bulk_overdue(loop, 4)
    with time_machine.travel(REVIEW_AT, tick=False):
        assert daily.run_daily_review() == 4
    kinds = sorted(WebhookDelivery.objects.filter(subscription=subscription).values_list("kind", flat=True))
    assert kinds.count("urge") == 4 and set(kinds) == {"urge", "escalate_to_township"}, kinds
    urged = json.loads(WebhookDelivery.objects.filter(kind="urge").first().body)
    assert urged["action"]["automatic"] is True and urged["case"]["status"] == "in_progress"


def test_old_finished_deliveries_are_swept_and_lost_retries_queued_again(loop, report, monkeypatch):  # noqa: F811
    import datetime as dt

    from django.utils import timezone

    from interfaces import tasks

    queued = []
    monkeypatch.setattr(tasks.deliver_webhook, "delay", queued.append)
    subscription, _ = subscribe(loop, "http://127.0.0.1:9/", kinds=["report"])
    old, lost, fresh = report(), report(), report()
    long_ago = timezone.now() - dt.timedelta(days=91)
    rows = WebhookDelivery.objects.filter(subscription=subscription)
    rows.filter(case=old).update(status=DeliveryStatus.FAILED, created_at=long_ago)
    rows.filter(case=lost).update(next_attempt_at=timezone.now() - dt.timedelta(minutes=11))
    assert webhooks.sweep() == 1
    assert queued == [rows.get(case=lost).pk]
    assert set(rows.values_list("case", flat=True)) == {lost.pk, fresh.pk}


def test_a_micro_grid_is_no_subscription_area(loop):  # noqa: F811
    from grids import services as grid_services
    from grids.levels import AreaLevel

    grid = loop.world.grids["411425200"][0]
    micro = grid_services.create_area(parent=grid, level=AreaLevel.MICRO_GRID, code=grid.code + "01", name="一号微网格")
    with pytest.raises(Exception) as refused:
        subscribe(loop, "https://hooks.example.com/", area=micro)
    assert refused.value.message_dict == {"areas": ["区域须是县、乡镇、村（社区）或基础网格；事件不记录微网格。"]}
