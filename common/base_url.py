"""Absolute links from `WAGTAILADMIN_BASE_URL`, the one place the public address is set.

E-mails (confirmation links, the contact form's report link, newsletter issues),
robots.txt and the sitemap all need absolute URLs, outside any request.
"""

from __future__ import annotations

from django.conf import settings


def base_url() -> str:
    """`WAGTAILADMIN_BASE_URL` without a trailing slash, e.g. `https://network.example.org`."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def absolute_url(path: str) -> str:
    """`/sitemap.xml` → `https://network.example.org/sitemap.xml`."""
    return base_url() + path
