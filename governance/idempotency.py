"""Idempotent POSTs for any endpoint (the IETF Idempotency-Key draft, as case intake does it).

`once(user=, scope=, key=, payload=, run=)` runs `run()` (which returns a saved model row) the
first time a (user, scope, key) is seen and records the row's id; a repeat with the same body
returns that row again (created=False); a different body raises IdempotencyMismatch (422); a
concurrent repeat waits on the unique index and then sees the first one's row; a missing or
too long key is a 400. A key expires after settings.IDEMPOTENCY_KEY_DAYS (7) days: used again
after that, it starts a new request.
"""

import datetime as dt
import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import IdempotencyMismatch
from .models import IdempotentRequest


def fingerprint(payload) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def once(*, user, scope: str, key: str, payload, run, model):
    """Returns (row, created)."""
    if not key or len(key) > 100:
        raise ValidationError({"idempotency_key": _("请求头 Idempotency-Key 必须提供且不超过 100 个字符。")})
    digest = fingerprint(payload)
    expired = timezone.now() - dt.timedelta(days=getattr(settings, "IDEMPOTENCY_KEY_DAYS", 7))
    IdempotentRequest.objects.filter(user=user, scope=scope, key=key, created_at__lt=expired).delete()
    with transaction.atomic():
        try:
            with transaction.atomic():
                request = IdempotentRequest.objects.create(user=user, scope=scope, key=key, request_hash=digest)
        except IntegrityError:
            request = IdempotentRequest.objects.get(user=user, scope=scope, key=key)
            if request.request_hash != digest:
                raise IdempotencyMismatch from None
            return model.objects.get(pk=request.object_id), False
        row = run()
        request.object_id = row.pk
        request.save(update_fields=["object_id"])
        return row, True
