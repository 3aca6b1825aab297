"""Per-IP (and per-address) limits on sign-ups, with Django's cache.

A fixed window is enough here: the aim is to stop a script from mail-bombing
addresses through the sign-up form, not to shape traffic, and a fixed window
costs one `add` and one `incr` per request. The count lives in the default
cache, so with several web processes the cache must be shared (Redis or
Memcached); the per-process default LocMemCache still limits each process.

Defaults: 5 sign-ups per IP per 10 minutes (NEWSLETTER_SIGNUP_RATE = (5, 600)),
and at most 3 list e-mails caused by sign-ups to one address per hour
(NEWSLETTER_ADDRESS_RATE = (3, 3600)). A person hardly ever needs more; a bot
gets a 429 (IP) or silently no more e-mail (address, so the answer stays the
same and reveals nothing).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

DEFAULT_SIGNUP_RATE = (5, 600)
DEFAULT_ADDRESS_RATE = (3, 3600)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the current window ends


def hit(key: str, limit: int, window: int) -> Verdict:
    """Count one event for `key` in the current fixed window of `window` seconds."""
    now = int(time.time())
    bucket = now // window
    cache_key = f"newsletter:rl:{key}:{bucket}"
    # add() is atomic in every cache backend, so concurrent first hits don't race.
    cache.add(cache_key, 0, timeout=window + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # evicted between add and incr
        cache.set(cache_key, 1, timeout=window + 1)
        count = 1
    return Verdict(count <= limit, (bucket + 1) * window - now)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address; behind N trusted proxies, the Nth from the right in X-Forwarded-For.

    NEWSLETTER_TRUSTED_PROXY_COUNT (default 0) must match the deployment: with
    0 behind a proxy every visitor would share the proxy's address (and its
    limit); with too many, a client could choose its own address.
    """
    proxies = int(getattr(settings, "NEWSLETTER_TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def signup_rate() -> tuple[int, int]:
    return tuple(getattr(settings, "NEWSLETTER_SIGNUP_RATE", DEFAULT_SIGNUP_RATE))  # type: ignore[return-value]


def address_rate() -> tuple[int, int]:
    return tuple(getattr(settings, "NEWSLETTER_ADDRESS_RATE", DEFAULT_ADDRESS_RATE))  # type: ignore[return-value]


def hit_signup(ip: str | None) -> Verdict:
    limit, window = signup_rate()
    return hit(f"ip:{ip or 'unknown'}", limit, window)


def hit_address(digest: str) -> Verdict:
    limit, window = address_rate()
    return hit(f"addr:{digest}", limit, window)
