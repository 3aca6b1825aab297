"""Fixed-window rate limits in Django's cache, and the client's IP address.

Shared by the newsletter sign-up (`newsletter.limits`), the directory's contact
form (`directory.contact`) and the admin sign-in throttle (django-axes reads
`client_ip` through `AXES_CLIENT_IP_CALLABLE`), so that every per-IP limit agrees on
who the client is.

A fixed window is enough here: the aim is to stop a script from mail-bombing
addresses through a form, not to shape traffic, and a fixed window costs one `add`
and one `incr` per request. The count lives in the default cache, so with several
web processes the cache must be shared (Redis or Memcached); the per-process
default LocMemCache still limits each process.

Callers namespace their own keys (`newsletter:ip:…`, `contact:ip:…`); this module
adds the `ratelimit:` prefix and the window number.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

KEY_PREFIX = "ratelimit"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the current window ends


def hit(key: str, limit: int, window: int) -> Verdict:
    """Count one event for `key` in the current fixed window of `window` seconds."""
    now = int(time.time())
    bucket = now // window
    cache_key = f"{KEY_PREFIX}:{key}:{bucket}"
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
    limit); with too many, a client could choose its own address. The setting
    keeps the name it had when only the newsletter sign-up was limited; it applies
    to every per-IP limit (sign-up, contact form, admin sign-in).
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
