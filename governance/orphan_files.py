"""Uploaded files no row refers to: a photo is written to storage when its row is saved, inside
the request's transaction; when that transaction rolls back (a later check failed, the database
refused, the worker died) the row is gone and the file stays. `sweep()` — the daily beat task
`governance.sweep_orphan_files` (settings.PERIODIC_TASKS) — deletes every file of the media
storage older than settings.ORPHAN_FILE_GRACE_HOURS (24) that no FileField of any installed
model names. The fields are found through Django's app registry, so the kernel imports no app;
a file younger than the grace period is left alone (its transaction may still be open, a
background import may still be queued). Files are checked in batches: one query per file field
and batch, whatever the number of files."""

import datetime as dt
import logging
import posixpath
from collections.abc import Iterator
from itertools import islice

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

log = logging.getLogger(__name__)
BATCH = 500


def file_fields() -> list[tuple[type[models.Model], str]]:
    """(model, field name) for every concrete FileField of every installed model."""
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
    ]


def stored_files(storage, path: str = "") -> Iterator[str]:
    """Every file under `path` of `storage`, as the name a FileField stores (none when the storage
    was never written to: no MEDIA_ROOT yet). An object store has no folders to ask `exists` of:
    `listdir` names the prefixes."""
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:
        return
    for name in files:
        yield posixpath.join(path, name) if path else name
    for directory in directories:
        yield from stored_files(storage, posixpath.join(path, directory) if path else directory)


def _batches(names: Iterator[str], size: int) -> Iterator[list[str]]:
    while chunk := list(islice(names, size)):
        yield chunk


def sweep(*, storage=None, grace: dt.timedelta | None = None) -> int:
    """Delete the unreferenced files older than `grace`; returns how many were deleted."""
    storage = storage or default_storage
    grace = grace if grace is not None else dt.timedelta(hours=settings.ORPHAN_FILE_GRACE_HOURS)
    cutoff = timezone.now() - grace
    fields = file_fields()
    old = (name for name in stored_files(storage) if storage.get_modified_time(name) < cutoff)
    removed = 0
    for chunk in _batches(old, BATCH):
        referenced = set()
        for model, field in fields:
            referenced.update(model._base_manager.filter(**{f"{field}__in": chunk}).values_list(field, flat=True))
        for name in chunk:
            if name not in referenced:
                storage.delete(name)
                removed += 1
    log.info("orphan files: %s deleted", removed)
    return removed
