"""Links that keep the visitor in their language.

Profiles are pages of the default locale, one per person, so Wagtail builds their
URLs in English (`/directory/ana-souza/`), whatever the visitor reads; the same page
answers under `/es/` and `/pt-br/` (`i18n_patterns` in website/urls.py). Links the
directory renders, and the links in e-mails to a researcher, go through
`in_language` so a Spanish reader stays under `/es/`.
"""

from __future__ import annotations

from django.utils import translation

from common.i18n_urls import path_in_language


def in_language(url: str, language: str | None = None) -> str:
    """`url` (a path or a full URL) in `language`, by default the active one.

    Resolved in the language its path already has (none means the default), then
    reversed in the one wanted; a URL this site cannot resolve comes back unchanged
    (`common.i18n_urls.path_in_language`, which the language switch uses too).
    """
    if not url:
        return url
    return path_in_language(url, language or translation.get_language())
