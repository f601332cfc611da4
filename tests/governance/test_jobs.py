import pytest

from governance import jobs
from governance.models import Job, JobStatus
from tests.factories import UserFactory


@pytest.fixture
def requester(db):
    return UserFactory(username="clerk")


def test_a_job_moves_from_queued_to_done_and_shows_its_progress(requester, as_user):
    job = jobs.start_job(kind="export", requested_by=requester)
    with jobs.running(job.pk):
        jobs.set_total(job.pk, 4, "正在导出")
        jobs.advance(job.pk, 3)
        middle = as_user(requester).get(f"/api/v1/jobs/{job.pk}/").json()
        assert (middle["status"], middle["done"], middle["total"], middle["percent"]) == ("running", 3, 4, 75)
        jobs.advance(job.pk, 5)  # never past the total
        assert Job.objects.get(pk=job.pk).done == 4
        jobs.attach_result(job.pk, "result.xlsx", b"PK-bytes")
    body = as_user(requester).get(f"/api/v1/jobs/{job.pk}/").json()
    assert (body["status"], body["percent"]) == ("done", 100)
    download = as_user(requester).get(body["download_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"PK-bytes"
    assert "attachment" in download["Content-Disposition"]


def test_an_error_inside_the_block_marks_the_job_failed_and_propagates(requester):
    job = jobs.start_job(kind="daily_review", requested_by=requester)
    with pytest.raises(RuntimeError), jobs.running(job.pk):
        raise RuntimeError("数据库连接中断")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "数据库连接中断" in job.message and job.finished_at


def test_only_the_requester_or_an_admin_sees_a_job_others_get_404(requester, as_user, world):
    job = jobs.start_job(kind="export", requested_by=requester)
    other = UserFactory(username="other")
    assert as_user(other).get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    assert as_user(other).get(f"/api/v1/jobs/{job.pk}/download/").status_code == 404
    assert as_user(world.admin).get(f"/api/v1/jobs/{job.pk}/").status_code == 200
    assert as_user(world.officers[world.a.code]).get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    assert as_user(requester).get(f"/api/v1/jobs/{job.pk}/download/").status_code == 404  # no file yet
