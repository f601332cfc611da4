"""Each key's rate limit: at most `rate_per_minute` requests in a fixed one-minute window,
counted in the shared cache (Redis), so every web process counts together.

When Redis does not answer (governance.cache degrades to a miss and `incr` fails), the count is
kept in this process's memory instead: the limit then holds per process — looser by the number
of processes, never switched off, and no request fails because Redis is down.
"""

import threading
import time

from django.core.cache import cache

WINDOW = 60  # seconds

_local_lock = threading.Lock()
_local: dict[str, int] = {}


def _window(now: float) -> tuple[int, int]:
    """The current window's number and the seconds until it ends (at least 1)."""
    number = int(now // WINDOW)
    return number, max(1, int((number + 1) * WINDOW - now + 0.999))


def _count_in_cache(name: str) -> int | None:
    try:
        cache.add(name, 0, timeout=WINDOW + 5)
        return cache.incr(name)
    except ValueError:  # the key vanished between add and incr, or Redis is unavailable
        return None


def _count_locally(name: str, number: int) -> int:
    with _local_lock:
        for stale in [k for k in _local if not k.endswith(f":{number}")]:
            del _local[stale]
        _local[name] = _local.get(name, 0) + 1
        return _local[name]


def hit(key_id: int, limit: int, now: float | None = None) -> int | None:
    """Count one request of the key; None when it is within the limit, else the seconds to wait
    (the answer's Retry-After)."""
    number, retry_after = _window(time.time() if now is None else now)
    name = f"apikey-rate:{key_id}:{number}"
    count = _count_in_cache(name)
    if count is None:
        count = _count_locally(name, number)
    return retry_after if count > limit else None
