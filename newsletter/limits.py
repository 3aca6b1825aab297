"""The newsletter sign-up's limits, counted by `common.ratelimit`.

Defaults: 5 sign-ups per IP per 10 minutes (NEWSLETTER_SIGNUP_RATE = (5, 600)),
and at most 3 list e-mails caused by sign-ups to one address per hour
(NEWSLETTER_ADDRESS_RATE = (3, 3600)). A person hardly ever needs more; a bot
gets a 429 (IP) or silently no more e-mail (address, so the answer stays the
same and reveals nothing).
"""

from __future__ import annotations

from django.conf import settings

from common.ratelimit import Verdict, hit

DEFAULT_SIGNUP_RATE = (5, 600)
DEFAULT_ADDRESS_RATE = (3, 3600)


def signup_rate() -> tuple[int, int]:
    return tuple(getattr(settings, "NEWSLETTER_SIGNUP_RATE", DEFAULT_SIGNUP_RATE))  # type: ignore[return-value]


def address_rate() -> tuple[int, int]:
    return tuple(getattr(settings, "NEWSLETTER_ADDRESS_RATE", DEFAULT_ADDRESS_RATE))  # type: ignore[return-value]


def hit_signup(ip: str | None) -> Verdict:
    limit, window = signup_rate()
    return hit(f"newsletter:ip:{ip or 'unknown'}", limit, window)


def hit_address(digest: str) -> Verdict:
    limit, window = address_rate()
    return hit(f"newsletter:addr:{digest}", limit, window)
