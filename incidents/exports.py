"""XLSX export of a case list with its current filters, scoped like the page and with callers'
phones masked. Small lists are written in the request; longer ones by a Celery task that
reports progress on a governance Job (the page shows a progress bar and the download)."""

import io

from django.conf import settings
from django.utils import timezone

from governance import jobs
from governance.phones import mask_phone
from governance.spreadsheets import write_sheet

from .models import Case

HEADER = [
    "事件编号", "状态", "紧急程度", "分类", "乡镇", "村/社区", "网格", "来源", "地址", "事件描述", "报告人",
    "报告人电话", "处置单位", "上报时间", "截止时间", "结案时间", "按期结案", "督办次数", "返工次数", "满意度",
]
WIDTHS = {"事件编号": 20, "事件描述": 40, "地址": 24, "上报时间": 17, "截止时间": 17, "结案时间": 17}
CHUNK = 2000


def sync_limit() -> int:
    """Up to this many rows the file is written while the user waits; beyond it, a task."""
    return settings.CASE_EXPORT_SYNC_LIMIT


def _local(value):
    return timezone.localtime(value) if value else None


def _yes_no(value):
    return "" if value is None else ("是" if value else "否")


def rows(qs, job_id: int | None = None):
    """One list per case, streamed in chunks of CHUNK (a constant number of queries per chunk)."""
    qs = qs.select_related("category", "township", "village", "grid", "handling_unit", "reporter").order_by("-id")
    for i, case in enumerate(qs.iterator(chunk_size=CHUNK), start=1):
        yield [
            case.number,
            case.get_status_display(),
            case.get_urgency_display(),
            case.category.name,
            case.township.name,
            case.village.name,
            case.grid.name,
            case.get_source_display(),
            case.address,
            case.description,
            str(case.reporter) if case.reporter_id else case.reporter_name,
            mask_phone(case.reporter_phone),
            case.handling_unit.name if case.handling_unit_id else "",
            _local(case.created_at),
            _local(case.due_at),
            _local(case.closed_at),
            _yes_no(case.closed_on_time),
            case.urge_count,
            case.rework_count,
            case.satisfaction,
        ]
        if job_id and i % CHUNK == 0:
            jobs.advance(job_id, CHUNK)


def to_xlsx(qs, job_id: int | None = None) -> bytes:
    out = io.BytesIO()
    write_sheet(out, title="事件", header=HEADER, rows=rows(qs, job_id), widths=WIDTHS)
    return out.getvalue()


def filename(name: str) -> str:
    return f"事件-{name}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"


def count_up_to(qs, limit: int) -> int:
    """How many rows, counting no further than `limit` + 1 (no full COUNT over millions)."""
    return Case.objects.filter(pk__in=qs.order_by().values("pk")[: limit + 1]).count()
