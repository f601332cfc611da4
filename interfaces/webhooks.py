"""Webhooks: case events pushed to the systems that subscribed to them, signed, retried, logged.

**Hearing.** `hear(events)` is this app's entry in settings.CASE_EVENT_LISTENERS: incidents
announces every new case event row inside the transaction that wrote it (incidents/events.py).
One query finds the subscriptions of the events' areas (a subscription's area covers its
subtree: the case carries its county, township, village and grid ids, so "the case lies under
area A" is `A in those ids`); their kinds are checked in memory. For the matches, a
`WebhookDelivery` row each — its body fixed now, as the event was — and one outbox message
(governance/outbox.py) that queues their sending once the transaction commits. Nothing here
talks to the network: a receiver that is down or hangs never slows the request that changed the
case; and the deliveries commit or roll back with the event.

**Sending.** `attempt(id)` (the Celery task `interfaces.deliver_webhook`) POSTs the body to the
subscription's URL with a short time-out (settings.WEBHOOK_HTTP_TIMEOUT), never following a
redirect (a 3xx is a failed attempt: the platform never goes to a host it was not given), and
signs it:

    X-GG-Timestamp: <Unix seconds of this attempt>
    X-GG-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>
    X-GG-Event: case.<kind>
    X-GG-Delivery: <the delivery's id, the same on every retry and replay: receivers dedupe on it>

Each attempt is logged (`WebhookAttempt`: status code, the answer's first 500 characters, the
error, the duration). A 2xx answer delivers; anything else is tried again after 30 s, 1, 2, 4
and 8 minutes (the task's retries); after the sixth attempt the delivery is failed. An admin may
replay any delivery (one more attempt, logged with their name). A delivery whose retry was lost
(the broker restarted) is queued again by `sweep` (beat, every 5 minutes), which also deletes
finished deliveries older than settings.WEBHOOK_KEEP_DAYS (90).

**Secrets** are stored encrypted (Fernet, a key derived from IDENTITY_KEY by HKDF): a database
dump does not reveal them; they are shown once, when the subscription is made.

**Targets** are set by the platform admin only (the console), http or https; private addresses
are allowed on purpose (a county's receivers sit on its government network), so who may set a
target is the control against SSRF, together with no redirects and no answer shown beyond 500
characters to the admins.
"""

import base64
import datetime as dt
import functools
import hashlib
import hmac
import http.client
import json
import logging
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import defaultdict
from dataclasses import dataclass

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from governance import outbox
from grids.models import Area
from incidents.constants import CaseStatus
from incidents.models import Category, Unit

from . import tasks
from .constants import (
    WEBHOOK_ANSWER_CHARS,
    WEBHOOK_FIRST_WAIT_SECONDS,
    WEBHOOK_LONGEST_WAIT_SECONDS,
    WEBHOOK_MAX_ATTEMPTS,
    DeliveryStatus,
)
from .models import Submission, Subscription, WebhookAttempt, WebhookDelivery

log = logging.getLogger(__name__)

TIMESTAMP_HEADER = "X-GG-Timestamp"
SIGNATURE_HEADER = "X-GG-Signature"
EVENT_HEADER = "X-GG-Event"
DELIVERY_HEADER = "X-GG-Delivery"
REPLAY_WINDOW_SECONDS = 300  # what the documented receiver accepts (docs/integration.md)
USER_AGENT = "grid-governance-webhooks/1"


# ---- secrets and signatures --------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _fernet(identity_key: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"webhook-secret").derive(
        identity_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def make_secret() -> str:
    return secrets.token_urlsafe(32)


def seal(secret: str) -> str:
    return _fernet(settings.IDENTITY_KEY).encrypt(secret.encode()).decode()


def unseal(token: str) -> str:
    return _fernet(settings.IDENTITY_KEY).decrypt(token.encode()).decode()


def sign(secret: str, timestamp, body: bytes) -> str:
    """The X-GG-Signature value of `body` sent at `timestamp` (Unix seconds)."""
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, now: float | None = None) -> bool:
    """What a receiver does (docs/integration.md): the signature matches (compared in constant
    time) and the timestamp is within REPLAY_WINDOW_SECONDS of its own clock."""
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((time.time() if now is None else now) - sent) > REPLAY_WINDOW_SECONDS:
        return False
    return hmac.compare_digest(sign(secret, sent, body), signature or "")


# ---- hearing case events -----------------------------------------------------------------------


def _places(case) -> tuple:
    return (case.county_id, case.township_id, case.village_id, case.grid_id)


