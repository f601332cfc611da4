"""Large imports run as a Celery job with the job progress page: a file of more rows than
settings.IMPORT_SYNC_ROWS answers 202 with the job; the job counts rows checked and written,
ends with a summary and the report as a CSV, and removes the stored upload. A short file is still
imported in the request (200)."""

import time

import pytest
from django.core.files.storage import default_storage

from governance.models import Job, JobStatus
from grids.models import Household
from tests.celery_worker import running_worker
from tests.grids.test_import_export import HOUSEHOLD_HEADER, _upload, csv_bytes, household_row, id_number

URL = "/api/v1/imports/households/"
BROKER = "redis://127.0.0.1:6379/12"  # a database of its own (the daily review's worker test uses 11)


@pytest.fixture
def small_limit(settings):
    settings.IMPORT_SYNC_ROWS = 2


def rows(grid, n, bad_at=None):
    made = []
    for i in range(1, n + 1):
        number = "110105198001010010" if i == bad_at else id_number(i)  # a bad check digit at `bad_at`
        made.append(household_row(f"HB{i:03d}", grid, f"户主{i}", member=(f"户主{i}", "户主", number, "", "")))
    return made


def stored_uploads() -> list[str]:
    return default_storage.listdir("imports")[1] if default_storage.exists("imports") else []


def test_a_large_import_runs_as_a_job_with_progress_and_a_report(
    world, as_user, small_limit, django_capture_on_commit_callbacks
):
    grid = world.grids["411425100"][0].code
    client = as_user(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, _upload(csv_bytes(HOUSEHOLD_HEADER, rows(grid, 5)), "h.csv"), format="multipart")
    assert response.status_code == 202, response.content
    body = response.json()
    job = Job.objects.get(pk=body["job"])
    assert body["rows_total"] == 5 and body["page_url"].endswith(f"/jobs/{job.pk}/")
    assert (job.kind, job.status, job.requested_by) == ("grids_import", JobStatus.DONE, world.admin)
    assert (job.done, job.total) == (10, 10)  # 5 rows checked, 5 households written
    assert job.message == "已导入 5 行。"
    assert Household.objects.filter(number__startswith="HB").count() == 5
    status = client.get(body["status_url"]).json()
    assert status["percent"] == 100 and status["download_url"]
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "导入表格" in page and "已导入 5 行" in page and "hx-get" not in page
    assert stored_uploads() == []  # the kept upload is gone
    report = b"".join(client.get(f"/api/v1/jobs/{job.pk}/download/").streaming_content).decode("utf-8-sig")
    assert report.splitlines()[0] == "类别,行号,列,说明"


def test_a_large_file_with_a_bad_row_writes_nothing_and_reports_it(
    world, as_user, small_limit, django_capture_on_commit_callbacks
):
    grid = world.grids["411425100"][0].code
    client = as_user(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, _upload(csv_bytes(HOUSEHOLD_HEADER, rows(grid, 4, bad_at=3)), "h.csv"))
    job = Job.objects.get(pk=response.json()["job"])
    assert job.status == JobStatus.DONE and "1 行有错误，未写入任何数据" in job.message
    assert not Household.objects.filter(number__startswith="HB").exists()
    report = b"".join(client.get(f"/api/v1/jobs/{job.pk}/download/").streaming_content).decode("utf-8-sig")
    assert "错误,4,身份证号," in report  # line 4 of the file (header = 1)
    officer = world.officers["411425100"]
    assert as_user(officer).get(f"/jobs/{job.pk}/").status_code == 404  # only the requester (or an admin)


def test_a_short_file_is_still_imported_in_the_request(world, as_user, small_limit):
    grid = world.grids["411425100"][0].code
    response = as_user(world.admin).post(URL, _upload(csv_bytes(HOUSEHOLD_HEADER, rows(grid, 2)), "h.csv"))
    assert response.status_code == 200 and response.json()["written"] is True
    assert not Job.objects.exists()


def test_an_unreadable_large_file_is_refused_at_once(world, as_user, small_limit):
    response = as_user(world.admin).post(URL, _upload(b"\x00\x01not a sheet" * 100, "h.xlsx"))
    assert response.status_code == 400 and response.json()["detail"]
    assert not Job.objects.exists()


@pytest.fixture
def real_worker():
    with running_worker(BROKER):
        yield


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_large_import_runs_on_a_real_worker(world, as_user, small_limit, real_worker):
    """Sent to the Redis broker after the request commits; a worker thread with its own
    database connection reads the stored file, writes the households and closes the job."""
    grid = world.grids["411425100"][0].code
    response = as_user(world.admin).post(URL, _upload(csv_bytes(HOUSEHOLD_HEADER, rows(grid, 3)), "h.csv"))
    assert response.status_code == 202, response.content
    job_id = response.json()["job"]
    deadline = time.monotonic() + 25
    while Job.objects.get(pk=job_id).status in (JobStatus.QUEUED, JobStatus.RUNNING):
        assert time.monotonic() < deadline, "the worker did not finish the import"
        time.sleep(0.2)
    job = Job.objects.get(pk=job_id)
    assert (job.status, job.message) == (JobStatus.DONE, "已导入 3 行。")
    assert Household.objects.filter(number__startswith="HB").count() == 3
    assert stored_uploads() == []
