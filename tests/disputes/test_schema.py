"""The disputes API is in the OpenAPI schema, without generator warnings or errors."""

import pytest
from drf_spectacular.drainage import GENERATOR_STATS

from disputes.actions import MEDIATION_ACTIONS, PETITION_ACTIONS, STATEMENT_ACTIONS

BASE = "/api/v1/disputes"
PATHS = {
    f"{BASE}/bodies/": {"get"},
    f"{BASE}/mediations/": {"get", "post"},
    f"{BASE}/mediations/{{id}}/": {"get"},
    f"{BASE}/mediations/{{id}}/agreement-file/": {"get"},
    f"{BASE}/petitions/": {"get", "post"},
    f"{BASE}/statements/": {"get"},
    f"{BASE}/statements/export/": {"get"},
    f"{BASE}/figures/": {"get"},
    **{f"{BASE}/mediations/{{id}}/{a.replace('_', '-')}/": {"post"} for a in MEDIATION_ACTIONS},
    **{f"{BASE}/petitions/{{id}}/{a.replace('_', '-')}/": {"post"} for a in PETITION_ACTIONS},
    **{f"{BASE}/statements/{{id}}/{a}/": {"post"} for a in STATEMENT_ACTIONS},
}


@pytest.fixture
def schema(db, api):
    GENERATOR_STATS.reset()
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_every_disputes_endpoint_is_in_the_schema(schema):
    for path, methods in PATHS.items():
        assert path in schema["paths"], path
        assert set(schema["paths"][path]) - {"parameters"} == methods, path


def test_no_generator_warnings_for_the_disputes_api(schema):
    ours = [
        msg
        for msg in [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
        if "disputes" in msg or any(n in msg for n in ("Mediation", "Petition", "Statement", "Enum"))
    ]
    assert ours == []
