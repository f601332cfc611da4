"""Issue 18 (1): sign-in lock-out on the page and the token endpoint (django-axes), unlock by an
admin, the password policy, idle and absolute session limits, and disabling an account ends every
session and token at once."""

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from governance.models import User
from tests.factories import UserFactory

TOKEN_URL = "/api/v1/auth/token/"
LOGIN_URL = "/accounts/login/"
PASSWORD = "correct-horse-battery"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def fresh_throttles():
    """The token endpoint's per-address throttle counts in the cache: start each test at zero."""
    cache.clear()


def token_attempt(username="zhihui", password="wrong-password-1"):
    return APIClient().post(TOKEN_URL, {"username": username, "password": password})


def page_attempt(client, username="zhihui", password="wrong-password-1"):
    return client.post(LOGIN_URL, {"username": username, "password": password})


def sessions_of(user) -> int:
    return sum(s.get_decoded().get("_auth_user_id") == str(user.pk) for s in Session.objects.all())


def signed_in_client(user) -> Client:
    client = Client()
    response = page_attempt(client, user.username, PASSWORD)
    assert response.status_code == 302, response.content
    return client


def test_wrong_passwords_on_the_token_endpoint_lock_the_account(db):
    UserFactory(username="zhihui")
    limit = settings.AXES_FAILURE_LIMIT
    assert 3 <= limit <= 10
    answers = [token_attempt().status_code for _ in range(limit - 1)]
    assert answers == [400] * (limit - 1)
    locked = token_attempt()  # the limit-th wrong password locks
    assert locked.status_code == 429 and CHINESE.search(locked.json()["detail"])
    right = token_attempt(password=PASSWORD)  # the right password is refused while locked
    assert right.status_code == 429 and "token" not in right.json()
    assert not AuthToken.objects.exists()


def test_the_lock_ends_after_the_cool_off(db):
    UserFactory(username="zhihui")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        token_attempt()
    assert token_attempt(password=PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + dt.timedelta(minutes=1)):
        assert token_attempt(password=PASSWORD).status_code == 200


def test_the_page_locks_too_and_counts_with_the_api(db):
    UserFactory(username="zhihui")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = page_attempt(client)
        assert response.status_code == 200 and "请输入一个正确的" in response.text  # Django's own form error
    assert token_attempt().status_code == 429  # one more over the API reaches the limit
    response = page_attempt(client, password=PASSWORD)
    assert response.status_code == 429
    assert "登录失败次数过多" in response.text and "_auth_user_id" not in client.session
    assert Client().get("/").status_code == 302  # not signed in


def test_other_accounts_are_not_locked(db):
    UserFactory(username="zhihui")
    UserFactory(username="town-100")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        token_attempt()
    assert token_attempt("town-100", PASSWORD).status_code == 200


def test_a_right_password_resets_the_count(db):
    UserFactory(username="zhihui")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        token_attempt()
    assert token_attempt(password=PASSWORD).status_code == 200
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert token_attempt().status_code == 400


def test_an_admin_unlocks_from_the_admin(db):
    UserFactory(username="zhihui")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        token_attempt()
    assert page_attempt(Client(), password=PASSWORD).status_code == 429
    admin = Client()
    admin.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    pk = User.objects.get(username="zhihui").pk
    response = admin.post("/admin/governance/user/", {"action": "unlock_sign_in", "_selected_action": [pk]})
    assert response.status_code == 302
    assert "已解除 1 个账号的登录锁定" in admin.get(response.url).text
    assert token_attempt(password=PASSWORD).status_code == 200


