"""`make run`'s server (manage.py serve_demo) as a person meets it: DEBUG off with plain-HTTP
cookies and keys from var/, the Chinese error pages, the banner last on screen, and Ctrl-C ending
the web server and the Celery worker without "Terminated" or "Segmentation fault" lines."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import connection

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_demo_serves_chinese_error_pages_and_stops_cleanly_on_ctrl_c(tmp_path):
    db = connection.settings_dict
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": "",  # the demo's own filesystem broker: this worker takes no other test's tasks
        "DEBUG": "false", "SECRET_KEY": "k" * 60, "IDENTITY_KEY": "i" * 40,
        "SESSION_COOKIE_SECURE": "false", "CSRF_COOKIE_SECURE": "false", "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0", "DJANGO_SETTINGS_MODULE": "governance.settings",
        "VAR_DIR": str(tmp_path / "var"),  # its own static files, broker folder and logs
    }
    subprocess.run(  # what `make run` does before serving
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=settings.BASE_DIR, env=env, check=True
    )
    out = tmp_path / "terminal.txt"
    with open(out, "w") as terminal:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "serve_demo", "--port", str(port), "--workers", "1"],
            cwd=settings.BASE_DIR, env=env, stdout=terminal, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 90
        while "按 Ctrl-C 停止" not in out.read_text() and time.monotonic() < deadline:
            assert server.poll() is None, out.read_text()
            time.sleep(0.5)
        status, page = _get(f"http://127.0.0.1:{port}/no-such-page/")
        assert status == 404 and "没有找到您要的页面或记录" in page
        assert "Page not found" not in page and "URLconf" not in page  # not Django's technical page
        status, login = _get(f"http://127.0.0.1:{port}/accounts/login/")
        assert status == 200 and "登录" in login  # plain HTTP: no redirect to https
        time.sleep(3)  # the worker's own banner and log go to var/log/, not under ours
        shown = out.read_text()
        assert shown.rstrip().endswith("按 Ctrl-C 停止。") and "访问地址：" in shown
    finally:
        os.killpg(server.pid, signal.SIGINT)  # what Ctrl-C does: SIGINT to the terminal's process group
        returncode = server.wait(timeout=60)
    shown = out.read_text()
    assert returncode == 0 and shown.rstrip().endswith("演示平台已停止。")
    for noise in ("Terminated", "Segmentation fault", "Traceback", "Killed"):
        assert noise not in shown
