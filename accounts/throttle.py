"""Which sign-ins django-axes guards: the admins' pages only.

Public sign-ins (/accounts/login/) are limited by allauth (ACCOUNT_RATE_LIMITS, per
account and per address, in the cache); counting them in axes as well would lock
an address out of the admin after a few mistyped public passwords.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def outside_admin(request: HttpRequest | None, credentials: Any = None) -> bool:
    """True (axes stands aside) for any request outside the admin prefixes."""
    path = getattr(request, "path", "") or ""
    return not path.startswith(settings.CONTENT_SECURITY_POLICY_ADMIN_PATHS)
