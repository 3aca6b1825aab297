"""Django's Redis cache, made to degrade instead of failing when Redis is away.

Django's `RedisCache` raises on a refused or timed-out connection, and the cache sits
under every page (the page cache), every sign-in (cached_db sessions) and every
per-IP limit (`common.ratelimit`): with Redis down the whole site would answer 500.
Everything the site keeps in the cache can be lost or recomputed, so here a
connection failure reads as a miss and a write that did not happen:

* `get` → the default, `get_many` → `{}`, `has_key` → False; pages are then
  rendered afresh and sessions read from the database (cached_db);
* `set`, `add`, `touch`, `delete`… → False, nothing stored;
* `incr`/`decr` → ValueError, which is what Django's contract says for a missing key,
  so a rate limit counts the request as the first of its window and lets it through
  (see `common.ratelimit.hit`): while Redis is down nobody is limited, and the log says so.

After a failure the backend stops trying for `retry_after` seconds (per process,
shared by its threads), so a Redis host that drops packets costs one timeout now and
then, not one per cache call. The first failure and the recovery are logged, not
every call. Errors other than connection and timeout errors (a bug, a wrong type)
still raise. docs/deployment.md explains the choice.

A write lost during the outage can matter after it: the page cache forgets every
page by writing a new generation token, and an edit made while Redis was away could
not write it, so pages cached before the outage would come back stale. Whoever
keeps such state registers `on_recovery(callback)`; a process that saw Redis fail
calls the callbacks when Redis answers it again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

#: What counts as "Redis is away" (socket errors reach us as redis' own subclasses,
#: OSError covers the rest of the way down).
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)

T = TypeVar("T")

_lock = threading.Lock()
#: server location → monotonic time before which the backend does not try Redis.
_down_until: dict[str, float] = {}
#: Called (no arguments) when Redis answers again after a failure this process saw.
_recovery_callbacks: list[Callable[[], None]] = []


def on_recovery(callback: Callable[[], None]) -> None:
    """Run `callback` whenever this process sees Redis answer again after an outage."""
    if callback not in _recovery_callbacks:
        _recovery_callbacks.append(callback)


class ResilientRedisCache(RedisCache):
    """`RedisCache` that logs and degrades on connection errors (see the module docstring)."""

    #: Seconds without trying Redis after a failure.
    retry_after: float = 5.0

    def __init__(self, server: str, params: dict[str, Any]):
        super().__init__(server, params)
        self._location = server if isinstance(server, str) else ",".join(server)

    # The circuit -----------------------------------------------------------------------

    def is_down(self) -> bool:
        """Whether Redis failed less than `retry_after` seconds ago (in this process)."""
        until = _down_until.get(self._location)
        return until is not None and time.monotonic() < until

    def _guard(self, call: Callable[[], T], fallback: T) -> T:
        if self.is_down():
            return fallback
        try:
            result = call()
        except UNREACHABLE as error:
            with _lock:
                first = self._location not in _down_until
                _down_until[self._location] = time.monotonic() + self.retry_after
            if first:
                logger.error(
                    "Redis cache unreachable (%s): running without the shared cache; "
                    "pages are rendered uncached and rate limits let requests through.",
                    type(error).__name__,
                )
            return fallback
        if self._location in _down_until:
            with _lock:
                recovered = _down_until.pop(self._location, None) is not None
            if recovered:
                logger.warning("Redis cache reachable again.")
                for callback in list(_recovery_callbacks):
                    callback()
        return result

    # The cache API ---------------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(
            lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), False
        )

    def get(self, key, default=None, version=None):
        return self._guard(
            lambda: super(ResilientRedisCache, self).get(key, default, version), default
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(
            lambda: super(ResilientRedisCache, self).set(key, value, timeout, version), False
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(
            lambda: super(ResilientRedisCache, self).touch(key, timeout, version), False
        )

    def delete(self, key, version=None):
        return self._guard(lambda: super(ResilientRedisCache, self).delete(key, version), False)

    def get_many(self, keys, version=None):
        return self._guard(lambda: super(ResilientRedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None):
        return self._guard(lambda: super(ResilientRedisCache, self).has_key(key, version), False)

    def incr(self, key, delta=1, version=None):
        missing = object()
        result = self._guard(
            lambda: super(ResilientRedisCache, self).incr(key, delta, version), missing
        )
        if result is missing:
            raise ValueError(f"Key '{key}' not found (the cache is unreachable).")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Django's contract: the keys that failed to be stored.
        return self._guard(
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version), list(data)
        )

    def delete_many(self, keys, version=None):
        return self._guard(
            lambda: super(ResilientRedisCache, self).delete_many(keys, version), None
        )

    def clear(self):
        return self._guard(lambda: super(ResilientRedisCache, self).clear(), False)


def reset() -> None:
    """Forget every failure (tests; a process that knows Redis is back)."""
    with _lock:
        _down_until.clear()
