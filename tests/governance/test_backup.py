"""`make backup` / `make restore` (governance/backups.py): a small county with cases, their
event logs and a photo goes through a backup, then a restore — in a separate process, as an
operator runs it — into a freshly created database and an empty MEDIA_ROOT. The test compares
the two databases itself (every table's rows, the event log's rows bit for bit) and the photo's
bytes; a restore over a non-empty database, or with another IDENTITY_KEY, is refused."""

import os
import subprocess
import sys

import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from governance.roles import Role
from grids import services as grid_services
from incidents import intake, services
from incidents.catalogue import ensure_catalogue
from incidents.models import Category
from tests.factories import UserFactory
from tests.incidents.conftest import photo

EVENT_ROWS = "SELECT md5(string_agg(e::text, '|' ORDER BY e.id)) FROM incidents_caseevent e"


def snapshot(cursor) -> dict:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    cursor.execute(EVENT_ROWS)
    return {"counts": counts, "events": cursor.fetchone()[0]}


def run_restore(folder, database, media_root, *extra, **env):
    db = connection.settings_dict
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "governance.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{database}",
        "MEDIA_ROOT": str(media_root),
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(folder), *extra],
        cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True, timeout=300,
    )


@pytest.fixture
def fresh_database():
    name = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_backup_round_trips_into_a_fresh_database(world, fresh_database, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_catalogue(world.county)
    operator = UserFactory(username="zhihui")
    grid_services.assign(user=operator, area=world.county, role=Role.COMMAND_OPERATOR)
    worker = UserFactory(username="gw")
    grid_services.assign(user=worker, area=world.grids["411425200"][0], role=Role.GRID_WORKER)
    for n in range(3):
        case = intake.submit_report(
            reporter=worker, source="grid_app", category=Category.objects.get(code="HJ01"),
            description=f"占道堆放 {n}", lat=34.405, lng=115.905, uploads=[photo()],
        )
        services.register(case_id=case.pk, actor=operator)
    stored = sorted(p for p in (tmp_path / "media").rglob("*") if p.is_file())
    assert len(stored) == 3

    call_command("backup", to=str(tmp_path / "backups"))
    (folder,) = (tmp_path / "backups").iterdir()
    assert {p.name for p in folder.iterdir()} >= {"database.dump", "media.tar.gz", "manifest.json"}

    restored_media = tmp_path / "restored-media"
    result = run_restore(folder, fresh_database, restored_media)
    assert result.returncode == 0, result.stderr
    assert "已核对" in result.stdout

    with connection.cursor() as cursor:
        source = snapshot(cursor)
    db = connection.settings_dict
    with psycopg2.connect(dbname=fresh_database, user=db["USER"], host=db["HOST"] or "127.0.0.1",
                          port=db["PORT"] or 5432) as copy, copy.cursor() as cursor:
        restored = snapshot(cursor)
    assert restored == source and source["counts"]["incidents_caseevent"] == 6 and source["events"]
    for path in stored:
        assert (restored_media / path.relative_to(tmp_path / "media")).read_bytes() == path.read_bytes()

    again = run_restore(folder, fresh_database, tmp_path / "other-media")
    assert again.returncode != 0 and "不是空的" in again.stderr
    wrong_key = run_restore(folder, fresh_database, tmp_path / "other-media", "--force",
                            IDENTITY_KEY="another-identity-key-0123456789-abcdefghij")
    assert wrong_key.returncode != 0 and "IDENTITY_KEY" in wrong_key.stderr
