"""Links that keep the visitor in their language.

Profiles are pages of the default locale, one per person, so Wagtail builds their
URLs in English (`/directory/ana-souza/`), whatever the visitor reads; the same page
answers under `/es/` and `/pt-br/` (`i18n_patterns` in website/urls.py). Links the
directory renders, and the links in e-mails to a researcher, go through
`in_language` so a Spanish reader stays under `/es/`.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import translation


def in_language(url: str, language: str | None = None) -> str:
    """`url` (a path or a full URL) in `language`, by default the active one.

    Resolved in the language its path already has (none means the default), then
    reversed in the one wanted; a URL this site cannot resolve comes back unchanged.
    """
    if not url:
        return url
    parts = urlsplit(url)
    current = translation.get_language_from_path(parts.path) or settings.LANGUAGE_CODE
    try:
        with translation.override(current):
            match = resolve(parts.path)
    except Resolver404:
        return url
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    try:
        with translation.override(language or translation.get_language()):
            path = reverse(name, args=match.args, kwargs=match.kwargs)
    except NoReverseMatch:
        return url
    return urlunsplit(parts._replace(path=path))
