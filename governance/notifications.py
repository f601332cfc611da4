"""Notifications: an in-app inbox per user, and the channels beyond it.

`notify(recipients, …)` writes one inbox row per recipient (bulk) and plans its deliveries to
the channels each recipient chose (SMS, 企业微信 / 钉钉 group robots, e-mail — the classes in
settings.NOTIFICATION_CHANNELS, governance/channels/), sent by Celery once the transaction
commits (governance/deliveries.py). A channel whose settings are empty is never used: nothing
pretends to send a message it cannot send.
"""

from django.utils import timezone

from . import deliveries
from .models import Notification


def notify(recipients, *, kind: str, title: str, body: str = "", link: str = "") -> list[Notification]:
    """Write inbox rows for every distinct recipient and pass them to the extra channels."""
    unique = {r.pk: r for r in recipients if r is not None}
    rows = Notification.objects.bulk_create(
        [Notification(recipient_id=pk, kind=kind, title=title, body=body, link=link) for pk in unique]
    )
    deliveries.plan(rows)
    return rows


def notify_batch(messages) -> list[Notification]:
    """Many different messages in one insert: `messages` yields (recipient ids, kind, title, body,
    link). Batch jobs use it so their query count does not grow with the number of messages."""
    rows = [
        Notification(recipient_id=pk, kind=kind, title=title, body=body, link=link)
        for recipient_ids, kind, title, body, link in messages
        for pk in dict.fromkeys(recipient_ids)
    ]
    rows = Notification.objects.bulk_create(rows, batch_size=1000)
    deliveries.plan(rows)
    return rows


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user, ids=None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
