"""Issue 20: API keys for systems, Open311 GeoReport v2 driven as a client would, and the 12345
hotline's work orders."""

import json
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from governance import outbox
from incidents import queues
from incidents.constants import CaseStatus, Source
from incidents.models import Case, CaseEvent
from interfaces import keys, services
from interfaces.constants import KeyScope
from interfaces.models import ApiKey, PublicService, ServiceAttribute, Submission
from tests.faults import free_port
from tests.incidents.conftest import loop, report  # noqa: F401 - the fixtures
from tests.incidents.test_redis_down import redis_cache

BASE = "/open311/v2"
XIAOQI = (34.405, 115.905)  # 肖旗乡's first grid (tests/factories.py)
CHENGGUAN = (34.405, 115.805)  # 城关镇's first grid


@pytest.fixture
def offered(loop):  # noqa: F811
    service = PublicService.objects.create(category=loop.category("HJ01"), description="环境卫生", group="环境")
    ServiceAttribute.objects.create(
        service=service,
        code="size",
        description="面积大小",
        datatype="singlevaluelist",
        required=True,
        values=[["small", "小于10平方米"], ["large", "10平方米以上"]],
    )
    return service


BOTH = (KeyScope.OPEN311_READ, KeyScope.OPEN311_WRITE)


def make_key(loop, area, scopes=BOTH, rate=60, source=Source.CITIZEN):  # noqa: F811
    """A key and its raw value (shown once)."""
    return services.create_key(
        name="随手拍", source=source, scopes=list(scopes), areas=[area], rate_per_minute=rate, actor=loop.world.admin
    )


@pytest.fixture(autouse=True)
def clean_rate_counts():
    cache.clear()


def post_report(api, raw, fmt="json", at=XIAOQI, **extra):
    data = {"api_key": raw, "service_code": "HJ01", "lat": at[0], "long": at[1], "description": "垃圾堆放",
            "attribute[size]": "large", "first_name": "三", "last_name": "张", "phone": "13800138000", **extra}
    return api.post(f"{BASE}/requests.{fmt}", data)


def test_a_key_is_stored_only_as_its_hash(loop):  # noqa: F811
    key, raw = make_key(loop, loop.world.b)
    row = ApiKey.objects.get(pk=key.pk)
    stored = json.dumps([getattr(row, f.attname) for f in ApiKey._meta.concrete_fields], default=str)
    assert raw not in stored and raw.split(".")[1] not in stored
    assert row.digest == keys.digest(raw) and keys.active_key(raw) == row
    assert not row.account.is_active and not row.account.has_usable_password()


def test_open311_as_a_client_in_json(api, as_user, loop, offered):  # noqa: F811
    key, raw = make_key(loop, loop.world.b)
    services_list = api.get(f"{BASE}/services.json").json()
    assert services_list == [
        {"service_code": "HJ01", "service_name": offered.category.name, "description": "环境卫生", "metadata": True,
         "type": "batch", "keywords": "", "group": "环境"}
    ]
    definition = api.get(f"{BASE}/services/HJ01.json").json()
    assert definition["attributes"][0]["code"] == "size" and definition["attributes"][0]["required"] is True

    answer = post_report(api, raw, media_url="https://img.example.com/p/1.jpg")
    assert answer.status_code == 201, answer.content
    token = answer.json()[0]["token"]
    polled = api.get(f"{BASE}/tokens/{token}.json", {"api_key": raw}).json()
    assert polled == [{"service_request_id": None, "token": token}]  # accepted, not registered yet
    outbox.drain()  # the registration task (eager in tests)
    number = api.get(f"{BASE}/tokens/{token}.json", {"api_key": raw}).json()[0]["service_request_id"]
    case = Case.objects.get(number=number)
    assert case.source == Source.CITIZEN and case.status == CaseStatus.REPORTED and case.reporter is None
    assert "10平方米以上" in case.description
    event = CaseEvent.objects.get(case=case, action="report")
    assert event.actor == key.account  # the write names its key
    assert Submission.objects.get(case=case).key == key
    # in the command centre's 待立案 queue, its page naming the system and the media link
    new = {q["key"]: q["count"] for q in queues.queue_counts(loop.operator)}["new"]
    assert new == 1
    page = as_user(loop.operator).get(f"/cases/{case.pk}/").content.decode()
    assert "外部系统来件" in page and key.prefix in page and "https://img.example.com/p/1.jpg" in page

    detail = api.get(f"{BASE}/requests/{number}.json", {"api_key": raw}).json()
    assert detail[0]["status"] == "open" and detail[0]["service_code"] == "HJ01"
    assert detail[0]["media_url"] == "https://img.example.com/p/1.jpg"
    assert detail[0]["requested_datetime"].endswith("+08:00")
    assert "13800138000" not in json.dumps(detail, ensure_ascii=False) and "张三" not in json.dumps(
        detail, ensure_ascii=False
    )
    listed = api.get(f"{BASE}/requests.json", {"api_key": raw, "status": "open", "service_code": "HJ01"}).json()
    assert [r["service_request_id"] for r in listed] == [number]
    assert api.get(f"{BASE}/requests.json", {"api_key": raw, "status": "closed"}).json() == []


