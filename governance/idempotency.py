"""Idempotent POSTs for any endpoint (the IETF Idempotency-Key draft): the one helper of case
intake, grid workers' field work and care visits.

`once(user=, scope=, key=, payload=, run=)` runs `run()` (which returns a saved model row) the
first time a (user, scope, key) is seen and records the row's id; a repeat with the same body
returns that row again (created=False); a different body raises IdempotencyMismatch (422); a
concurrent repeat waits on the unique index and then sees the first one's row; a missing or
too long key is a 400. A key expires after settings.IDEMPOTENCY_KEY_DAYS (7) days: used again
after that, it starts a new request.

An API view calls `once_for_request(request, scope=, model=, run=, files=(...))`: the key from
the `Idempotency-Key` header, the body's fields and the named file fields' content (name, size,
SHA-256 — a retry is the same request only with the same files) as the payload; and answers
with `answer(created)`: 201 the first time, 200 with `Idempotent-Replayed: true` on a repeat.
`HEADER_PARAMETER` documents the header in the OpenAPI schema.
"""

import datetime as dt
import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from .errors import IdempotencyMismatch
from .models import IdempotentRequest


def fingerprint(payload) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def once(*, user, scope: str, key: str, payload, run, model):
    """Returns (row, created)."""
    if not key or len(key) > 100:
        raise ValidationError({"idempotency_key": _("请求头 Idempotency-Key 必须提供且不超过 100 个字符。")})
    digest = fingerprint(payload)
    with transaction.atomic():
        request, first = _claim(user=user, scope=scope, key=key, digest=digest)
        if not first:
            if request.request_hash != digest:
                raise IdempotencyMismatch
            return model.objects.get(pk=request.object_id), False
        row = run()
        request.object_id = row.pk
        request.save(update_fields=["object_id"])
        return row, True


def _claim(*, user, scope: str, key: str, digest: str) -> tuple[IdempotentRequest, bool]:
    """(the key's record, whether this request wrote it). The insert comes first: a new key, the
    common case, costs one statement. A record older than IDEMPOTENCY_KEY_DAYS is an expired key,
    removed so the key starts a new request; a concurrent first use waits on the unique index."""
    expired = timezone.now() - dt.timedelta(days=settings.IDEMPOTENCY_KEY_DAYS)
    while True:
        try:
            with transaction.atomic():
                return IdempotentRequest.objects.create(user=user, scope=scope, key=key, request_hash=digest), True
        except IntegrityError:
            existing = IdempotentRequest.objects.get(user=user, scope=scope, key=key)
            if existing.created_at >= expired:
                return existing, False
            existing.delete()


HEADER = "Idempotency-Key"
HEADER_PARAMETER = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="客户端生成的唯一键；网络重试时重复提交同一键只返回第一次创建的记录"
    "（状态 200，响应头 Idempotent-Replayed: true）；同一键用于不同内容时返回 422。",
)


def upload_digest(upload) -> str:
    """SHA-256 of an uploaded file's content (read in chunks, then rewound for the real reading)."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def request_payload(request, files=()) -> dict:
    """What a repeat with the same key must repeat: the body's fields (file fields named in
    `files` left out) and, per file field, its files as (name, size, content digest)."""
    body = request.data
    fields = {
        k: body.getlist(k) if hasattr(body, "getlist") else body[k] for k in body if k not in files
    }
    uploads = {name: sorted((f.name, f.size, upload_digest(f)) for f in request.FILES.getlist(name)) for name in files}
    return {"data": fields, "files": uploads}


def once_for_request(request, *, scope: str, model, run, files=()):
    """`once` for an API request (see the module's note). Returns (row, created)."""
    return once(
        user=request.user,
        scope=scope,
        key=request.headers.get(HEADER, ""),
        payload=request_payload(request, files),
        run=run,
        model=model,
    )


def answer(created: bool) -> dict:
    """The status and headers of an idempotent POST's answer: Response(data, **answer(created))."""
    if created:
        return {"status": 201}
    return {"status": 200, "headers": {"Idempotent-Replayed": "true"}}
