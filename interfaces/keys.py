"""API keys: made, hashed and looked up here.

A key is `<prefix>.<secret>`: the prefix (8 characters) names the key in lists and logs, the
secret is 32 random bytes. Only the SHA-256 digest of the whole key is stored — a plain digest
is enough for a random 256-bit secret (nothing to guess from it, unlike a password), and it
lets a request find its key with one indexed lookup. The key itself is shown once, when it is
made (interfaces/console), and cannot be read again.

A system sends its key as the `X-API-Key` header or, for Open311 clients, the `api_key`
parameter. A revoked key stops working on its very next request: every request reads the key's
row (no cache in between).
"""

import hashlib
import secrets

from grids.scoping import Grant, with_counties

from .constants import PREFIX_LENGTH
from .models import ApiKey

HEADER = "X-API-Key"


def make_raw_key() -> tuple[str, str]:
    """A new key and its prefix."""
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    return f"{prefix}.{secrets.token_urlsafe(32)}", prefix


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def active_key(raw: str | None) -> ApiKey | None:
    """The active key for `raw` (with its account), or None when it is unknown or revoked."""
    if not raw or len(raw) > 200:
        return None
    return (
        ApiKey.objects.select_related("account")
        .prefetch_related("areas")
        .filter(digest=digest(raw.strip()), revoked_at__isnull=True)
        .first()
    )


def grants(key: ApiKey) -> list[Grant]:
    """The key's areas as scoping grants (grids.scoping.scope_q), outermost only."""
    found: list[Grant] = []
    for area in sorted(key.areas.all(), key=lambda a: a.path):
        if not any(area.path.startswith(g.path) for g in found):
            found.append(Grant(area.id, area.level, area.path))
    return with_counties(found)


def covers(key: ApiKey, area) -> bool:
    """Whether `area` (any node, e.g. a report's grid) lies inside one of the key's areas."""
    return any(area.path.startswith(a.path) for a in key.areas.all())
