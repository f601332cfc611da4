"""The credit API is described in the OpenAPI schema, without generator warnings."""

import pytest
from drf_spectacular.drainage import GENERATOR_STATS

PATHS = {
    "/api/v1/credit/enterprises/": {"get", "post"},
    "/api/v1/credit/subjects/{id}/standing/": {"get"},
    "/api/v1/credit/rules/": {"get"},
    "/api/v1/credit/facts/": {"get", "post"},
    "/api/v1/credit/facts/{id}/apply/": {"post"},
    "/api/v1/credit/facts/{id}/dismiss/": {"post"},
    "/api/v1/credit/rounds/": {"get", "post"},
    "/api/v1/credit/rounds/{id}/nominate/": {"post"},
    "/api/v1/credit/rounds/{id}/propose/": {"post"},
    "/api/v1/credit/rounds/{id}/review/": {"post"},
    "/api/v1/credit/rounds/{id}/publish/": {"post"},
    "/api/v1/credit/rounds/{id}/object/": {"post"},
    "/api/v1/credit/rounds/{id}/answer/": {"post"},
    "/api/v1/credit/rounds/{id}/take-effect/": {"post"},
    "/api/v1/credit/ratings/": {"get"},
    "/api/v1/credit/lines/": {"get", "post"},
    "/api/v1/credit/lines/{id}/movements/": {"post"},
    "/api/v1/credit/integrity-checks/": {"get", "post"},
    "/api/v1/credit/rewards/": {"get"},
    "/api/v1/credit/safe-villages/": {"get", "post"},
    "/api/v1/credit/figures/": {"get"},
    "/api/v1/credit/honour-roll/": {"get"},
}


@pytest.fixture
def schema(db, api):
    GENERATOR_STATS.reset()
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_every_credit_endpoint_is_in_the_schema(schema):
    for path, methods in PATHS.items():
        assert path in schema["paths"], path
        assert set(schema["paths"][path]) - {"parameters"} == methods, path


def test_no_generator_warnings_for_the_credit_api(schema):
    messages = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    assert [m for m in messages if "credit" in m.lower()] == []
    components = schema["components"]["schemas"]
    for enum in ("CreditFactStatus", "CreditRoundStatus", "CreditItemKind", "CreditSubjectKind", "CreditMovementKind"):
        assert f"{enum}Enum" in components  # named, not a collision's hash
    assert schema["paths"]["/api/v1/credit/rewards/"]["get"]["parameters"]
