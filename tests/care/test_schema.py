"""The care API is described in the OpenAPI schema, without generator warnings (its component and
enum names do not collide with other apps')."""

import pytest
from drf_spectacular.drainage import GENERATOR_STATS

PATHS = {
    "/api/v1/care/plans/": {"get", "post"},
    "/api/v1/care/plans/{id}/": {"get"},
    "/api/v1/care/plans/{id}/revise/": {"post"},
    "/api/v1/care/plans/{id}/end/": {"post"},
    "/api/v1/care/visits/": {"get", "post"},
    "/api/v1/care/visits/{id}/raise-case/": {"post"},
    "/api/v1/care/visits/{id}/photo/": {"get"},
    "/api/v1/care/figures/": {"get"},
    "/api/v1/care/colour-changes/": {"get", "post"},
    "/api/v1/care/colour-changes/{id}/confirm/": {"post"},
    "/api/v1/care/colour-changes/{id}/reject/": {"post"},
    "/api/v1/care/colour-changes/{id}/withdraw/": {"post"},
    "/api/v1/care/volunteers/": {"get", "post"},
    "/api/v1/care/volunteers/{id}/service/": {"post"},
    "/api/v1/care/volunteers/{id}/exchange/": {"post"},
    "/api/v1/care/volunteers/{id}/movements/": {"get"},
    "/api/v1/care/pairs/": {"get", "post"},
    "/api/v1/care/pairs/{id}/end/": {"post"},
    "/api/v1/care/pairs/{id}/help/": {"post"},
    "/api/v1/care/units/": {"get", "post"},
    "/api/v1/care/units/{id}/members/": {"post"},
    "/api/v1/care/units/{id}/leader/": {"post"},
}


@pytest.fixture
def schema(db, api):
    GENERATOR_STATS.reset()
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_every_care_endpoint_is_in_the_schema(schema):
    for path, methods in PATHS.items():
        assert path in schema["paths"], path
        assert methods <= set(schema["paths"][path]), path


def test_no_generator_warnings_at_all(schema):
    assert [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache] == []
