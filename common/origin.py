"""A cross-site check for forms that carry no CSRF token (so their pages can be cached).

A page from the shared page cache cannot carry a visitor's CSRF token; the forms on
such pages (the newsletter sign-up) are exempt from Django's token check and use
this instead: a browser posting from another site says so in `Origin` (every
current browser sends it on a cross-origin POST) or `Referer`. docs/caching.md.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def is_same_origin_post(request: HttpRequest) -> bool:
    """False when the browser says the form was posted from another site.

    No `Origin` and no `Referer` (a script, or a privacy setting that strips both) is
    allowed: such a request cannot be a forged post from a visitor's browser.
    """
    own = f"{request.scheme}://{request.get_host()}".lower()
    trusted = {own, *(origin.lower() for origin in settings.CSRF_TRUSTED_ORIGINS)}
    origin = request.META.get("HTTP_ORIGIN")
    if origin is not None:
        return origin.lower() in trusted
    referer = request.META.get("HTTP_REFERER")
    if referer:
        return _origin_of(referer) in trusted
    return True
