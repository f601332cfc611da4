"""Deliveries of notifications to the external channels (governance/channels/).

`plan(rows)` runs inside `notify()`: for each inbox row, one `Delivery` per channel the
recipient chose in their preferences (and that is configured), in one query for the
preferences and one insert. Quiet hours hold back what is not urgent (a kind listed in
settings.URGENT_NOTIFICATION_KINDS passes them): deferred to the end of the quiet hours, or not
sent at all, as the user chose. What is due now goes to the Celery task once the transaction
commits; what was deferred is picked up by `send_due` (a beat schedule, every minute). The
pending `Delivery` row is itself the outbox (governance/outbox.py's idea): written in the
change's transaction, and when the broker is down at the commit (logged, the change stands)
`send_due` queues it a minute later.

`deliver(id)` sends one delivery, under a row lock so that a repeated task never sends twice,
and appends the try and the other side's answer to `DeliveryAttempt` (append-only). A
transient failure raises `TryAgain` after the try is logged: the task's retry policy
(robust_task: 5 s, 10 s, 20 s … five times) tries again; after the last try the delivery fails.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import channels
from .models import Delivery, DeliveryAttempt, DeliveryStatus, NotificationPreference, QuietMode, User

MAX_ATTEMPTS = 6  # the first try and robust_task's five retries


class TryAgain(Exception):
    """The delivery failed for now and is tried again by the task's retry policy."""


def in_quiet_hours(pref: NotificationPreference, at: dt.datetime) -> bool:
    start, end = pref.quiet_from, pref.quiet_until
    if start is None or end is None or start == end:
        return False
    t = timezone.localtime(at).time()
    return start <= t < end if start < end else (t >= start or t < end)


def quiet_hours_end(pref: NotificationPreference, at: dt.datetime) -> dt.datetime:
    """The first end of the quiet hours after `at` (local time)."""
    local = timezone.localtime(at)
    end = local.replace(hour=pref.quiet_until.hour, minute=pref.quiet_until.minute, second=0, microsecond=0)
    return end if end > local else end + dt.timedelta(days=1)


def plan(rows) -> list[Delivery]:
    """The deliveries of these inbox rows, written and (those due now) queued on commit."""
    rows = list(rows)
    prefs = {
        p.user_id: p
        for p in NotificationPreference.objects.filter(user_id__in={r.recipient_id for r in rows})
        .exclude(channels=[])
        .select_related("user")
    }
    if not prefs:
        return []
    available = channels.configured()
    now = timezone.now()
    urgent_kinds = set(settings.URGENT_NOTIFICATION_KINDS)
    planned = []
    for row in rows:
        pref = prefs.get(row.recipient_id)
        if pref is None:
            continue
        urgent = row.kind in urgent_kinds
        quiet = not urgent and in_quiet_hours(pref, now)
        for key in pref.channels:
            channel = available.get(key)
            if channel is None:
                continue  # switched off in the settings since the user chose it
            d = Delivery(notification=row, channel=key, address=channel.address(pref.user), urgent=urgent, due_at=now)
            if not d.address:
                d.status, d.reason = DeliveryStatus.SKIPPED, _("未登记手机号或邮箱")
            elif quiet and pref.quiet_mode == QuietMode.SKIP:
                d.status, d.reason = DeliveryStatus.SKIPPED, _("安静时段，未发送")
            elif quiet:
                d.due_at, d.reason = quiet_hours_end(pref, now), _("安静时段，推迟发送")
            planned.append(d)
    planned = Delivery.objects.bulk_create(planned, batch_size=1000)
    due = [d.pk for d in planned if d.status == DeliveryStatus.PENDING and d.due_at <= now]
    if due:
        transaction.on_commit(lambda: _queue(due), robust=True)
    return planned


def _queue(ids) -> None:
    from .tasks import deliver_notification

    for pk in ids:
        deliver_notification.delay(pk)


def deliver(delivery_id: int) -> Delivery | None:
    """Send one pending, due delivery and log the try; None when there is nothing to send (sent
    already, skipped, deferred, or another worker holds it)."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("notification")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING, due_at__lte=timezone.now())
            .first()
        )
        if delivery is None:
            return None
        channel = channels.configured().get(delivery.channel)
        if channel is None:  # switched off in the settings since it was planned
            delivery.status, delivery.reason = DeliveryStatus.FAILED, _("渠道未开通")
            delivery.save(update_fields=["status", "reason"])
            return delivery
        retry = False
        try:
            answer = channel.send(delivery)
        except channels.Unreachable as unreachable:
            answer, retry = unreachable.answer, True
        delivery.attempts += 1
        DeliveryAttempt.objects.create(
            delivery=delivery, ok=answer.ok, status_code=answer.status_code, answer=answer.text
        )
        if answer.ok:
            delivery.status, delivery.sent_at, delivery.reason = DeliveryStatus.SENT, timezone.now(), ""
        elif not retry or delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
            delivery.reason = _("对方拒收") if not retry else _("多次重试仍失败")
        delivery.save(update_fields=["attempts", "status", "sent_at", "reason"])
    if delivery.status == DeliveryStatus.PENDING:
        raise TryAgain(f"delivery {delivery.pk}: {answer.status_code} {answer.text[:200]}")
    return delivery


def send_due(limit: int = 500) -> int:
    """Queue the deferred deliveries whose time has come (never tried yet); their number."""
    ids = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, attempts=0, due_at__lte=timezone.now())
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )
    _queue(ids)
    return len(ids)


def recent_for(user, limit: int = 20):
    """The user's latest deliveries with their notification (for the preferences page)."""
    return (
        Delivery.objects.filter(notification__recipient=user)
        .select_related("notification")
        .order_by("-created_at", "-id")[:limit]
    )


def preference_of(user) -> NotificationPreference:
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)


def save_preference(user: User, *, channels_chosen, quiet_from, quiet_until, quiet_mode) -> NotificationPreference:
    """Store a user's choice; only configured channels are kept."""
    available = channels.configured()
    pref, _created = NotificationPreference.objects.update_or_create(
        user=user,
        defaults={
            "channels": [key for key in available if key in set(channels_chosen)],
            "quiet_from": quiet_from,
            "quiet_until": quiet_until,
            "quiet_mode": quiet_mode,
        },
    )
    return pref
