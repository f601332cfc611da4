"""GET /api/v1/me/: the signed-in account, with no query beyond authentication."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.factories import UserFactory


def test_me_answers_the_account_of_the_token_with_the_authentication_queries_only(db):
    user = UserFactory(username="me-user", full_name="张三")
    client = APIClient(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user)[1]}")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/v1/me/")
    assert response.json() == {"id": user.pk, "username": "me-user", "name": "张三"}
    reads = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT")]
    assert len(reads) == 2 and all('FROM "knox_authtoken"' in sql for sql in reads)  # the token and its user


def test_me_needs_a_signed_in_account(db):
    assert APIClient().get("/api/v1/me/").status_code in (401, 403)
