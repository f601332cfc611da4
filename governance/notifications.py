"""Notifications: an in-app inbox per user, and a pluggable channel interface.

`notify(recipients, …)` writes one inbox row per recipient (bulk) and hands each row to the
extra channels listed in settings.NOTIFICATION_CHANNELS (dotted paths of classes with a
`send(notification)` method — e.g. an SMS gateway adapter). None is configured by default:
nothing pretends to send a message it cannot send.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Notification


def _channels():
    return [import_string(path)() for path in getattr(settings, "NOTIFICATION_CHANNELS", [])]


def notify(recipients, *, kind: str, title: str, body: str = "", link: str = "") -> list[Notification]:
    """Write inbox rows for every distinct recipient and pass them to the extra channels."""
    unique = {r.pk: r for r in recipients if r is not None}
    rows = Notification.objects.bulk_create(
        [Notification(recipient_id=pk, kind=kind, title=title, body=body, link=link) for pk in unique]
    )
    for channel in _channels():
        for row in rows:
            channel.send(row)
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
    for channel in _channels():
        for row in rows:
            channel.send(row)
    return rows


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user, ids=None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
