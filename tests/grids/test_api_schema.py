"""The grids API is fully described in the OpenAPI schema, without generator warnings."""

import pytest
from drf_spectacular.drainage import GENERATOR_STATS

GRIDS_PATHS = {
    "/api/v1/areas/": {"get", "post"},
    "/api/v1/areas/{id}/": {"get", "patch"},
    "/api/v1/areas/{id}/children/": {"get"},
    "/api/v1/areas/{id}/responsible/": {"get"},
    "/api/v1/areas/vacant/": {"get"},
    "/api/v1/areas/resolve/": {"get"},
    "/api/v1/people/": {"get", "post"},
    "/api/v1/people/{id}/": {"get"},
    "/api/v1/assignments/": {"get", "post"},
    "/api/v1/assignments/{id}/": {"get"},
    "/api/v1/assignments/{id}/end/": {"post"},
    "/api/v1/assignments/{id}/transfer/": {"post"},
    "/api/v1/households/": {"get", "post"},
    "/api/v1/households/{id}/": {"get", "patch"},
    "/api/v1/households/{id}/residents/": {"put"},
}


@pytest.fixture
def schema(db, api):
    GENERATOR_STATS.reset()
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_every_grids_endpoint_is_in_the_schema(schema):
    paths = schema["paths"]
    for path, methods in GRIDS_PATHS.items():
        assert path in paths, path
        assert set(paths[path]) - {"parameters"} == methods, path


def test_no_generator_warnings_for_the_grids_api(schema):
    ours = [
        msg
        for msg in [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
        if "grids/api" in msg or any(name in msg for name in ("Area", "Person", "Assignment", "Household"))
    ]
    assert ours == []


def test_parameters_and_labels_are_described(schema):
    params = {p["name"]: p for p in schema["paths"]["/api/v1/households/"]["get"]["parameters"]}
    assert {
        "township",
        "village",
        "grid",
        "under",
        "colour",
        "register_status",
        "tag",
        "head_name",
    } <= set(params)
    assert "id_number" not in params  # searched by POST /households/search/ (kept out of access logs)
    assert "requestBody" in schema["paths"]["/api/v1/households/search/"]["post"]
    assert params["under"]["schema"]["type"] == "integer" and "子树" in params["under"]["description"]
    resolve = {p["name"]: p for p in schema["paths"]["/api/v1/areas/resolve/"]["get"]["parameters"]}
    assert resolve["lat"]["required"] and resolve["crs"]["schema"]["enum"] == ["WGS84", "GCJ02", "BD09"]
    responsible = {p["name"] for p in schema["paths"]["/api/v1/areas/{id}/responsible/"]["get"]["parameters"]}
    assert {"date", "role"} <= responsible
    area_id = schema["paths"]["/api/v1/areas/{id}/"]["get"]["parameters"][0]
    assert area_id["schema"]["type"] == "integer"
    household = schema["components"]["schemas"]["HouseholdDetail"]["properties"]
    assert household["head_name"]["title"] == "户主姓名" and "residents" in household
    write_result = schema["components"]["schemas"]["HouseholdWriteResult"]["properties"]
    assert write_result["warnings"]["type"] == "array"
