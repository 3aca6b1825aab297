"""Whole anonymous pages from the shared cache, invalidated by a content generation.

Every public page shows content from many places (a profile shows its topics, its
institution, its language names; a topic page lists profiles), so working out which
cached pages one change touches is error-prone. Instead every cached page is keyed by
one *generation* token kept in the cache, and every change to public content
(`content_changed`) replaces the token: all cached pages are then unreachable and
expire on their own. Correct by construction, and a change costs one cache write.

Only what is the same for every anonymous visitor is stored: GET/HEAD requests
without a session or messages cookie and without credentials, answered 200 with no
cookie set, not marked private or uncacheable. docs/caching.md says why each rule
exists; `PAGE_CACHE_SECONDS = 0` switches the cache off.
"""

from __future__ import annotations

import hashlib
import math
import uuid
import zoneinfo
from collections.abc import Callable
from datetime import datetime
from functools import cache as memoize
from urllib.parse import unquote

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from common import resilient_cache
from common.i18n import normalize_language

GENERATION_KEY = "pagecache:generation"
KEY_PREFIX = "pagecache:page"
#: Marks a response the page cache answered (tests and operators read it).
HIT_HEADER = "X-Page-Cache"
#: Paths never stored: editors' and Django's admins, documents behind permissions.
EXCLUDED_PREFIXES = ("/admin/", "/django-admin/", "/documents/", "/static/", "/media/")
#: `Cache-Control` directives that say a response is for one visitor or none.
PRIVATE_DIRECTIVES = ("private", "no-store", "no-cache")


#: The cookie in which the browser gives its time zone: pages show times in it.
ZONE_COOKIE = "tz"
NEXT_CHANGE_KEY = "pagecache:next-change"

#: Callables `now -> datetime | None`: the next instant at which some page changes by
#: the clock alone (a deadline passes, an event starts). Apps register them.
_scheduled_change_sources: list[Callable[[datetime], datetime | None]] = []


def register_scheduled_changes(source: Callable[[datetime], datetime | None]) -> None:
    """Register a source of instants at which pages change without anyone editing.

    An opportunity leaves the open listing at its deadline with no editor action; a
    cached listing must not outlive that instant. Registered by the app that knows
    (the page cache must not import it).
    """
    if source not in _scheduled_change_sources:
        _scheduled_change_sources.append(source)


def next_scheduled_change(generation: str) -> float | None:
    """The POSIX time of the next change by the clock, or None when none is known.

    Worked out once per generation and again once that instant has passed, so a cache
    miss costs its queries only then.
    """
    key = f"{NEXT_CHANGE_KEY}:{generation}"
    now = timezone.now()
    stored = cache.get(key)
    if stored is None or (stored and stored <= now.timestamp()):
        instants = [i for source in _scheduled_change_sources if (i := source(now)) is not None]
        stored = min(instants).timestamp() if instants else 0
        cache.set(key, stored, None)
    return stored or None


@memoize
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def visitor_zone_name(request: HttpRequest) -> str:
    """The IANA zone in the `tz` cookie, or "" (anything else would grow the key space)."""
    name = unquote(request.COOKIES.get(ZONE_COOKIE, ""))[:64].strip()
    return name if name in _zone_names() else ""


def page_cache_seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 0) or 0)


def current_generation() -> str:
    """The token every cached page key carries; created on first use (or after eviction).

    A fresh random token (not a counter starting at 1) so that an evicted or flushed
    token can never come back and revive pages cached under it.
    """
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def bump_generation() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


# Content changed while Redis was unreachable could not bump the generation; when
# Redis answers again, forget every page cached before the outage.
resilient_cache.on_recovery(bump_generation)


def content_changed() -> None:
    """Public content changed: forget every cached page, now and once more at commit.

    Now, so that code running outside a transaction (and tests) see it at once; at
    commit again, because a request served between the change and its commit would
    render (and cache) the old content under the new generation.
    """
    bump_generation()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(bump_generation)


def _has_personal_cookie(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies


def request_is_cacheable(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if request.path_info.startswith(EXCLUDED_PREFIXES):
        return False
    return not _has_personal_cookie(request) and "HTTP_AUTHORIZATION" not in request.META


def response_is_cacheable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False
    # A page that used a CSRF token carries a token for this visitor only (it also sets
    # the cookie, so this is a second guard).
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(directive in cache_control for directive in PRIVATE_DIRECTIVES):
        return False
    # Rendered for a signed-in user (e.g. a session started by this very request).
    user = getattr(request, "user", None)
    return not (user is not None and getattr(user, "is_authenticated", False))


def cache_key(request: HttpRequest, generation: str) -> str:
    """Generation, host, path, query string, language and the visitor's time zone.

    Event and opportunity pages show times in the visitor's zone too (the `tz`
    cookie); a valid zone name is part of the key, anything else counts as none.

    The path already names the language everywhere but at `/`, which LocaleMiddleware
    sends to /es/ or /pt-br/ by the language cookie or Accept-Language: there the
    visitor's preferred language is part of the key, so the English home page is never
    served to one who would be redirected.
    """
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    if request.path_info == "/":
        language = normalize_language(
            translation.get_language_from_request(request, check_path=False)
        )
    raw = "\n".join(
        [
            request.get_host(),
            request.path_info,
            request.META.get("QUERY_STRING", ""),
            language,
            visitor_zone_name(request),
        ]
    )
    digest = hashlib.sha256(raw.encode()).hexdigest()
    return f"{KEY_PREFIX}:{generation}:{request.method}:{digest}"


class PageCacheMiddleware:
    """Serves and stores anonymous pages; answers conditional GETs with 304.

    Sits near the top of MIDDLEWARE (after SecurityMiddleware, before the CSP
    middleware) so that a stored response keeps the headers the middleware below
    added, among them the CSP nonce its body uses.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = page_cache_seconds()
        if seconds <= 0 or not request_is_cacheable(request):
            return self.get_response(request)
        generation = current_generation()
        key = cache_key(request, generation)
        cached = cache.get(key)
        if cached is not None:
            cached[HIT_HEADER] = "hit"
            return self._conditional(request, cached)
        response = self.get_response(request)
        if not response_is_cacheable(request, response):
            return response
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        response["ETag"] = f'"{hashlib.sha256(key.encode() + response.content).hexdigest()[:32]}"'
        response["Last-Modified"] = http_date()
        # The body is the same whatever cookie the visitor sends (personal ones bypass
        # the cache), but proxies must not give it to a signed-in visitor either.
        patch_vary_headers(response, ("Cookie",))
        if (change := next_scheduled_change(generation)) is not None:
            # Never past the next deadline, start or end: the page changes then.
            seconds = min(seconds, math.floor(change - timezone.now().timestamp()))
        if seconds <= 0:
            return response
        cache.set(key, response, seconds)
        response[HIT_HEADER] = "miss"
        return self._conditional(request, response)

    @staticmethod
    def _conditional(request: HttpRequest, response: HttpResponse) -> HttpResponse:
        return get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
            response=response,
        )
