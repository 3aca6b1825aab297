"""Purging a CDN or proxy in front of the site (wagtail.contrib.frontend_cache).

Nothing happens unless `WAGTAILFRONTENDCACHE` names a backend (website settings read
it from the environment). A changed page is purged at its URL in every interface
language (profiles answer under `/es/` and `/pt-br/` too); a change that shows on
many pages (a topic renamed, an import) purges every public page. docs/caching.md.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

from common.i18n import LANGUAGE_CODES

logger = logging.getLogger(__name__)


def is_configured() -> bool:
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def _strip_prefix(path: str) -> str:
    for code in LANGUAGE_CODES:
        prefix = f"/{code}/"
        if code != settings.LANGUAGE_CODE and path.startswith(prefix):
            return path[len(prefix) - 1 :]
    return path


def in_every_language(url: str) -> list[str]:
    """`https://host/directory/ana/` → the same in English, `/es/…` and `/pt-br/…`."""
    parts = urlsplit(url)
    path = _strip_prefix(parts.path or "/")
    paths = [
        path if code == settings.LANGUAGE_CODE else f"/{code}{path}" for code in LANGUAGE_CODES
    ]
    return [urlunsplit(parts._replace(path=variant)) for variant in paths]


def purge_urls(urls: Iterable[str]) -> None:
    """Purge `urls` in every language; a failing CDN never breaks the change itself."""
    if not is_configured():
        return
    from wagtail.contrib.frontend_cache.utils import PurgeBatch

    batch = PurgeBatch()
    for url in dict.fromkeys(urls):
        batch.add_urls(in_every_language(url))
    try:
        batch.purge()
    except Exception:
        logger.exception("Could not purge the front-end cache")


def purge_pages(pages: Iterable) -> None:
    """Each page (and its parent, whose listing shows it) in every language."""
    urls: list[str] = []
    for page in pages:
        for item in (page, page.get_parent()):
            url = item.specific_deferred.full_url if item is not None else None
            if url:
                urls.append(url)
    purge_urls(urls)


def purge_everything() -> None:
    """Every live public page in every language (the CDN has no wildcard for us)."""
    if not is_configured():
        return
    from wagtail.models import Page

    urls = [
        page.full_url
        for page in Page.objects.live().public().filter(depth__gt=1).specific(defer=True)
        if page.full_url
    ]
    purge_urls(urls)
