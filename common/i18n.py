"""The three languages the network works in, and how content fields follow them.

Translated content lives in sibling fields (`name`, `name_es`, `name_pt`; `bio`,
`bio_es`, `bio_pt`): the unsuffixed field is the original (English for the
taxonomies, whatever the author wrote for a biography), and a translation that is
empty falls back to it. Codes from outside (URL, cookie, header, `lang=`, CSV) go
through `normalize_language`, so an unknown code means English, never an error.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation

DEFAULT_LANGUAGE = "en"
#: Interface language codes, as in settings.LANGUAGES.
LANGUAGE_CODES = ("en", "es", "pt-br")
#: Suffix of the content field that holds each language's translation.
FIELD_SUFFIXES = {"en": "", "es": "_es", "pt-br": "_pt"}


def normalize_language(code: str | None) -> str:
    """Map any code ("pt", "pt-BR", "pt_PT", "es-CL", "EN", junk) to one of ours."""
    if not code:
        return DEFAULT_LANGUAGE
    code = str(code).strip().lower().replace("_", "-")
    if code in LANGUAGE_CODES:
        return code
    base = code.split("-", 1)[0]
    if base == "pt":
        return "pt-br"
    if base in LANGUAGE_CODES:
        return base
    return DEFAULT_LANGUAGE


def current_language() -> str:
    return normalize_language(translation.get_language())


def field_suffix(language: str | None = None) -> str:
    return FIELD_SUFFIXES[normalize_language(language or translation.get_language())]


def localized_value(obj: Any, field: str, language: str | None = None) -> Any:
    """`obj.<field>_<lang>` when it holds something, else the original `obj.<field>`."""
    suffix = field_suffix(language)
    if suffix:
        value = getattr(obj, f"{field}{suffix}", None)
        if value:
            return value
    return getattr(obj, field)


def localized_language(obj: Any, field: str, original: str, language: str | None = None) -> str:
    """The language code of what `localized_value` returns, for a `lang` attribute."""
    suffix = field_suffix(language)
    if suffix and getattr(obj, f"{field}{suffix}", None):
        return normalize_language(language or translation.get_language())
    return original
