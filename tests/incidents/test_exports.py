"""Every case list exports to XLSX with the page's filters, scoped and masked; long lists run as
a background task with a progress page and a download only its requester can see."""

import html
import io
import re

import pytest
from openpyxl import load_workbook

from governance.models import Job, JobStatus
from incidents import services
from incidents.exports import HEADER
from incidents.models import Case
from tests.incidents.test_workflow import officer


def sheet_rows(content: bytes) -> list[dict]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert list(header) == HEADER
    return [dict(zip(header, [*row, *[None] * (len(header) - len(row))], strict=True)) for row in rows]


def test_desk_export_keeps_the_filters_and_masks_phones(client, loop, report):
    hotline = report(source="hotline", reporter=None, reporter_name="李四", reporter_phone="13812345678")
    report(lat=34.405, lng=115.805, description="城关镇堆物")
    registered = report(description="=HYPERLINK(\"http://evil\")")
    services.register(case_id=registered.pk, actor=loop.operator)
    client.force_login(loop.operator)

    response = client.get(f"/cases/export/desk/?queue=new&township={loop.world.b.pk}")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = sheet_rows(response.content)
    assert [r["事件编号"] for r in rows] == [hotline.number]
    assert rows[0]["报告人电话"] == "138****5678" and rows[0]["乡镇"] == "肖旗乡"

    rows = sheet_rows(client.get("/cases/export/desk/?status=registered").content)
    assert rows[0]["事件描述"].startswith("'=")  # a spreadsheet will not run it as a formula


def test_the_bare_desk_exports_the_last_30_days_and_a_filtered_desk_its_filter(client, loop, report):
    from django.utils import timezone

    old = report(description="去年的堆物")
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - timezone.timedelta(days=400))
    recent = report()
    client.force_login(loop.operator)

    def export_link(path):  # (href, label) of the page's export button
        page = client.get(path).content.decode()
        href, label = re.search(r'href="([^"]*)" data-export>.*?导出 Excel（(.*?)）', page).groups()
        return html.unescape(href), label

    since = (timezone.localdate() - timezone.timedelta(days=29)).isoformat()
    href, label = export_link("/desk/")
    assert (href, label) == (f"/cases/export/desk/?created_from={since}", "近 30 天")
    assert [r["事件编号"] for r in sheet_rows(client.get(href).content)] == [recent.number]
    for path in ("/desk/?source=grid_app", "/desk/?queue=overdue"):
        assert export_link(path) == (path.replace("/desk/", "/cases/export/desk/"), "按当前筛选")
    client.force_login(officer(loop))
    assert export_link("/inbox/") == ("/cases/export/inbox/", "按当前筛选")


def test_inbox_and_search_exports_are_scoped(client, loop, report):
    case = report()
    client.force_login(officer(loop, "411425100"))  # the other township
    assert sheet_rows(client.get(f"/cases/export/search/?q={case.number}").content) == []
    assert sheet_rows(client.get("/cases/export/inbox/").content) == []
    assert client.get("/cases/export/everything/").status_code == 404


def test_bad_filter_is_a_message_not_a_500(client, loop):
    client.force_login(loop.operator)
    response = client.get("/cases/export/desk/?created_from=yesterday", HTTP_REFERER="/desk/")
    assert response.status_code == 302 and response.url == "/desk/"


def test_long_export_runs_as_a_task_with_progress(client, loop, report, settings, django_capture_on_commit_callbacks):
    settings.CASE_EXPORT_SYNC_LIMIT = 2
    cases = [report(description=f"堆物{i}") for i in range(3)]
    client.force_login(loop.operator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/cases/export/desk/")
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    assert job.status == JobStatus.DONE and (job.done, job.total) == (3, 3) and job.requested_by == loop.operator

    page = client.get(response.url).content.decode()
    assert "100%" in page and f"/api/v1/jobs/{job.pk}/download/" in page and "hx-get" not in page
    assert "导出完成，共 3 件" in page and "正在导出" not in page  # a finished job says so
    download = client.get(f"/api/v1/jobs/{job.pk}/download/")
    rows = sheet_rows(b"".join(download.streaming_content))
    assert sorted(r["事件编号"] for r in rows) == sorted(c.number for c in cases)

    client.force_login(officer(loop))
    assert client.get(f"/jobs/{job.pk}/").status_code == 404


@pytest.mark.parametrize(
    "status, message, polls, shown",
    [(JobStatus.RUNNING, "正在导出……", True, True), (JobStatus.FAILED, "ValueError: boom", False, False)],
)
def test_progress_page_polls_only_while_running(client, loop, status, message, polls, shown):
    job = Job.objects.create(
        kind="export_cases", requested_by=loop.operator, status=status, total=10, done=4, message=message
    )
    client.force_login(loop.operator)
    page = client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert ("hx-get" in page) is polls
    assert (message in page) is shown  # a failure's technical detail stays off the page
