"""Issue 23 (7): with DEBUG=false the platform refuses to serve without SECRET_KEY and IDENTITY_KEY
(it used to invent them under var/, where nobody backs them up); the demo (DEBUG=true) still does.
Issue 18: the refusal sits at the serving entry points (WSGI, Celery worker and beat, `check
--deploy`), so a management command that needs no key (`makemigrations --check`) runs bare."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRET = "s" * 50
IDENTITY = "i" * 32


SERVE = "import governance.wsgi; print('started')"


def start(tmp_path, code=SERVE, **variables):
    env = {"PATH": os.environ["PATH"], "VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "governance.settings"}
    env.update(variables)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "variables,missing",
    [
        ({}, "SECRET_KEY"),
        ({"SECRET_KEY": SECRET}, "IDENTITY_KEY"),
        ({"IDENTITY_KEY": IDENTITY}, "SECRET_KEY"),
        ({"SECRET_KEY": "short", "IDENTITY_KEY": IDENTITY}, "SECRET_KEY"),
    ],
)
def test_production_refuses_to_start_without_its_keys(tmp_path, variables, missing):
    result = start(tmp_path, DEBUG="false", **variables)
    assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr and missing in result.stderr
    assert not (tmp_path / "secret_key").exists() and not (tmp_path / "identity_key").exists()


def test_production_starts_with_its_keys(tmp_path):
    result = start(tmp_path, DEBUG="false", SECRET_KEY=SECRET, IDENTITY_KEY=IDENTITY)
    assert result.returncode == 0 and "started" in result.stdout, result.stderr


def test_the_demo_keeps_generated_keys_under_var(tmp_path):
    result = start(tmp_path, DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert len((tmp_path / "secret_key").read_text()) >= 50 and (tmp_path / "identity_key").exists()


@pytest.mark.parametrize(
    "code",
    [
        "from governance.celery import app; from celery.signals import worker_init; worker_init.send(sender=None)",
        "from governance.celery import app; from celery.signals import beat_init; beat_init.send(sender=None)",
        "from django.core.management import execute_from_command_line as run; run(['manage.py', 'check', '--deploy'])",
    ],
    ids=["celery worker", "celery beat", "check --deploy"],
)
def test_celery_and_the_deploy_check_refuse_without_the_keys(tmp_path, code):
    result = start(tmp_path, code, DEBUG="false", SECRET_KEY=SECRET)
    assert result.returncode != 0 and "IDENTITY_KEY must be set" in result.stderr, result.stderr


def test_a_bare_management_command_runs_without_keys(tmp_path):
    """The stop checks run `makemigrations --check` with no environment: it must not fail on keys."""
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run", "-v0"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "secret_key").exists()
