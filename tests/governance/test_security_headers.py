"""Issue 23 (7): NUL bytes in a query answer 400, and every answer carries the security headers
(Content-Security-Policy, Permissions-Policy, Cache-Control: no-store)."""

import pytest
from django.test import Client

from governance.security import content_security_policy

NUL = "\x00"


@pytest.mark.parametrize(
    "url,params",
    [
        ("/api/v1/areas/", {"name": f"城{NUL}"}),
        ("/api/v1/areas/", {"code": NUL}),
        ("/api/v1/households/", {"head_name": f"张{NUL}"}),
        ("/api/v1/cases/", {"q": NUL}),
        ("/api/v1/people/", {NUL: "1"}),
    ],
)
def test_a_nul_byte_in_an_api_query_is_a_400_in_chinese(world, as_user, url, params):
    response = as_user(world.admin).get(url, params)
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


@pytest.mark.parametrize("url", ["/search/", "/desk/", "/api/v1/exports/households/"])
def test_a_nul_byte_in_a_page_query_is_a_400(world, url):
    client = Client()
    client.force_login(world.admin)
    response = client.get(url, {"q": f"13812345678{NUL}"})
    assert response.status_code == 400


def test_the_same_queries_without_nul_answer(world, as_user):
    client = as_user(world.admin)
    assert client.get("/api/v1/areas/", {"name": "城"}).status_code == 200
    assert client.get("/api/v1/households/", {"head_name": "张"}).status_code == 200
    page = Client()
    page.force_login(world.admin)
    assert page.get("/search/", {"q": "13812345678"}).status_code == 200


def test_pages_and_api_answers_carry_the_headers(world, as_user):
    page = Client()
    page.force_login(world.admin)
    for response in (
        page.get("/"),
        page.get("/accounts/login/"),
        as_user(world.admin).get("/api/v1/households/"),
        as_user(world.admin).get("/api/v1/exports/households/"),
        as_user(world.admin).get("/api/v1/areas/999999/"),  # a 404 too
    ):
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self';" in csp and "style-src 'self';" in csp
        assert "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp
        assert "camera=()" in response["Permissions-Policy"] and "geolocation=(self)" in response["Permissions-Policy"]
        assert response["Cache-Control"] == "no-store"


def test_only_redoc_allows_inline_styles(world):
    page = Client()
    page.force_login(world.admin)
    assert "'unsafe-inline'" in page.get("/api/redoc/")["Content-Security-Policy"]
    assert "'unsafe-inline'" not in page.get("/api/docs/")["Content-Security-Policy"]
    assert "script-src 'self';" in page.get("/api/redoc/")["Content-Security-Policy"]


def test_the_tile_server_is_allowed_for_images_only(settings):
    settings.MAP_TILE_URL = "https://{s}.tiles.county.gov.cn/{z}/{x}/{y}.png"
    policy = content_security_policy()
    assert "img-src 'self' data: blob: https://*.tiles.county.gov.cn;" in policy
    assert policy.count("tiles.county.gov.cn") == 1
