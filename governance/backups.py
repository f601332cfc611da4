"""Backups of a PostgreSQL installation: the database (pg_dump, custom format), the uploaded
files (read and written through the file storage: MEDIA_ROOT on disk, or the object store of
FILE_STORAGE=s3) and, for an installation whose keys live under var/ (`make run`), the keys —
in one folder with a manifest. docs/operations.md walks an operator through it.

The manifest holds, besides what the folder contains, the row count of every table and a
checksum of every append-only event table, and a fingerprint (not the key) of IDENTITY_KEY:
`restore` loads the dump into an empty database (it refuses a non-empty one without `force`),
unpacks the files, then recomputes the counts and checksums and refuses to call the restore good
unless they match; and it refuses to start when the IDENTITY_KEY in force is not the one the ID
numbers were encrypted with (they would be unreadable). Keys from the environment (production)
are never written into a backup: keep them apart, in the secret store.
"""

import hashlib
import json
import os
import posixpath
import shutil
import subprocess  # nosec B404
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from .audit import append_only_tables
from .orphan_files import stored_files

FORMAT = 1
DUMP, MEDIA, KEYS, MANIFEST = "database.dump", "media.tar.gz", "keys", "manifest.json"
VAR_KEYS = ("secret_key", "identity_key")  # files `make keys` writes under var/


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why (shown to the operator)."""


@dataclass
class Restored:
    tables: int
    rows: int
    media_files: int


def key_fingerprint(key: str) -> str:
    return hashlib.sha256(f"identity-key:{key}".encode()).hexdigest()[:16]


def _require_postgresql():
    if connection.vendor != "postgresql":
        raise BackupError("备份与恢复只支持 PostgreSQL（演示用的 SQLite 请直接复制 var/ 目录）。")


def _pg_env() -> tuple[dict, list[str]]:
    """Environment and connection arguments for pg_dump / pg_restore from the default database."""
    params = connection.settings_dict
    env = {**os.environ}
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = params["PASSWORD"]
    args = ["--dbname", params["NAME"]]
    if params.get("HOST"):
        args += ["--host", params["HOST"]]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", params["USER"]]
    return env, args


def _run(command: list[str], env: dict) -> None:
    # pg_dump / pg_restore with an argument list, never a shell.
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # nosec B603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{result.stderr.strip()[-2000:]}")


def table_counts() -> dict[str, int]:
    """Rows of every table the project's models own, by table name."""
    tables = sorted({m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.managed})
    existing = set(connection.introspection.table_names())
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            if table in existing:
                # Table names from the models, not from input.
                cursor.execute(f'SELECT count(*) FROM "{table}"')  # nosec B608
                counts[table] = cursor.fetchone()[0]
    return counts


def event_checksums() -> dict[str, str]:
    """md5 of every append-only event table's rows in id order: history restored bit for bit."""
    sums = {}
    with connection.cursor() as cursor:
        for table, _fill_once in append_only_tables():
            rows = f'SELECT md5(coalesce(string_agg(t::text, \'|\' ORDER BY t.id), \'\')) FROM "{table}" t'  # nosec B608
            cursor.execute(rows)  # table names from governance.audit
            sums[table] = cursor.fetchone()[0]
    return sums


def backup(target_root: Path) -> Path:
    """Write a backup folder under `target_root`; returns its path."""
    _require_postgresql()
    folder = Path(target_root) / timezone.localtime().strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True, exist_ok=False)
    folder.chmod(0o700)
    env, args = _pg_env()
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-acl", "--file", str(folder / DUMP), *args], env)
    media_files = 0
    with tarfile.open(folder / MEDIA, "w:gz") as archive:
        for name in sorted(stored_files(default_storage)):
            member = tarfile.TarInfo(name)
            member.size = default_storage.size(name)
            member.mtime = int(default_storage.get_modified_time(name).timestamp())
            with default_storage.open(name, "rb") as stored:
                archive.addfile(member, stored)
            media_files += 1
    kept_keys = []
    for name in VAR_KEYS:  # the demo's keys: without them its encrypted data cannot be read
        source = Path(settings.VAR_DIR) / name
        if source.exists() and source.read_text().strip() == _key_in_force(name):
            (folder / KEYS).mkdir(mode=0o700, exist_ok=True)
            shutil.copy2(source, folder / KEYS / name)
            kept_keys.append(name)
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": connection.settings_dict["NAME"],
        "migrations": _latest_migrations(),
        "identity_key_fingerprint": key_fingerprint(settings.IDENTITY_KEY),
        "keys_included": kept_keys,
        "media_files": media_files,
        "tables": table_counts(),
        "event_checksums": event_checksums(),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    return folder