def matching(events) -> list[tuple[object, Subscription]]:
    """(event, subscription) for every active subscription whose kinds name the event's action
    and whose areas hold the event's case — one query for the whole batch."""
    area_ids = {a for e in events for a in _places(e.case) if a is not None}
    rows = (
        Subscription.areas.through.objects.filter(area_id__in=area_ids, subscription__is_active=True)
        .filter(Q(subscription__key__isnull=True) | Q(subscription__key__revoked_at__isnull=True))
        .select_related("subscription")
    )
    by_area = defaultdict(list)
    for row in rows:
        by_area[row.area_id].append(row.subscription)
    pairs = []
    for event in events:
        seen = set()
        for area_id in _places(event.case):
            for subscription in by_area.get(area_id, ()):
                if subscription.pk not in seen and event.action in subscription.kinds:
                    seen.add(subscription.pk)
                    pairs.append((event, subscription))
    return pairs


@dataclass
class _Names:
    """What the bodies of one batch name, read in one query per table."""

    categories: dict
    areas: dict
    units: dict
    orders: dict  # case id → (key id, the other side's order number)

    @classmethod
    def of(cls, cases) -> "_Names":
        cases = list(cases)
        area_ids = {a for c in cases for a in _places(c) if a is not None}
        return cls(
            categories=Category.objects.only("code", "name").in_bulk({c.category_id for c in cases}),
            areas=Area.objects.only("code", "name").in_bulk(area_ids),
            units=Unit.objects.only("name").in_bulk({c.handling_unit_id for c in cases if c.handling_unit_id}),
            orders={
                s.case_id: (s.key_id, s.external_number)
                for s in Submission.objects.filter(case__in=cases).exclude(external_number="").only(
                    "case_id", "key_id", "external_number"
                )
            },
        )


def _iso(moment):
    return timezone.localtime(moment).isoformat() if moment else None


def _area(names: _Names, area_id):
    area = names.areas.get(area_id)
    return {"code": area.code, "name": area.name} if area else None


def body_of(uid: uuid.UUID, event, subscription: Subscription, names: _Names) -> dict:
    """What a receiver gets: the event and the case as it stood after it — its number, state,
    category, place, handling unit, deadline and (once closed) result. Never who reported it, the
    parties, the description or the notes: the system reads more through the API its key allows."""
    case = event.case
    category = names.categories.get(case.category_id)
    unit = names.units.get(case.handling_unit_id)
    order = names.orders.get(case.pk)
    closed = event.to_state == CaseStatus.CLOSED
    site = settings.SITE_URL.rstrip("/")
    return {
        "delivery": str(uid),
        "event": f"case.{event.action}",
        "event_id": event.pk,
        "occurred_at": _iso(event.created_at),
        "action": {
            "kind": event.action,
            "label": event.action_label,
            "from_state": event.from_state,
            "to_state": event.to_state,
            "automatic": event.actor_id is None,
        },
        "case": {
            "number": case.number,
            "status": event.to_state,
            "status_label": str(CaseStatus(event.to_state).label) if event.to_state in CaseStatus.values else "",
            "category": {"code": category.code, "name": category.name} if category else None,
            "urgency": case.urgency,
            "source": case.source,
            "county": _area(names, case.county_id),
            "township": _area(names, case.township_id),
            "village": _area(names, case.village_id),
            "grid": _area(names, case.grid_id),
            "handling_unit": unit.name if unit else None,
            "due_at": _iso(case.due_at),
            "closed_at": _iso(case.closed_at) if closed else None,
            "result": case.result if closed else "",
            # the other side's own number (a 12345 order), only to the key that sent it
            "order_number": order[1] if order and subscription.key_id == order[0] else "",
            "url": f"{site}/cases/{case.pk}/" if site else "",
        },
    }


def hear(events) -> list[WebhookDelivery]:
    """settings.CASE_EVENT_LISTENERS: the deliveries of these new events, written in their
    transaction and queued through the outbox on commit (no network here)."""
    pairs = matching(events)
    if not pairs:
        return []
    names = _Names.of({event.case.pk: event.case for event, _sub in pairs}.values())
    now = timezone.now()
    rows = []
    for event, subscription in pairs:
        uid = uuid.uuid4()
        body = json.dumps(body_of(uid, event, subscription, names), ensure_ascii=False, separators=(",", ":"))
        rows.append(
            WebhookDelivery(
                subscription=subscription,
                uid=uid,
                event=event,
                case=event.case,
                kind=event.action,
                body=body,
                next_attempt_at=now,
                created_at=now,
            )
        )
    rows = WebhookDelivery.objects.bulk_create(rows)
    outbox.enqueue(tasks.send_webhooks, [d.pk for d in rows])
    return rows


# ---- sending -----------------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is never followed (it could lead anywhere): the 3xx is the attempt's answer."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


@dataclass(frozen=True)
class Answer:
    ok: bool
    status_code: int | None = None
    text: str = ""
    error: str = ""


