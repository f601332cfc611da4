"""The shared cache on Redis, degrading to a miss when Redis does not answer.

Everything the platform keeps in the cache can be computed again from PostgreSQL (dashboard
figures, map layers, the boundary version), so Redis being down must cost speed, never a
request: a read answers the caller's default, a write is dropped, `incr` reports a missing
key (its callers then `set`, which is dropped too). Each failure is logged; after one, Redis
is left alone for `RETRY_AFTER` seconds (a request then pays no connection timeout per cache
call), and the first call after that tries it again.

While Redis is down an invalidation (`grids.spatial.invalidate`, `oversight.scope.forget_cached_figures`)
is lost: once it is back, figures cached before the outage are served until their TTL, and a
boundary edited during the outage reaches the other processes' point-to-grid index at the next
boundary edit or restart (docs/operations.md).
"""

import logging
import threading
import time
import uuid

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.utils.functional import cached_property
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

RETRY_AFTER = 10.0  # seconds without trying Redis after a failure
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)

# What each client method answers when Redis is unavailable: a miss, a dropped write.
_FALLBACKS = {
    "add": lambda *a, **k: False,
    "get": lambda key, default=None: default,
    "set": lambda *a, **k: None,
    "touch": lambda *a, **k: False,
    "delete": lambda *a, **k: False,
    "get_many": lambda *a, **k: {},
    "has_key": lambda *a, **k: False,
    "set_many": lambda *a, **k: None,
    "delete_many": lambda *a, **k: None,
    "clear": lambda *a, **k: False,
}


class _Breaker:
    """Shared by the threads of one process: is Redis believed down, and since when."""

    def __init__(self):
        self._lock = threading.Lock()
        self.down_until = 0.0

    def open(self) -> bool:
        return time.monotonic() < self.down_until

    def trip(self, error: Exception, operation: str) -> None:
        with self._lock:
            first = self.down_until == 0.0
            self.down_until = time.monotonic() + RETRY_AFTER
        log.warning("cache unavailable (%s: %s); answering a miss%s", operation, error, "" if first else " (still)")

    def reset(self) -> None:
        with self._lock:
            if self.down_until:
                log.warning("cache available again")
            self.down_until = 0.0


class _ResilientClient:
    """Wraps Django's RedisCacheClient: each method answers its fallback when Redis is unavailable."""

    def __init__(self, client, breaker: _Breaker):
        self._client = client
        self._breaker = breaker

    def __getattr__(self, name):
        method = getattr(self._client, name)
        if name not in _FALLBACKS and name != "incr":
            return method

        def call(*args, **kwargs):
            if not self._breaker.open():
                try:
                    result = method(*args, **kwargs)
                except UNAVAILABLE as error:
                    self._breaker.trip(error, name)
                else:
                    self._breaker.reset()
                    return result
            if name == "incr":
                raise ValueError("cache unavailable: key treated as missing")
            return _FALLBACKS[name](*args, **kwargs)

        return call


class ResilientRedisCache(RedisCache):
    """settings.CACHES backend when REDIS_URL is set (short socket time-outs in OPTIONS)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self.breaker = _Breaker()

    @cached_property
    def _cache(self):
        return _ResilientClient(self._class(self._servers, **self._options), self.breaker)


def renew_token(key: str) -> None:
    """Give `key` a new random token: every process holding something built under the old one
    builds it again (see `current_token`)."""
    cache.set(key, uuid.uuid4().hex, timeout=None)


def current_token(key: str) -> str:
    """The token under `key`, made on first use.

    A random token, never a counter: after the cache was emptied (a Redis restart, a flush), a
    counter would start again at a number some process may already hold beside data that has
    changed since, and that process would keep answering from it."""
    token = cache.get(key)
    if token is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        token = cache.get(key) or uuid.uuid4().hex
    return token