def test_open311_in_xml_and_its_errors(api, loop, offered):  # noqa: F811
    key, raw = make_key(loop, loop.world.b)
    services_xml = api.get(f"{BASE}/services.xml")
    assert services_xml["Content-Type"].startswith("text/xml")
    assert services_xml.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = ElementTree.fromstring(services_xml.content)
    assert root.tag == "services" and root.find("service/service_code").text == "HJ01"
    assert ElementTree.fromstring(api.get(f"{BASE}/discovery.xml").content).tag == "discovery"

    answer = post_report(api, raw, fmt="xml")
    assert answer.status_code == 201
    token = ElementTree.fromstring(answer.content).find("request/token").text
    outbox.drain()
    polled = ElementTree.fromstring(api.get(f"{BASE}/tokens/{token}.xml", {"api_key": raw}).content)
    number = polled.find("request/service_request_id").text
    one = ElementTree.fromstring(api.get(f"{BASE}/requests/{number}.xml", {"api_key": raw}).content)
    assert one.find("request/status").text == "open"

    def error(response, code):
        assert response.status_code == code, response.content
        tree = ElementTree.fromstring(response.content)
        assert tree.tag == "errors" and tree.find("error/code").text == str(code)

    error(api.post(f"{BASE}/requests.xml", {"service_code": "HJ01", "lat": 34.405, "long": 115.905}), 403)
    in_query = api.post(
        f"{BASE}/requests.xml?api_key={raw}",
        {"service_code": "HJ01", "lat": 34.405, "long": 115.905, "attribute[size]": "small"},
    )
    assert in_query.status_code == 201
    error(post_report(api, "nope.nope", fmt="xml"), 403)
    error(post_report(api, raw, fmt="xml", service_code=""), 400)
    error(post_report(api, raw, fmt="xml", service_code="ZZ99"), 404)
    error(api.post(f"{BASE}/requests.xml", {"api_key": raw, "service_code": "HJ01"}), 400)  # no location
    error(post_report(api, raw, fmt="xml", **{"attribute[size]": "huge"}), 400)
    error(post_report(api, raw, fmt="xml", phone="12345"), 400)
    error(post_report(api, raw, fmt="xml", media_url="javascript:alert(1)"), 400)
    error(api.get(f"{BASE}/services/ZZ99.xml"), 404)
    error(api.get(f"{BASE}/requests/SJ0.xml", {"api_key": raw}), 404)
    error(api.get(f"{BASE}/tokens/not-a-token.xml", {"api_key": raw}), 404)
    error(api.get(f"{BASE}/services.xml", {"jurisdiction_id": "999999"}), 404)
    error(api.get(f"{BASE}/requests.xml", {"api_key": raw, "status": "pending"}), 400)
    error(api.get(f"{BASE}/requests.xml", {"api_key": raw, "start_date": "yesterday"}), 400)
    error(api.get(f"{BASE}/requests.xml", {"api_key": raw, "end_date": "2026-13-45T00:00:00+08:00"}), 400)
    assert api.get(f"{BASE}/services.json", {"jurisdiction_id": "411425"}).status_code == 200
    bad = api.get(f"{BASE}/requests.json")
    assert bad.status_code == 403 and bad.json()[0]["code"] == 403


