"""Issue 23 (7): API tokens expire, can be revoked, and are stored only as a digest (django-rest-knox)."""

import datetime as dt

import time_machine
from django.conf import settings
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.factories import UserFactory

TOKEN_URL = "/api/v1/auth/token/"
PROBE = "/api/v1/notifications/"
REFUSED = (401, 403)  # 403: session authentication comes first and answers for a failed login


def issue(username="tokenuser", password="correct-horse-battery"):
    return APIClient().post(TOKEN_URL, {"username": username, "password": password})


def with_token(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_token_is_issued_for_a_password_and_stored_only_as_a_digest(db):
    UserFactory(username="tokenuser")
    response = issue()
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    assert with_token(token).get(PROBE).status_code == 200
    [row] = AuthToken.objects.values()
    assert all(token not in str(value) for value in row.values())  # the key prefix only, and a SHA-512 digest
    assert len(row["digest"]) == 128


def test_a_token_expires(db):
    UserFactory(username="tokenuser")
    token = issue().json()["token"]
    ttl = settings.REST_KNOX["TOKEN_TTL"]
    assert dt.timedelta(hours=1) <= ttl <= dt.timedelta(days=1)
    with time_machine.travel(timezone.now() + ttl + dt.timedelta(minutes=1)):
        assert with_token(token).get(PROBE).status_code in REFUSED


def test_a_token_is_revoked_alone_or_with_all_others(db):
    UserFactory(username="tokenuser")
    first, second, third = (issue().json()["token"] for _ in range(3))
    assert with_token(first).post("/api/v1/auth/token/revoke/").status_code == 204
    assert with_token(first).get(PROBE).status_code in REFUSED
    assert with_token(second).get(PROBE).status_code == 200
    assert with_token(second).post("/api/v1/auth/token/revoke-all/").status_code == 204
    assert with_token(second).get(PROBE).status_code in REFUSED and with_token(third).get(PROBE).status_code in REFUSED


def test_a_wrong_password_gets_no_token(db):
    UserFactory(username="tokenuser")
    response = issue(password="wrong-password-123")
    assert response.status_code == 400
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(response.json()))
    assert not AuthToken.objects.exists()
