"""The console's webhook pages: a subscription made with its secret shown once, bad input answered
in Chinese, the delivery log with its filters at a fixed number of queries, and replay — from the
console and from the Django admin."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance import outbox
from governance.roles import Role
from grids import services as grid_services
from incidents import services as case_services
from interfaces import webhooks
from interfaces.constants import DeliveryStatus
from interfaces.models import Subscription, WebhookDelivery
from tests.factories import UserFactory
from tests.faults import free_port
from tests.incidents.conftest import loop, report  # noqa: F401 - the fixtures

from .receiver import receiving
from .test_webhooks import eager_retries, subscribe  # noqa: F401 - the fixture

PAGE = "/console/webhooks/"
LOG = "/console/webhooks/deliveries/"


@pytest.fixture
def admin(client, loop):  # noqa: F811
    client.force_login(loop.world.admin)
    return client


@pytest.fixture
def leader(loop):  # noqa: F811
    user = UserFactory(username="zhihui-lead", full_name="指挥中心领导")
    grid_services.assign(user=user, area=loop.world.county, role=Role.COMMAND_LEADER)
    return user


def form(**changes):
    data = {"name": "市社会治理平台", "target_url": "https://hooks.example.com/gg", "secret": "",
            "kinds": ["report", "close"], "areas": "411425200", "key": ""}
    data.update(changes)
    return data


def test_a_subscription_made_on_the_console_shows_its_secret_once(admin, loop):  # noqa: F811
    answer = admin.post(f"{PAGE}add/", form())
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    subscription = Subscription.objects.get()
    secret = webhooks.unseal(subscription.secret_encrypted)
    page = answer.content.decode()
    assert secret in page and "签名密钥只显示这一次" in page
    assert subscription.kinds == ["report", "close"] and list(subscription.areas.all()) == [loop.world.b]
    again = admin.get(PAGE).content.decode()
    assert secret not in again and "市社会治理平台" in again and "https://hooks.example.com/gg" in again


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"name": ""}, "name", "该字段是必填项。"),
        ({"kinds": []}, "kinds", "该字段是必填项。"),
        ({"kinds": ["report", "explode"]}, "kinds", "选择一个有效的选项。 explode 不在可用的选项中。"),
        ({"areas": "411425999"}, "areas", "区划代码 411425999 不存在或不在您的管理范围内。"),
        ({"target_url": "ftp://hooks.example.com/"}, "target_url", "推送地址须是 http 或 https 地址。"),
        ({"target_url": "hooks.example.com"}, "target_url", "推送地址须是 http 或 https 地址。"),
        ({"secret": "too-short"}, "secret", "签名密钥须为 16 到 128 个字符；留空则由平台生成。"),
    ],
)
def test_bad_input_is_a_400_with_chinese_messages(admin, changes, field, message):
    answer = admin.post(f"{PAGE}add/", form(**changes))
    assert answer.status_code == 400
    assert answer.context["form"].errors[field] == [message]
    assert message in answer.content.decode()
    assert not Subscription.objects.exists()


def test_a_leader_looks_but_only_the_admin_writes(client, loop, leader, report):  # noqa: F811
    subscription, _ = subscribe(loop, "https://hooks.example.com/gg", kinds=["report"])
    report()
    delivery = WebhookDelivery.objects.get()
    client.force_login(leader)
    assert client.get(PAGE).status_code == 200 and client.get(LOG).status_code == 200
    assert client.post(f"{PAGE}add/", form()).status_code == 403
    assert client.post(f"{PAGE}{subscription.pk}/toggle/").status_code == 403
    assert client.post(f"{LOG}{delivery.pk}/replay/").status_code == 403
    assert Subscription.objects.count() == 1 and Subscription.objects.get().is_active


def test_the_admin_switches_a_subscription_off_and_on(admin, loop):  # noqa: F811
    subscription, _ = subscribe(loop, "https://hooks.example.com/gg")
    assert admin.post(f"{PAGE}{subscription.pk}/toggle/").status_code == 302
    subscription.refresh_from_db()
    assert not subscription.is_active
    admin.post(f"{PAGE}{subscription.pk}/toggle/")
    subscription.refresh_from_db()
    assert subscription.is_active


def test_the_log_filters_and_keeps_its_query_count(admin, loop, report):  # noqa: F811
    down = f"http://127.0.0.1:{free_port()}/hooks"  # nobody listens: refused at once
    first, _ = subscribe(loop, down, kinds=["report", "register"])
    second, _ = subscribe(loop, down, kinds=["report"])
    report()

    def queries(url):
        with CaptureQueriesContext(connection) as ctx:
            answer = admin.get(url)
        assert answer.status_code == 200
        return len(ctx.captured_queries), answer.content.decode()

    few, _ = queries(LOG)
    for i in range(6):
        case = report(description=f"堆物{i}")
        case_services.register(case_id=case.pk, actor=loop.operator, note="属实")
    for delivery in WebhookDelivery.objects.all()[:5]:
        webhooks.attempt(delivery.pk)  # a failed attempt logged for each
    many, page = queries(LOG)
    assert many == few, "the delivery log's queries grow with its rows"
    assert page.count("data-delivery=") == WebhookDelivery.objects.count() == 7 * 2 + 6
    assert "case.register" in page and page.count("Connection refused") == 5

    def shown(query):
        return queries(f"{LOG}?{query}")[1].count("data-delivery=")

    assert shown(f"subscription={second.pk}") == 7
    assert shown("kind=register") == 6
    assert shown(f"subscription={first.pk}&kind=report") == 7
    assert shown("status=pending") == WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).count()
    assert admin.get(f"{LOG}?status=lost").status_code == 400
    assert admin.get(f"{LOG}?subscription=abc").status_code == 400


def test_replay_from_the_console(admin, loop, report, eager_retries):  # noqa: F811
    with receiving(status=500) as receiver:
        subscription, _ = subscribe(loop, receiver.url, kinds=["report"])
        report()
        outbox.drain()
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == DeliveryStatus.FAILED and len(receiver.got) == 6
        receiver.status = 200
        answer = admin.post(f"{LOG}{delivery.pk}/replay/", {"next": f"{LOG}?status=failed"})
        assert answer.status_code == 302 and answer["Location"] == f"{LOG}?status=failed"
        outbox.drain()  # the replay task, after the commit
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and len(receiver.got) == 7
    last = delivery.attempt_log.last()
    assert (last.number, last.ok, last.status_code, last.replayed_by) == (7, True, 200, loop.world.admin)
    page = admin.get(f"{LOG}?subscription={subscription.pk}").content.decode()
    assert "重放" in page and loop.world.admin.full_name in page
    # an outside address in `next` is never followed
    assert admin.post(f"{LOG}{delivery.pk}/replay/", {"next": "https://evil.example.com/"})["Location"] == LOG


def test_replay_from_the_django_admin(client, loop, report, eager_retries):  # noqa: F811
    root = UserFactory(username="root", full_name="超级管理员", is_superuser=True, is_staff=True)
    client.force_login(root)
    with receiving(status=503) as receiver:
        subscription, _ = subscribe(loop, receiver.url, kinds=["report"])
        report()
        outbox.drain()
        delivery = WebhookDelivery.objects.get()
        changelist = "/admin/interfaces/webhookdelivery/"
        listed = client.get(changelist, {"subscription__id__exact": subscription.pk, "status__exact": "failed"})
        assert listed.status_code == 200 and str(delivery.uid) in listed.content.decode()
        receiver.status = 200
        answer = client.post(changelist, {"action": "replay", "_selected_action": [delivery.pk]})
        assert answer.status_code == 302
        outbox.drain()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and len(receiver.got) == 7
    assert delivery.attempt_log.last().replayed_by == root
