"""Issue #20, point 5: the whole API in the OpenAPI schema — every operation with its error answers
(their JSON bodies as components) and its permissions described (governance.openapi), and a
schema that drf-spectacular generates without a warning and validates (docs/api.md).

The bodies the API really answers for each error status are checked against the components
here; tests/api/test_fuzz.py checks against a live server that every status answered is declared.
"""

import uuid

import jsonschema
import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from tests.incidents.conftest import loop  # noqa: F401  (the county with the catalogue, a fixture)
from tests.incidents.test_api import act, post_report

WRITES = {"post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        answer = APIClient().get("/api/schema/", {"format": "json"})
    assert answer.status_code == 200
    return answer.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield path, method, operation


def statuses(operation) -> set[int]:
    return {int(code) for code in operation["responses"]}


def test_the_schema_generates_without_a_warning_and_validates(tmp_path, db):
    # --fail-on-warn: a warning (two components of one name, an unresolved type…) fails the command.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").stat().st_size > 100_000


def test_every_operation_declares_the_errors_it_can_answer(schema):
    counted, own = 0, {}
    for path, method, operation in operations(schema):
        counted += 1
        found, where = statuses(operation), f"{method.upper()} {path}"
        public = operation["x-permissions"]["authentication"] == []
        parameters = operation.get("parameters", [])
        if "requestBody" in operation or any(p["in"] == "query" for p in parameters):
            assert 400 in found, where
        if not public:
            assert 403 in found, where
        if "{" in path:
            assert 404 in found, where
            if method in WRITES:
                assert 409 in found, where
        if any(p["in"] == "header" and p["name"] == "Idempotency-Key" for p in parameters):
            assert 422 in found, where
        for code, response in operation["responses"].items():
            if int(code) >= 400:
                body = response["content"]["application/json"]["schema"]
                if code == "400":
                    refs = [body.get("$ref")] + [one.get("$ref") for one in body.get("anyOf", [])]
                    assert "#/components/schemas/ValidationError" in refs, where  # DRF's field errors
                elif "$ref" in body and body["$ref"].rsplit("/", 1)[1] not in {"Error", "Conflict"}:
                    own[(where, code)] = body["$ref"]  # a view's own error body
                assert response["description"], (where, code)
    assert counted > 200  # the whole API, every app's
    assert set(own) == {("POST /api/v1/imports/{kind}/", "403"), ("GET /api/v1/exports/{kind}/", "404")}


def test_specific_operations(schema):
    paths = schema["paths"]
    token = paths["/api/v1/auth/token/"]["post"]
    assert statuses(token) == {200, 400, 429} and "Retry-After" in token["responses"]["429"]["headers"]
    assert 429 in statuses(paths["/api/v1/households/search/"]["post"])  # the ID-number lookup's throttle
    hotline = paths["/api/v1/hotline/orders/"]["post"]
    assert {400, 401, 403, 409, 422, 429} <= statuses(hotline)
    assert hotline["responses"]["401"]["headers"]["WWW-Authenticate"]
    assert 401 in statuses(paths["/api/v1/auth/token/revoke/"]["post"])  # knox's token authenticates first
    assert 401 not in statuses(paths["/api/v1/cases/"]["get"])  # session first: DRF answers 403
    cases = paths["/api/v1/cases/"]["get"]
    assert {400, 403, 404} <= statuses(cases)  # filters; a cursor that is not one
    dispose = paths["/api/v1/cases/{id}/dispose/"]["post"]
    assert dispose["responses"]["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/Conflict")
    # a workflow action's body is its own serializer, not the case it answers with
    assert dispose["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/Dispose")
    assert dispose["summary"].startswith("处置反馈")
    assert dispose["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/CaseDetail")


def test_every_operation_describes_who_may_call_it(schema):
    for path, method, operation in operations(schema):
        permissions = operation["x-permissions"]
        assert permissions["permissions"], (method, path)
        assert "**权限**：" in operation["description"], (method, path)
    token = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert token["x-permissions"] == {"authentication": [], "permissions": ["无需登录"], "scoped": False}
    cases = schema["paths"]["/api/v1/cases/"]["get"]["x-permissions"]
    assert cases["scoped"] and any("辖区" in p for p in cases["permissions"])
    assert any(a.startswith("令牌") for a in cases["authentication"])
    imports = schema["paths"]["/api/v1/imports/{kind}/"]["post"]["x-permissions"]["permissions"]
    assert "仅平台管理员" in imports
    hotline = schema["paths"]["/api/v1/hotline/orders/"]["post"]["x-permissions"]
    assert hotline["authentication"] == ["请求头 X-API-Key"]
    assert any("hotline" in p for p in hotline["permissions"])
    assert schema["paths"]["/api/v1/me/"]["get"]["x-permissions"]["scoped"] is False


def _openapi_to_jsonschema(node):
    """OpenAPI 3.0's `nullable` as JSON Schema's null type, for the validator."""
    if isinstance(node, dict):
        node = {k: _openapi_to_jsonschema(v) for k, v in node.items()}
        if node.pop("nullable", False) and "type" in node:
            node["type"] = [node["type"], "null"]
        return node
    if isinstance(node, list):
        return [_openapi_to_jsonschema(v) for v in node]
    return node


def conforms(schema, component: str, body) -> bool:
    components = _openapi_to_jsonschema({"components": schema["components"]})
    document = {"$ref": f"#/components/schemas/{component}", **components}
    jsonschema.Draft7Validator(document).validate(body)
    return True


def test_the_bodies_the_api_answers_fit_their_components(schema, loop, as_user):  # noqa: F811
    worker, centre = as_user(loop.worker), as_user(loop.operator)
    # 400: a field's messages; a body that does not parse
    missing = worker.post("/api/v1/cases/", {"source": "grid_app"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert missing.status_code == 400 and conforms(schema, "ValidationError", missing.json())
    unparsable = worker.generic("POST", "/api/v1/cases/", b"{not json", content_type="application/json",
                                HTTP_IDEMPOTENCY_KEY="k-2")
    assert unparsable.status_code == 400 and conforms(schema, "ValidationError", unparsable.json())
    # 403: nobody signed in; a role that may not
    anonymous = APIClient().get("/api/v1/cases/")
    assert anonymous.status_code == 403 and conforms(schema, "Error", anonymous.json())
    cid = post_report(worker, loop).json()["id"]
    refused = act(as_user(loop.world.officers["411425200"]), cid, "register")
    assert refused.status_code == 403 and conforms(schema, "Error", refused.json())
    # 404: no such object, an id that is not one (governance.error_pages), a cursor that is not one
    for url in (f"/api/v1/cases/{cid + 1000}/", "/api/v1/cases/abc/", "/api/v1/cases/?cursor=nonsense"):
        gone = centre.get(url)
        assert gone.status_code == 404 and conforms(schema, "Error", gone.json()), url
    # 409: a stale version, with the current state and version
    assert act(centre, cid, "register", version=1).status_code == 200
    stale = act(centre, cid, "reject", version=1, note="重复上报")
    assert stale.status_code == 409 and conforms(schema, "Conflict", stale.json())
    assert stale.json()["current_version"] == 2
    # 422: an Idempotency-Key used again for another body
    key = uuid.uuid4().hex
    assert post_report(worker, loop, key=key, photos=[]).status_code == 201
    mismatch = post_report(worker, loop, key=key, photos=[], description="另一件事")
    assert mismatch.status_code == 422 and conforms(schema, "Error", mismatch.json())


@pytest.mark.django_db
def test_a_throttled_answer_fits_its_component(schema):
    from django.core.cache import cache

    cache.clear()
    client = APIClient(REMOTE_ADDR="10.9.8.7")
    answers = [client.post("/api/v1/auth/token/", {"username": f"u{i}", "password": "x"}, format="json")
               for i in range(25)]
    throttled = [a for a in answers if a.status_code == 429]
    assert throttled and conforms(schema, "Error", throttled[0].json()) and throttled[0]["Retry-After"]
    assert {a.status_code for a in answers} <= statuses(schema["paths"]["/api/v1/auth/token/"]["post"])
