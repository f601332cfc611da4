"""The oversight endpoints are in the OpenAPI schema, without generator warnings."""

from drf_spectacular.drainage import GENERATOR_STATS


def test_oversight_endpoints_are_described(db, api):
    GENERATOR_STATS.reset()
    schema = api.get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/v1/oversight/dashboard/", "/api/v1/oversight/map/areas/", "/api/v1/oversight/map/cases/"):
        assert set(schema["paths"][path]) == {"get"}, path
    params = {p["name"]: p for p in schema["paths"]["/api/v1/oversight/map/areas/"]["get"]["parameters"]}
    # counties too: a city's map (a prefecture) draws its counties
    assert params["level"]["required"]
    assert params["level"]["schema"]["enum"] == ["county", "township", "village", "grid"]
    warnings = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    mine = (
        "oversight/api/views.py",
        "oversight/api/serializers.py",
        "Dashboard",
        "Panel",
        "Feature",
        "MapAreas",
        "MapCases",
    )
    assert [w for w in warnings if any(name in w for name in mine)] == []
