"""The same page in another interface language: for the language switch, the
`hreflang` alternates in every page's <head> and the sitemap.

English URLs carry no prefix, Spanish and Portuguese ones /es/ and /pt-br/
(`i18n_patterns`); a Wagtail page may also have a translation of its own, at its own
slug. Everything here resolves URLs in Python: the only query is the one that lists
a page's translations.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils import translation

from common.i18n import LANGUAGE_CODES
from common.i18n_pages import translations_may_exist, tree_language


def language_tag(code: str) -> str:
    """The BCP 47 tag for `lang` and `hreflang`: "pt-br" → "pt-BR", "es" → "es"."""
    language, _, region = code.partition("-")
    return f"{language}-{region.upper()}" if region else language


def path_in_language(url: str, language: str) -> str:
    """The URL of the same view in `language`, query string kept.

    `/directory/?q=litio` → `/es/directory/?q=litio`; `/es/search/` → `/pt-br/search/`.
    A URL outside the language prefixes, or that resolves to nothing, comes back as it was.
    """
    source = translation.get_language_from_path(urlsplit(url).path) or settings.LANGUAGE_CODE
    with translation.override(source):
        return translate_url(url, language)


def page_urls(page: Any, request: HttpRequest | None = None) -> dict[str, str]:
    """A Wagtail page's URL in each interface language.

    A language with a live translation gets the translation's URL (its own slugs);
    the others get the default-locale original under their prefix, which the
    original serves with that interface (common.i18n_pages). A page that exists
    only in a translated tree has no URL in the languages it lacks.

    One query, to list the translations, and none at all while no home page has been
    translated (nothing else can be) or for a page rendered in every language.
    """
    if translations_may_exist(page, request):
        translations = {
            other.locale.language_code: other
            for other in page.get_translations(inclusive=True).live().select_related("locale")
        }
    else:
        translations = {tree_language(page, request) or settings.LANGUAGE_CODE: page}
    original = translations.get(settings.LANGUAGE_CODE)
    urls: dict[str, str] = {}
    for language in LANGUAGE_CODES:
        if language in translations:
            with translation.override(language):
                url = translations[language].get_url(request)
        elif original is not None:
            with translation.override(settings.LANGUAGE_CODE):
                url = path_in_language(original.get_url(request), language)
        else:
            continue
        if url:
            urls[language] = url
    return urls


def alternate_urls(request: HttpRequest, page: Any = None) -> dict[str, str]:
    """This response's URL in each interface language, or {} when it has no others.

    A Wagtail page (the request was routed to it) goes through `page_urls`; any
    other view keeps its path and changes the prefix (the query string is left off:
    these are the addresses of pages, not of searches).
    """
    from wagtail.models import Page

    match = getattr(request, "resolver_match", None)
    if match is None:
        return {}
    if isinstance(page, Page) and page.pk and match.url_name == "wagtail_serve":
        urls = page_urls(page, request)
    else:
        urls = {language: path_in_language(request.path, language) for language in LANGUAGE_CODES}
    return urls if len(set(urls.values())) > 1 else {}
