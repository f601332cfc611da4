"""PostgreSQL going away under a running server (gunicorn, as deployed): a dropped connection
(pg_terminate_backend) costs nothing — the next request reconnects; while the database cannot be
reached, pages answer the Chinese 503 page and the API a JSON 503 with Retry-After; once it is
back, the next requests succeed. The server reaches PostgreSQL through a proxy the test cuts
(tests/faults.py), so the shared server is never restarted."""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from knox.models import AuthToken

from tests.factories import UserFactory
from tests.faults import TcpProxy, free_port


def get(port, path, **headers):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.fixture
def server(db):
    db_settings = connection.settings_dict
    proxy = TcpProxy(int(db_settings["PORT"] or 5432)).start()
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "governance.test_settings",  # static files from the app folders
        "DATABASE_URL": f"postgres://{db_settings['USER']}@127.0.0.1:{proxy.port}/{db_settings['NAME']}",
    }
    command = [sys.executable, "-m", "gunicorn", "governance.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1",
               "--config", "python:governance.gunicorn_conf"]
    process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while True:
        try:
            get(port, "/accounts/login/")
            break
        except OSError:
            assert time.monotonic() < deadline and process.poll() is None, "gunicorn did not start"
            time.sleep(0.3)
    try:
        yield port, proxy
    finally:
        process.terminate()
        process.wait(30)
        proxy.cut()


def terminate_other_backends():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_requests_survive_a_dropped_connection_and_a_database_restart(server):
    port, proxy = server
    user = UserFactory(username="zhihui")
    _instance, token = AuthToken.objects.create(user)
    api = {"Authorization": f"Token {token}"}
    browser = Client()
    browser.force_login(user)
    page = {"Cookie": f"sessionid={browser.cookies['sessionid'].value}"}

    assert get(port, "/api/v1/notifications/", **api)[0] == 200
    assert get(port, "/", **page)[0] == 200

    assert terminate_other_backends() >= 1  # the server's connection is gone
    assert get(port, "/api/v1/notifications/", **api)[0] == 200  # the next request reconnects
    assert get(port, "/", **page)[0] == 200

    proxy.cut()  # PostgreSQL restarting: connections dropped, new ones refused
    status, headers, body = get(port, "/api/v1/notifications/", **api)
    assert status == 503 and headers["Retry-After"] and "数据库暂时不可用" in json.loads(body)["detail"]
    status, headers, body = get(port, "/", **page)
    assert status == 503 and "系统正在恢复" in body and "Traceback" not in body
    status, _headers, body = get(port, "/healthz")
    assert status == 503 and json.loads(body)["status"] == "down"

    proxy.restore()
    assert get(port, "/api/v1/notifications/", **api)[0] == 200
    assert get(port, "/", **page)[0] == 200
