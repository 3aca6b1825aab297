"""The newsletter's three languages, and the three spellings each one has.

A subscriber's `language` is `en`, `es` or `pt`: Mailchimp's own codes, so the
sync sends and reads them unchanged (docs/mailchimp-api.md §1). The interface
speaks `en`, `es` and `pt-br` (settings.LANGUAGES, Wagtail's locales), and an
HTML `lang` attribute wants BCP 47 (`pt-BR`). Everything that crosses from one
to another goes through here, and through `common.i18n.normalize_language`, so
an unknown code is English and never an error.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.utils import translation

from common.i18n import DEFAULT_LANGUAGE, normalize_language
from newsletter.models import NewsletterLanguage

#: The language every issue is written in first, and the one others fall back to.
SOURCE_LANGUAGE = NewsletterLanguage.ENGLISH


def interface_language(code: str | None) -> str:
    """`pt` (or `pt-BR`, `pt_PT`, junk) → the interface code: `en`, `es` or `pt-br`."""
    return normalize_language(code)


def newsletter_language(code: str | None) -> str:
    """Any code (`pt-br`, `es-CL`, `EN`, junk) → a subscriber's: `en`, `es` or `pt`."""
    return normalize_language(code).split("-", 1)[0]


def lang_attribute(code: str | None) -> str:
    """The HTML `lang` value for a language: `en`, `es`, `pt-BR`."""
    language, _, region = interface_language(code).partition("-")
    return f"{language}-{region.upper()}" if region else language


def request_language(request: Any) -> str:
    """The newsletter language of the page a request is for (its URL prefix, set by
    LocaleMiddleware), so a sign-up on /es/ is in Spanish unless the person chooses."""
    code = getattr(request, "LANGUAGE_CODE", None) or translation.get_language()
    return newsletter_language(code or DEFAULT_LANGUAGE)


@contextmanager
def speaking(code: str | None) -> Iterator[str]:
    """Render e-mail (text, subject, links) in a newsletter or interface language.

    Activates the interface language for the block, so `gettext` and `reverse`
    (the /es/ and /pt-br/ prefixes) follow it; yields the `lang` attribute.
    """
    with translation.override(interface_language(code)):
        yield lang_attribute(code)
