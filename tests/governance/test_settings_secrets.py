"""Issue 23 (7): with DEBUG=false the platform refuses to start without SECRET_KEY and IDENTITY_KEY
(it used to invent them under var/, where nobody backs them up); the demo (DEBUG=true) still does."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRET = "s" * 50
IDENTITY = "i" * 32


def start(tmp_path, **variables):
    env = {"PATH": os.environ["PATH"], "VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "governance.settings"}
    env.update(variables)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
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