def _read(response) -> str:
    try:
        return response.read(WEBHOOK_ANSWER_CHARS * 4).decode("utf-8", "replace")[:WEBHOOK_ANSWER_CHARS]
    except (OSError, http.client.HTTPException):
        return ""


def post(url: str, body: bytes, headers: dict) -> Answer:
    """POST `body` to `url`: 2xx is ok; any other answer, a time-out or a refused connection is not."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        return Answer(False, error=_("只能推送到 http 或 https 地址。"))
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        # the scheme is checked above: http(s) only, set by the platform admin (module docstring)
        with _OPENER.open(request, timeout=settings.WEBHOOK_HTTP_TIMEOUT) as response:  # nosec B310
            return Answer(200 <= response.status < 300, response.status, _read(response))
    except urllib.error.HTTPError as error:
        text = _read(error)
        if 300 <= error.code < 400:
            return Answer(False, error.code, text, _("对方要求重定向，平台不跟随重定向。"))
        return Answer(False, error.code, text, f"HTTP {error.code}")
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError, http.client.HTTPException) as error:
        reason = getattr(error, "reason", error)
        return Answer(False, error=f"{type(reason).__name__}: {reason}"[:500])


def wait_after(attempts: int) -> int:
    """Seconds before the next attempt after `attempts` failed ones: 30 s, 1, 2, 4, 8 min …"""
    return min(WEBHOOK_FIRST_WAIT_SECONDS * 2 ** max(attempts - 1, 0), WEBHOOK_LONGEST_WAIT_SECONDS)


def usable(subscription: Subscription) -> bool:
    key = subscription.key
    return subscription.is_active and (key is None or key.revoked_at is None)


def attempt(delivery_id: int, *, replayed_by: int | None = None) -> WebhookDelivery | None:
    """One attempt of a delivery, logged. Without `replayed_by` (the admin's user id), only a
    pending delivery is tried (a repeated task does nothing); a replay tries any delivery once
    more. None when another worker holds the delivery at this moment."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("subscription__key")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or (replayed_by is None and delivery.status != DeliveryStatus.PENDING):
            return delivery
        subscription = delivery.subscription
        started, clock = timezone.now(), time.monotonic()
        if usable(subscription):
            timestamp = int(time.time())
            body = delivery.body.encode()
            answer = post(
                subscription.target_url,
                body,
                {
                    "Content-Type": "application/json; charset=utf-8",
                    "User-Agent": USER_AGENT,
                    TIMESTAMP_HEADER: str(timestamp),
                    SIGNATURE_HEADER: sign(unseal(subscription.secret_encrypted), timestamp, body),
                    EVENT_HEADER: f"case.{delivery.kind}",
                    DELIVERY_HEADER: str(delivery.uid),
                },
            )
        else:
            answer = Answer(False, error=_("订阅已停用或其接口密钥已吊销，未发送。"))
        was_pending = delivery.status == DeliveryStatus.PENDING
        delivery.attempts += 1
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            started_at=started,
            duration_ms=int((time.monotonic() - clock) * 1000),
            ok=answer.ok,
            status_code=answer.status_code,
            answer=answer.text,
            error=answer.error[:500],
            replayed_by_id=replayed_by,
        )
        if answer.ok:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
                DeliveryStatus.DELIVERED,
                timezone.now(),
                None,
            )
        elif was_pending and (not usable(subscription) or delivery.attempts >= WEBHOOK_MAX_ATTEMPTS):
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        elif was_pending:
            delivery.next_attempt_at = timezone.now() + dt.timedelta(seconds=wait_after(delivery.attempts))
        # a replay that failed leaves a delivered or failed delivery as it was (its log shows the try)
        delivery.save(update_fields=["attempts", "status", "delivered_at", "next_attempt_at"])
    if not answer.ok:
        log.info(
            "webhook %s to subscription %s: attempt %s failed (%s %s)",
            delivery.uid, subscription.pk, delivery.attempts, answer.status_code, answer.error,
        )
    return delivery


SWEEP_GRACE = dt.timedelta(minutes=10)
SWEEP_BATCH = 500


def sweep() -> int:
    """Queue again the pending deliveries whose next attempt is overdue by more than SWEEP_GRACE
    (their task was lost); how many. Delivered and failed deliveries older than
    settings.WEBHOOK_KEEP_DAYS go, with their attempts."""
    WebhookDelivery.objects.exclude(status=DeliveryStatus.PENDING).filter(
        created_at__lt=timezone.now() - dt.timedelta(days=settings.WEBHOOK_KEEP_DAYS)
    ).delete()
    ids = list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lt=timezone.now() - SWEEP_GRACE
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for pk in ids:
        tasks.deliver_webhook.delay(pk)
    return len(ids)
