"""Large imports as a background job: a file of more than settings.IMPORT_SYNC_ROWS data rows is
kept in storage (`imports/`), a governance Job is started and `grids.tasks.import_spreadsheet`
runs the same `import_file` on a Celery worker, counting rows checked and written on the Job. The
caller follows it on the job page (`/jobs/<id>/`) or `GET /api/v1/jobs/<id>/`; the finished job
carries the report as a CSV (each error and warning with its line and column) and a one-line
summary. The stored upload is deleted when the job ends (the orphan sweep removes any left by
a crash)."""

import csv
import io
import uuid
from pathlib import PurePath

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from governance import bulk, jobs, outbox

from .importers import ImportReport, import_file

JOB_KIND = "grids_import"
UPLOAD_DIR = "imports"


def start(*, kind: str, data: bytes, filename: str, actor, dry_run: bool, rows: int):
    """Keep the upload, start the Job and ask for the task through the transactional outbox (sent
    on commit, or later when the broker is down); returns the Job."""
    suffix = PurePath(filename or "").suffix.lower()[:8]
    path = default_storage.save(f"{UPLOAD_DIR}/{uuid.uuid4().hex}{suffix}", ContentFile(data))
    job = jobs.start_job(
        kind=JOB_KIND, requested_by=actor, total=rows, message=_("排队等待导入（%(n)d 行）……") % {"n": rows}
    )
    from ..tasks import import_spreadsheet  # the task module imports this one

    outbox.enqueue(import_spreadsheet, job.pk, kind, path, filename, actor.pk if actor else None, dry_run)
    return job


def run(*, job_id: int, kind: str, path: str, filename: str, actor, dry_run: bool) -> ImportReport:
    """The task's work: import the stored file with progress, leave the report on the Job."""
    with jobs.running(job_id):
        with default_storage.open(path, "rb") as upload:
            data = upload.read()
        report = import_file(kind, data, filename, actor=actor, dry_run=dry_run, job_id=job_id)
        if report.rows_ok and not (dry_run or report.errors):
            bulk.analyze(list(apps.get_app_config("grids").get_models()))  # fresh planner statistics
        jobs.attach_result(job_id, f"导入报告-{kind}.csv", report_csv(report))
        jobs.finish(job_id, summary(report, dry_run))
    default_storage.delete(path)
    return report


def summary(report: ImportReport, dry_run: bool) -> str:
    if report.errors:
        return _("共 %(total)d 行，%(bad)d 行有错误，未写入任何数据；请下载报告。") % {
            "total": report.rows_total,
            "bad": report.rows_total - report.rows_ok,
        }
    if dry_run:
        return _("试运行：%(total)d 行全部通过校验，未写入。") % {"total": report.rows_total}
    return _("已导入 %(total)d 行。") % {"total": report.rows_total}


def report_csv(report: ImportReport) -> bytes:
    """The report as a CSV Excel opens (UTF-8 with BOM): kind, line, column, message."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("类别"), _("行号"), _("列"), _("说明")])
    for label, problems in ((_("错误"), report.errors), (_("提醒"), report.warnings)):
        for p in problems:
            writer.writerow([label, p.line, p.column, p.message])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
