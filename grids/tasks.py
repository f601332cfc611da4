"""Celery tasks of the grids app: large spreadsheet imports (grids/transfer/background.py)."""

from django.contrib.auth import get_user_model

from governance.celery import robust_task

from .transfer import background


@robust_task(name="grids.import_spreadsheet", soft_time_limit=25 * 60)
def import_spreadsheet(job_id: int, kind: str, path: str, filename: str, actor_id: int | None, dry_run: bool) -> int:
    """Import a stored spreadsheet on the job; returns the number of data rows."""
    actor = get_user_model().objects.get(pk=actor_id) if actor_id else None
    report = background.run(job_id=job_id, kind=kind, path=path, filename=filename, actor=actor, dry_run=dry_run)
    return report.rows_total