def test_the_password_policy_answers_in_chinese(db):
    admin = APIClient()
    admin.force_login(UserFactory(username="root", is_superuser=True))
    body = {"username": "wangwu", "full_name": "王五", "phone": "13812345678"}
    for weak in ("onlylowercaseletters", "lowercase-and-symbols", "Short-1"):
        response = admin.post("/api/v1/people/", {**body, "password": weak}, format="json")
        assert response.status_code == 400, (weak, response.content)
        assert all(CHINESE.search(m) for m in response.json()["password"]), response.json()
    assert "至少 3 种" in str(admin.post("/api/v1/people/", {**body, "password": "lowercase-and-symbols"},
                                        format="json").json())
    assert admin.post("/api/v1/people/", {**body, "password": "Grid-worker-2025!"}, format="json").status_code == 201


def test_an_idle_session_ends(db):
    user = UserFactory(username="zhihui")
    client = signed_in_client(user)
    idle = dt.timedelta(minutes=settings.SESSION_IDLE_MINUTES)
    start = timezone.now()
    with time_machine.travel(start + idle - dt.timedelta(minutes=2)):
        assert client.get("/api/v1/notifications/").status_code == 200  # active: the clock restarts
    with time_machine.travel(start + 2 * idle - dt.timedelta(minutes=4)):
        assert client.get("/api/v1/notifications/").status_code == 200
    with time_machine.travel(start + 3 * idle):
        assert client.get("/api/v1/notifications/").status_code == 403
        response = client.get("/")
        assert response.status_code == 302 and response.url.startswith(LOGIN_URL)


def test_a_busy_session_still_ends_after_its_maximum_age(db):
    user = UserFactory(username="zhihui")
    client = signed_in_client(user)
    start = timezone.now()
    step = dt.timedelta(minutes=settings.SESSION_IDLE_MINUTES - 5)
    moment = start
    while moment - start < dt.timedelta(seconds=settings.SESSION_COOKIE_AGE) - step:
        moment += step
        with time_machine.travel(moment):
            assert client.get("/api/v1/notifications/").status_code == 200
    with time_machine.travel(start + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE, minutes=1)):
        assert client.get("/api/v1/notifications/").status_code == 403


def test_disabling_an_account_ends_every_session_and_token_at_once(db):
    user = UserFactory(username="zhihui")
    other = UserFactory(username="town-100")
    browsers = [signed_in_client(user), signed_in_client(user)]
    bystander = signed_in_client(other)
    tokens = [token_attempt(password=PASSWORD).json()["token"] for _ in range(2)]
    other_token = token_attempt("town-100", PASSWORD).json()["token"]
    assert sessions_of(user) == 2 and sessions_of(other) == 1 and AuthToken.objects.count() == 3

    admin = Client()
    admin.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    response = admin.post("/admin/governance/user/", {"action": "disable_and_sign_out", "_selected_action": [user.pk]})
    assert response.status_code == 302

    assert not AuthToken.objects.filter(user=user).exists() and sessions_of(user) == 0
    for browser in browsers:
        assert browser.get("/api/v1/notifications/").status_code == 403
    for token in tokens:
        assert APIClient(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/notifications/").status_code in (401, 403)
    user.is_active = True
    user.save()  # enabled again: the old sessions and tokens stay dead
    assert browsers[0].get("/api/v1/notifications/").status_code == 403
    assert APIClient(HTTP_AUTHORIZATION=f"Token {tokens[0]}").get("/api/v1/notifications/").status_code in (401, 403)
    # Nobody else lost anything.
    assert bystander.get("/api/v1/notifications/").status_code == 200
    assert APIClient(HTTP_AUTHORIZATION=f"Token {other_token}").get("/api/v1/notifications/").status_code == 200


def test_a_plain_save_that_disables_ends_the_sessions_too(db):
    """The admin's change form, the API or a shell: any save that turns is_active off."""
    user = UserFactory(username="zhihui")
    browser = signed_in_client(user)
    token_attempt(password=PASSWORD)
    user.refresh_from_db()
    user.is_active = False
    user.save()
    assert sessions_of(user) == 0 and not AuthToken.objects.exists()
    assert browser.get("/api/v1/notifications/").status_code == 403
