"""`/healthz`: is this web process able to serve? For load balancers and uptime checks.

It answers 200 when the database and the cache both answer, 503 naming the one that
did not otherwise. It touches no session and sets no cookie (a probe every few
seconds must not create sessions), belongs to no language (outside i18n_patterns)
and is exempt from the HTTPS redirect (production.py), since probes often speak
plain HTTP to the process directly. It is never cached.
"""

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

CACHE_KEY = "healthz"


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("Health check: the database did not answer")
        return False


def cache_answers() -> bool:
    """A write then a read of a fresh value: a cache that drops writes is not healthy."""
    token = uuid.uuid4().hex
    try:
        cache.set(CACHE_KEY, token, timeout=30)
        return cache.get(CACHE_KEY) == token
    except Exception:
        logger.exception("Health check: the cache did not answer")
        return False


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": "ok" if database_answers() else "failing",
        "cache": "ok" if cache_answers() else "failing",
    }
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "failing", "checks": checks},
        status=200 if healthy else 503,
    )
