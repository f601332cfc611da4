"""Issue 18 (1): the optional TOTP second factor (django-otp) for admins and command-centre
leaders — enrolment, the sign-in's code step, the token endpoint's `otp_token`, no way around
it — with real codes computed here from the secret the page shows (RFC 6238, not django-otp's)."""

import base64
import datetime as dt
import hashlib
import hmac
import re
import struct

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from governance.roles import Role
from grids import services as grid_services
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"
ENROL = "/accounts/two-factor/"
LOGIN = "/accounts/login/"
CODE = "/accounts/login/code/"
TOKEN = "/api/v1/auth/token/"
START = dt.datetime(2026, 12, 4, 9, 0, 0, tzinfo=dt.UTC)


def totp(secret_b32: str, at: dt.datetime, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 with HMAC-SHA1, as an authenticator app computes it."""
    counter = int(at.timestamp()) // step
    digest = hmac.new(base64.b32decode(secret_b32), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 10**digits:0{digits}d}"


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def leader(world):
    user = UserFactory(username="lingdao")
    grid_services.assign(user=user, area=world.county, role=Role.COMMAND_LEADER)
    return user


def enrolled(client, clock) -> str:
    """Enrol through the page; the secret it showed."""
    page = client.get(ENROL).content.decode()
    secret = re.search(r'id="two-factor-secret">([A-Z2-7]+)<', page).group(1)
    assert 'src="data:image/svg+xml;base64,' in page
    assert client.post(ENROL, {"code": totp(secret, START)}).status_code == 302
    clock.shift(60)
    return secret


def signed_in(client) -> bool:
    return client.get("/notifications/settings/").status_code == 200


def test_enrolment_wants_a_right_code_and_only_admins_and_leaders_may_enrol(client, clock, leader, world):
    client.force_login(leader)
    page = client.get(ENROL).content.decode()
    secret = re.search(r'id="two-factor-secret">([A-Z2-7]+)<', page).group(1)
    refused = client.post(ENROL, {"code": wrong(totp(secret, START))})
    assert refused.status_code == 400 and "动态验证码不正确或已过期" in refused.content.decode()
    assert not TOTPDevice.objects.filter(user=leader, confirmed=True).exists()
    clock.shift(5)  # past django-otp's wait after a wrong code
    assert client.post(ENROL, {"code": totp(secret, START + dt.timedelta(seconds=5))}).status_code == 302
    assert TOTPDevice.objects.get(user=leader).confirmed
    assert "已启用" in client.get(ENROL).content.decode() and signed_in(client)  # this session stays

    worker = UserFactory(username="wangge")
    grid_services.assign(user=worker, area=world.grids["411425100"][0], role=Role.GRID_WORKER)
    other = Client()
    other.force_login(worker)
    assert other.get(ENROL).status_code == 403


def test_sign_in_asks_for_the_code_after_the_password(clock, leader):
    setup = Client()
    setup.force_login(leader)
    secret = enrolled(setup, clock)
    now = START + dt.timedelta(seconds=60)

    client = Client()
    response = client.post(LOGIN, {"username": "lingdao", "password": PASSWORD, "next": "/console/"})
    assert response.status_code == 302 and response["Location"] == CODE
    assert not signed_in(client)  # the password alone signs nobody in
    refused = client.post(CODE, {"code": wrong(totp(secret, now))})
    assert refused.status_code == 400 and "动态验证码不正确" in refused.content.decode()
    again = client.post(CODE, {"code": totp(secret, now)})  # at once: django-otp makes them wait
    assert again.status_code == 400 and "次数过多" in again.content.decode()
    clock.shift(5)
    now += dt.timedelta(seconds=5)
    response = client.post(CODE, {"code": totp(secret, now)})
    assert response.status_code == 302 and response["Location"] == "/console/"
    assert signed_in(client)

    late = Client()
    late.post(LOGIN, {"username": "lingdao", "password": PASSWORD})
    clock.shift(301)  # the code step waits five minutes
    now += dt.timedelta(seconds=301)
    response = late.post(CODE, {"code": totp(secret, now)})
    assert response.status_code == 302 and response["Location"] == LOGIN and not signed_in(late)


def test_no_other_way_to_a_session_skips_the_code(clock, leader, client):
    setup = Client()
    setup.force_login(leader)
    enrolled(setup, clock)
    client.force_login(leader)  # Django's login() without the code step, as the admin's own form calls it
    assert not signed_in(client)
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"] == f"{LOGIN}?next=%2Fadmin%2F"


def test_the_token_endpoint_wants_the_code_too(clock, leader):
    setup = Client()
    setup.force_login(leader)
    secret = enrolled(setup, clock)
    now = START + dt.timedelta(seconds=60)
    api = APIClient()
    missing = api.post(TOKEN, {"username": "lingdao", "password": PASSWORD})
    assert missing.status_code == 400 and "otp_token" in missing.json()["otp_token"][0]
    bad = api.post(TOKEN, {"username": "lingdao", "password": PASSWORD, "otp_token": wrong(totp(secret, now))})
    assert bad.status_code == 400 and "不正确" in bad.json()["otp_token"][0]
    clock.shift(5)
    now += dt.timedelta(seconds=5)
    good = api.post(TOKEN, {"username": "lingdao", "password": PASSWORD, "otp_token": totp(secret, now)})
    assert good.status_code == 200 and good.json()["token"]
    no_device = UserFactory(username="plain")
    assert api.post(TOKEN, {"username": "plain", "password": PASSWORD}).status_code == 200 and no_device


def test_turning_it_off_wants_a_current_code(clock, leader):
    client = Client()
    client.force_login(leader)
    secret = enrolled(client, clock)
    now = START + dt.timedelta(seconds=60)
    refused = client.post(ENROL, {"code": ""})
    assert refused.status_code == 400 and "请输入验证器应用显示的 6 位动态验证码" in refused.content.decode()
    assert client.post(ENROL, {"code": totp(secret, now)}).status_code == 302
    assert not TOTPDevice.objects.filter(user=leader).exists()
    assert Client().post(LOGIN, {"username": "lingdao", "password": PASSWORD}).status_code == 302
