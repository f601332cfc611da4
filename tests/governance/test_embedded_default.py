"""The embedded default (`make run` without DATABASE_URL: SQLite, the filesystem broker) runs the
same periodic tasks as PostgreSQL. The suite itself runs on PostgreSQL, so SQL that SQLite cannot
compile (the 115 sweep's `due_at − alert_seconds × 1 s` once failed every 10 s on the demo) would
reach only the demo: here every task of settings.PERIODIC_TASKS runs once on a freshly migrated
SQLite database, in a process of its own with the production settings."""

import os
import subprocess
import sys

from django.conf import settings

RUN_EVERY_TASK = """
from django.conf import settings
from governance.celery import app
app.loader.import_default_modules()
for periodic in settings.PERIODIC_TASKS:
    result = app.tasks[periodic.task].apply()
    print("FAILED" if result.failed() else "ran", periodic.task, result.result if result.failed() else "")
"""


def test_every_periodic_task_runs_on_sqlite(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "governance.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "VAR_DIR": str(tmp_path),
        "DEBUG": "true",  # (keys made under VAR_DIR, as `make run` does)
        "CELERY_TASK_ALWAYS_EAGER": "true",
    }

    def manage(*args):
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env,
                              capture_output=True, text=True, timeout=600)  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    manage("migrate", "--noinput", "-v0")
    lines = manage("shell", "-c", RUN_EVERY_TASK).splitlines()
    ran = [line for line in lines if line.startswith(("ran ", "FAILED "))]
    assert len(ran) == len(settings.PERIODIC_TASKS)
    assert not [line for line in ran if line.startswith("FAILED")], "\n".join(ran)
