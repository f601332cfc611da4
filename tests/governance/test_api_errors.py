"""Issue #12: the API never answers HTML and never a 500 for an id that is not a whole number.

Every API route with an id — read from the URL resolver, so a new route is covered without an
edit here — answers `abc`, `null,null` and `1.5` with a JSON 404 (governance.routers,
governance.error_pages); an uncaught error under /api/ is a JSON 500 with the request id, and a
page keeps the Chinese error page."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import UserFactory

BAD_IDS = ["abc", "null,null", "1.5"]
PLACEHOLDER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>|\(\?P<(?P<group>\w+)>[^)]*\)")


def _is_id(name: str) -> bool:
    return name == "pk" or name == "id" or name.endswith("_id")


def _routes(patterns=None, prefix=""):
    """(route text, pattern) for every URL pattern, its includes' prefixes joined."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        text = prefix + str(p.pattern).lstrip("^").rstrip("$").replace("\\Z", "")
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, text)
        elif isinstance(p, URLPattern):
            yield text


def api_id_routes() -> list[str]:
    found = set()
    for text in _routes():
        if text.startswith("api/") and any(_is_id(m["name"] or m["group"]) for m in PLACEHOLDER.finditer(text)):
            found.add(text)
    return sorted(found)


def _url(route: str, bad: str, target: int) -> str:
    """The route with its `target`-th id set to `bad`, the other ids to 1."""
    seen = -1

    def fill(m):
        nonlocal seen
        name = m["name"] or m["group"]
        if not _is_id(name):
            return "x"
        seen += 1
        return bad if seen == target else "1"

    return "/" + PLACEHOLDER.sub(fill, route)


def test_the_enumeration_finds_the_routes_of_every_app():
    routes = api_id_routes()
    for expected in (
        "api/v1/cases/<int:pk>/attachments/<int:attachment_id>/",
        "api/v1/credit/rounds/<int:pk>/publish/",
        "api/v1/oversight/ratings/<int:pk>/approve/",
        "api/v1/insurance/policies/<int:pk>/renew/",
        "api/v1/areas/<int:pk>/",
        "api/v1/jobs/<int:pk>/",
    ):
        assert expected in routes
    assert len(routes) > 60


@pytest.mark.django_db
def test_every_api_route_with_an_id_answers_a_bad_id_with_a_json_404():
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(username="root", is_superuser=True))
    answers = {}
    for route in api_id_routes():
        for target in range(sum(_is_id(m["name"] or m["group"]) for m in PLACEHOLDER.finditer(route))):
            for bad in BAD_IDS:
                url = _url(route, bad, target)
                for method in (client.get, client.post):
                    response = method(url)
                    answers[(method.__name__, url)] = (response.status_code, response["Content-Type"])
    wrong = {k: v for k, v in answers.items() if v != (404, "application/json")}
    assert not wrong
    assert len(answers) > 6 * 60


@pytest.mark.django_db
@pytest.mark.parametrize(
    "method, url",
    [
        ("post", "/api/v1/credit/rounds/null/publish/"),
        ("get", "/api/v1/cases/null,null/attachments/0/"),
        ("post", "/api/v1/oversight/ratings/null/approve/"),
        ("post", "/api/v1/insurance/policies/null/renew/"),
        ("post", "/api/v1/credit/facts/1.5/apply/"),
        ("post", "/api/v1/credit/lines/abc/movements/"),
    ],
)
def test_the_reported_paths_answer_404(method, url):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(username="root", is_superuser=True))
    response = getattr(client, method)(url)
    assert response.status_code == 404 and response.json() == {"detail": "未找到。"}


@pytest.mark.urls("tests.governance.failing_urls")
def test_a_500_under_the_api_is_json_with_the_request_id_and_a_page_keeps_the_chinese_page(db, caplog):
    client = Client(raise_request_exception=False)
    api = client.get("/api/v1/boom/")
    assert api.status_code == 500 and api["Content-Type"] == "application/json"
    body = api.json()
    assert body["request_id"] == api["X-Request-ID"] and len(body["request_id"]) == 32
    assert "请求编号" in body["detail"]
    assert body["request_id"] in caplog.text  # the log line beside the traceback

    page = client.get("/boom/")
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")
    assert "系统暂时出了问题" in page.content.decode()
    given = client.get("/api/v1/boom/", headers={"X-Request-ID": "proxy-abc-12345"})
    assert given.json()["request_id"] == "proxy-abc-12345"


def test_an_unknown_api_path_is_json_and_an_unknown_page_is_the_chinese_page(client, db):
    api = client.get("/api/v1/no-such-thing/")
    assert api.status_code == 404 and api.json() == {"detail": "未找到。"}
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and "没有找到您要的页面或记录" in page.content.decode()
