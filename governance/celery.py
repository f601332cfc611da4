"""The Celery application: broker and schedule come from Django settings (CELERY_*).

Every task of the platform is declared with `robust_task`: delivery is at least once
(`acks_late`, `reject_on_worker_lost` in settings), so each task must be idempotent; a
database or broker hiccup retries it with exponential back-off and jitter (5 s, 10 s, 20 s …
at most 10 min, five times); each task states its own soft and hard time limits. Periodic
schedules are django-celery-beat rows (admin-editable), listed in settings.PERIODIC_TASKS and
created when missing after every migrate (governance/schedules.py). A task asked for by a
change goes through the transactional outbox (`governance.outbox.enqueue`), never `.delay`
on commit, so a broker that is down loses nothing.
"""

import os

from celery import Celery, shared_task
from celery.signals import beat_init, worker_init, worker_ready
from django.core.exceptions import ImproperlyConfigured

from governance.keys import require_keys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")

app = Celery("governance")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
@beat_init.connect
def refuse_without_keys(**_signal):
    """The worker and beat refuse to start without production's keys (governance/keys.py). Celery
    logs and swallows a receiver's exception, so this one leaves with the message instead."""
    try:
        require_keys()
    except ImproperlyConfigured as exc:
        raise SystemExit(f"ImproperlyConfigured: {exc}") from exc


RETRY_ON = (ConnectionError, TimeoutError)


@worker_ready.connect
def drain_outbox_on_start(sender, **kwargs):
    """A worker that starts (e.g. after Redis came back) first sends what waited in the outbox."""
    sender.app.send_task("governance.drain_outbox")


def _transient_errors():
    from django.db import InterfaceError, OperationalError

    return (*RETRY_ON, OperationalError, InterfaceError)


def robust_task(*, name: str, soft_time_limit: int, time_limit: int | None = None, retry_on=(), **options):
    """`shared_task` with the platform's retry policy and explicit time limits (seconds);
    `retry_on` adds the task's own transient errors (a notification channel that is down)."""
    return shared_task(
        name=name,
        autoretry_for=(*_transient_errors(), *retry_on),
        retry_backoff=5,
        retry_backoff_max=600,
        retry_jitter=True,
        max_retries=5,
        soft_time_limit=soft_time_limit,
        time_limit=time_limit or soft_time_limit + 60,
        **options,
    )
