"""Files written before a rolled-back transaction are swept by a beat task: the photo of a report
whose transaction rolled back stays in storage with no row; `governance.sweep_orphan_files`
(settings.PERIODIC_TASKS) deletes it once older than the grace period, and keeps the files rows
refer to and the orphans still inside the grace period."""

import os
import time

import pytest
from django.core.files.storage import default_storage
from django.db import transaction

from governance.tasks import sweep_orphan_files
from incidents.models import CaseAttachment
from tests.incidents.conftest import loop, photo, report  # noqa: F401  (fixtures)


def age(name: str, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(default_storage.path(name), (then, then))


def files() -> set[str]:
    found, stack = set(), [""]
    while stack:
        path = stack.pop()
        directories, names = default_storage.listdir(path)
        found |= {os.path.join(path, n) if path else n for n in names}
        stack += [os.path.join(path, d) if path else d for d in directories]
    return found


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)  # a storage of the test's own: nothing else is swept
    settings.ORPHAN_FILE_GRACE_HOURS = 24
    return tmp_path


def test_files_of_a_rolled_back_report_are_swept_after_the_grace_period(media, report):  # noqa: F811
    kept = report(uploads=[photo("kept.jpg")])
    kept_name = CaseAttachment.objects.get(case=kept).file.name
    with pytest.raises(RuntimeError), transaction.atomic():
        report(uploads=[photo("lost.jpg", colour=(10, 200, 10))])
        raise RuntimeError("a later step of the request failed")
    orphans = files() - {kept_name}
    assert len(orphans) == 1 and not CaseAttachment.objects.filter(file__in=orphans).exists()
    (orphan,) = orphans
    with transaction.atomic():  # a fresh orphan: its transaction could still be open
        report(uploads=[photo("fresh.jpg", colour=(10, 10, 200))])
        transaction.set_rollback(True)
    fresh = files() - {kept_name, orphan}
    for name in (kept_name, orphan):
        age(name, 25)

    assert sweep_orphan_files.delay().get() == 1
    assert files() == {kept_name} | fresh
    assert CaseAttachment.objects.get(case=kept).file.read()  # the kept photo still opens
    assert sweep_orphan_files.delay().get() == 0  # nothing left to sweep: a re-run deletes nothing
