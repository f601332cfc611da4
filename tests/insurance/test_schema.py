"""The insurance API is in the OpenAPI schema, without generator warnings."""

import re

import pytest
from drf_spectacular.drainage import GENERATOR_STATS

PATHS = {
    "/api/v1/insurance/insurers/": {"get"},
    "/api/v1/insurance/insurers/{id}/": {"get"},
    "/api/v1/insurance/perils/": {"get"},
    "/api/v1/insurance/perils/{id}/": {"get"},
    "/api/v1/insurance/premium-schedules/": {"get", "post"},
    "/api/v1/insurance/policies/": {"get", "post"},
    "/api/v1/insurance/policies/{id}/": {"get"},
    "/api/v1/insurance/policies/{id}/renew/": {"post"},
    "/api/v1/insurance/claims/": {"get", "post"},
    "/api/v1/insurance/claims/{id}/": {"get"},
    "/api/v1/insurance/figures/": {"get"},
    "/api/v1/insurance/figures/export/": {"get"},
    **{
        f"/api/v1/insurance/claims/{{id}}/{action}/": {"post"}
        for action in ("verify", "return", "resubmit", "approve", "settle", "decline", "withdraw", "comment")
    },
}


@pytest.fixture
def schema(db, api):
    GENERATOR_STATS.reset()
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_every_insurance_endpoint_is_in_the_schema(schema):
    for path, methods in PATHS.items():
        assert path in schema["paths"], path
        assert set(schema["paths"][path]) - {"parameters"} == methods, path


def test_no_generator_warnings_for_the_insurance_api(schema):
    ours = [
        msg
        for msg in [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
        if re.search(r"(?<![\w-])insurance/api/", msg)
        or any(n in msg for n in ("Claim", "Policy", "Insurer", "Peril", "Premium", "Figures"))
    ]
    assert ours == []