def _key_in_force(name: str) -> str:
    return {"secret_key": settings.SECRET_KEY, "identity_key": settings.IDENTITY_KEY}[name]


def _latest_migrations() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app")
        return dict(cursor.fetchall())


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST
    if not path.exists():
        raise BackupError(f"{folder} 不是备份目录（缺少 {MANIFEST}）。")
    manifest = json.loads(path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"不认识的备份格式：{manifest.get('format')}")
    return manifest


def _database_is_empty() -> bool:
    return not connection.introspection.table_names()


def _storage_name() -> str:
    if settings.FILE_STORAGE == "s3":
        return f"存储桶 {settings.STORAGES['default']['OPTIONS']['bucket_name']}"
    return f"目录 {settings.MEDIA_ROOT}"


def _restore_file(archive: tarfile.TarFile, member: tarfile.TarInfo) -> None:
    """One file of the backup back into the storage, under its own name (nothing but regular
    files with relative names inside the storage: no links, devices or way out)."""
    name = posixpath.normpath(member.name)
    if not member.isfile() or name.startswith(("/", "..")):
        raise BackupError(f"备份中的上传文件 {member.name!r} 不是存储内的普通文件：拒绝恢复。")
    if default_storage.exists(name):  # only with --force (the storage was checked empty otherwise)
        default_storage.delete(name)
    saved = default_storage.save(name, File(archive.extractfile(member), name=name))
    if saved != name:
        raise BackupError(f"上传文件 {name} 恢复后名为 {saved}：请恢复到空的存储。")


def restore(folder: Path, *, force: bool = False) -> Restored:
    """Load the backup in `folder` into the default database and the file storage, then verify it."""
    _require_postgresql()
    folder = Path(folder)
    manifest = read_manifest(folder)
    if manifest["identity_key_fingerprint"] != key_fingerprint(settings.IDENTITY_KEY):
        raise BackupError(
            "当前的 IDENTITY_KEY 不是备份时使用的密钥：恢复后身份证号将无法解密。请先设置原来的 IDENTITY_KEY"
            "（演示环境：备份目录 keys/ 下的 identity_key 放回 var/）。"
        )
    if not force and not _database_is_empty():
        name = connection.settings_dict["NAME"]
        raise BackupError(f"数据库 {name} 不是空的：请恢复到新建的空数据库，或加 --force 覆盖。")
    if not force and next(stored_files(default_storage), None) is not None:
        raise BackupError(f"上传文件存储（{_storage_name()}）不是空的：请换一个空的目录或存储桶，或加 --force 覆盖。")

    env, args = _pg_env()
    clean = ["--clean", "--if-exists"] if force else []
    _run(["pg_restore", "--no-owner", "--no-acl", "--exit-on-error", *clean, *args, str(folder / DUMP)], env)
    connection.close()  # see the restored catalogue afresh

    with tarfile.open(folder / MEDIA, "r:gz") as archive:
        for member in archive:
            _restore_file(archive, member)
    media_files = sum(1 for _ in stored_files(default_storage))

    counts, sums = table_counts(), event_checksums()
    wrong = [t for t, n in manifest["tables"].items() if counts.get(t) != n]
    wrong += [t for t, s in manifest["event_checksums"].items() if sums.get(t) != s]
    if wrong:
        raise BackupError(f"恢复后核对不符（{', '.join(sorted(wrong)[:10])}）：请勿使用这个数据库。")
    if media_files < manifest["media_files"]:
        raise BackupError(f"上传文件只恢复了 {media_files} 个，备份中有 {manifest['media_files']} 个。")
    return Restored(tables=len(counts), rows=sum(counts.values()), media_files=media_files)