def test_a_township_key_cannot_post_or_read_another_townships(api, loop, offered, report):  # noqa: F811
    key, raw = make_key(loop, loop.world.b)
    assert post_report(api, raw, at=CHENGGUAN).status_code == 404
    other = report(lat=CHENGGUAN[0], lng=CHENGGUAN[1])
    assert api.get(f"{BASE}/requests/{other.number}.json", {"api_key": raw}).status_code == 404
    assert other.number not in json.dumps(api.get(f"{BASE}/requests.json", {"api_key": raw}).json())


def test_revocation_takes_effect_on_the_next_request(api, loop, offered):  # noqa: F811
    key, raw = make_key(loop, loop.world.b)
    assert api.get(f"{BASE}/requests.json", {"api_key": raw}).status_code == 200
    services.revoke_key(key=key, actor=loop.world.admin)
    assert api.get(f"{BASE}/requests.json", {"api_key": raw}).status_code == 403


def test_rate_limit_answers_429_with_retry_after(api, loop, offered):  # noqa: F811
    key, raw = make_key(loop, loop.world.b, rate=2)
    for _ in range(2):
        assert api.get(f"{BASE}/requests.json", {"api_key": raw}).status_code == 200
    limited = api.get(f"{BASE}/requests.json", {"api_key": raw})
    assert limited.status_code == 429 and 1 <= int(limited["Retry-After"]) <= 60


def test_hotline_order_answered_with_our_case_number_then_our_result(api, loop):  # noqa: F811
    key, raw = make_key(loop, loop.world.b, scopes=[KeyScope.HOTLINE], source=Source.HOTLINE)
    body = {"order_number": "GD20261204001", "category": "HJ01", "description": "占道堆放", "lat": XIAOQI[0],
            "lng": XIAOQI[1], "caller_phone": "13800138000"}
    headers = {"HTTP_X_API_KEY": raw, "HTTP_IDEMPOTENCY_KEY": "k1"}
    first = api.post("/api/v1/hotline/orders/", body, format="json", **headers)
    assert first.status_code == 201, first.content
    case = Case.objects.get(number=first.json()["case_number"])
    assert case.source == Source.HOTLINE and first.json()["closed"] is False
    assert CaseEvent.objects.get(case=case, action="report").actor == key.account  # the write names its key
    assert Submission.objects.get(case=case).external_number == "GD20261204001"
    again = api.post("/api/v1/hotline/orders/", body, format="json", **headers)
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json()["case_number"] == case.number
    changed = api.post("/api/v1/hotline/orders/", {**body, "description": "别的"}, format="json", **headers)
    assert changed.status_code == 422
    other_key = api.post("/api/v1/hotline/orders/", body, format="json", HTTP_X_API_KEY=raw, HTTP_IDEMPOTENCY_KEY="k2")
    assert other_key.status_code == 409 and other_key.json()["case_number"] == case.number
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, result="已清理")
    later = api.get("/api/v1/hotline/orders/GD20261204001/", HTTP_X_API_KEY=raw).json()
    assert later["closed"] is True and later["result"] == "已清理"
    changed = api.get("/api/v1/hotline/orders/", {"updated_since": "2026-01-01T00:00:00+08:00"}, HTTP_X_API_KEY=raw)
    assert [o["order_number"] for o in changed.json()] == ["GD20261204001"] and changed.json()[0]["closed"] is True
    assert api.get("/api/v1/hotline/orders/", {"updated_since": "2026-13-45"}, HTTP_X_API_KEY=raw).status_code == 400
    assert api.get("/api/v1/hotline/orders/GD20261204001/").status_code == 401
    outside = api.post("/api/v1/hotline/orders/", {**body, "order_number": "GD2", "lat": CHENGGUAN[0],
                       "lng": CHENGGUAN[1]}, format="json", HTTP_X_API_KEY=raw, HTTP_IDEMPOTENCY_KEY="k3")
    assert outside.status_code == 404


