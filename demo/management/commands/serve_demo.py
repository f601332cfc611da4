"""manage.py serve_demo — the web server and the Celery worker (with beat) of `make run`, together.

Both run in their own sessions with their output in var/log/, so the terminal shows the banner
(where the demo is and who can sign in) and nothing pushes it off the screen. Ctrl-C (or SIGTERM)
stops both gracefully — SIGTERM to each process group, SIGKILL after a grace period — and the
command ends with one line and exit status 0: no "Terminated", no crash of a child mid-shutdown.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

GRACE_SECONDS = 20
START_SECONDS = 60


class Stop(Exception):
    """Ctrl-C or SIGTERM."""


def _stop(signum, frame):
    raise Stop


def _listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


class Command(BaseCommand):
    help = "同时启动演示平台的网页服务和后台任务（Celery worker + beat），Ctrl-C 一并停止。"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn 进程数")

    def handle(self, *args, host, port, workers, **options):
        logs = Path(settings.VAR_DIR) / "log"
        logs.mkdir(parents=True, exist_ok=True)
        bin_dir = Path(sys.executable).parent
        commands = {
            "worker": [
                str(bin_dir / "celery"), "-A", "governance", "worker", "--beat", "--concurrency", "1",
                "--loglevel", "INFO", "--schedule", str(logs.parent / "celerybeat-schedule"),
                "--logfile", str(logs / "celery.log"),
            ],
            "web": [
                str(bin_dir / "gunicorn"), "governance.wsgi", "--config", "python:governance.gunicorn_conf",
                "--bind", f"{host}:{port}", "--workers", str(workers),
                "--access-logfile", str(logs / "access.log"), "--error-logfile", str(logs / "gunicorn.log"),
            ],
        }
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        children: dict[str, subprocess.Popen] = {}
        try:
            for name, command in commands.items():
                with open(logs / f"{name}.out", "ab") as out:
                    children[name] = subprocess.Popen(
                        command, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                        start_new_session=True, cwd=settings.BASE_DIR,
                    )
            self._wait_until_serving(children, host, port, logs)
            call_command("demo_banner", url=f"http://{host}:{port}/", stdout=self.stdout)
            self.stdout.write(f"  日志：{logs}/（网页 access.log、gunicorn.log，后台任务 celery.log）")
            self.stdout.write("  按 Ctrl-C 停止。")
            self.stdout.flush()
            while True:
                for name, child in children.items():
                    if child.poll() is not None:
                        raise CommandError(f"{name} 意外退出（{child.returncode}），见 {logs}/{name}.out")
                time.sleep(0.5)
        except Stop:
            self.stdout.write("\n正在停止……")
        finally:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            self._stop_all(children)
        self.stdout.write("演示平台已停止。")

    def _wait_until_serving(self, children, host, port, logs):
        deadline = time.monotonic() + START_SECONDS
        while not _listening(host, port):
            for name, child in children.items():
                if child.poll() is not None:
                    raise CommandError(f"{name} 启动失败（{child.returncode}），见 {logs}/{name}.out")
            if time.monotonic() > deadline:
                raise CommandError(f"{START_SECONDS} 秒内网页服务没有启动，见 {logs}/web.out")
            time.sleep(0.3)

    @staticmethod
    def _stop_all(children):
        for child in children.values():
            _signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(child, signal.SIGKILL)
                child.wait()


def _signal_group(child: subprocess.Popen, signum: int) -> None:
    """Signal the child's whole session (gunicorn's and Celery's own worker processes too)."""
    try:
        os.killpg(child.pid, signum)
    except ProcessLookupError:  # already gone
        pass