def test_console_shows_a_new_key_once(client, loop):  # noqa: F811
    client.force_login(loop.world.admin)
    page = client.post(
        "/console/keys/add/",
        {"name": "12345热线", "source": "hotline", "scopes": ["hotline"], "areas": "411425200", "rate_per_minute": 30},
    )
    assert page.status_code == 200
    key = ApiKey.objects.get()
    raw = page.context["created"]["raw"]
    assert keys.digest(raw) == key.digest and raw in page.content.decode()
    assert raw not in client.get("/console/keys/").content.decode()


def test_rate_limit_holds_while_redis_is_dead(api, loop, offered):  # noqa: F811
    """Redis down: the key's requests are still answered, and still counted (in the process)."""
    key, raw = make_key(loop, loop.world.b, rate=3)
    with override_settings(CACHES=redis_cache(f"redis://127.0.0.1:{free_port()}/0")):
        answers = [api.get(f"{BASE}/requests.json", {"api_key": raw}).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]


def test_the_request_list_costs_the_same_queries_for_more_requests(api, loop, offered, report):  # noqa: F811
    key, raw = make_key(loop, loop.world.b)

    def queries_for_list():
        with CaptureQueriesContext(connection) as captured:
            rows = api.get(f"{BASE}/requests.json", {"api_key": raw}).json()
        return len(captured), len(rows)

    report()
    few = queries_for_list()
    for _ in range(4):
        report()
    many = queries_for_list()
    assert (few[1], many[1]) == (1, 5) and few[0] == many[0]


def test_only_the_admin_makes_and_revokes_keys(client, loop):  # noqa: F811
    key, raw = make_key(loop, loop.world.b)
    client.force_login(loop.operator)  # a command-centre operator: not on the console
    assert client.get("/console/keys/").status_code == 403
    client.force_login(loop.world.admin)
    page = client.get("/console/keys/").content.decode()
    assert key.prefix in page and raw not in page and key.digest not in page
    assert client.post(f"/console/keys/{key.pk}/revoke/").status_code == 302
    assert keys.active_key(raw) is None
    bad = client.post("/console/keys/add/", {"name": "", "scopes": ["nope"], "areas": "999", "rate_per_minute": 0})
    assert bad.status_code == 400 and ApiKey.objects.count() == 1


def test_a_report_that_cannot_be_registered_answers_on_its_token(api, loop, offered):  # noqa: F811
    """The category was switched off between acceptance and registration: the token says why (400)."""
    key, raw = make_key(loop, loop.world.b)
    token = post_report(api, raw).json()[0]["token"]
    offered.category.__class__.objects.filter(pk=offered.category_id).update(is_active=False)
    outbox.drain()
    answer = api.get(f"{BASE}/tokens/{token}.json", {"api_key": raw})
    assert answer.status_code == 400 and "二级分类" in answer.json()[0]["description"]
    assert not Case.objects.exists()


def test_other_methods_and_formats(api, loop, offered):  # noqa: F811
    assert api.delete(f"{BASE}/services.json").status_code == 405
    unknown = api.get(f"{BASE}/services.csv")
    assert unknown.status_code == 404 and ElementTree.fromstring(unknown.content).tag == "errors"


def test_a_report_located_by_its_address(api, loop, offered):  # noqa: F811
    key, raw = make_key(loop, loop.world.b)
    at = {"lat": "", "long": ""}
    named = post_report(api, raw, address_string="肖旗乡2村第2网格 村委会东50米", **at)
    assert named.status_code == 201, named.content
    outbox.drain()
    case = Submission.objects.get(token=named.json()[0]["token"]).case
    assert case.grid == loop.world.grids["411425200"][3] and case.address.startswith("肖旗乡2村第2网格")
    vague = post_report(api, raw, address_string="肖旗乡2村", **at)  # a village of two grids
    assert vague.status_code == 400 and "address_string" in vague.json()[0]["description"]
    elsewhere = post_report(api, raw, address_string="城关镇1村第1网格", **at)  # outside the key's areas
    assert elsewhere.status_code == 400
