"""Template tags of the three interface languages: `<html lang>`, the language switch,
the `hreflang` alternates and language-prefixed links to English paths."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse

from common.base_url import absolute_url
from common.i18n import current_language
from common.i18n_urls import alternate_urls, language_tag, path_in_language

register = template.Library()


@register.simple_tag
def html_lang() -> str:
    """The active interface language as a BCP 47 tag ("pt-BR"), for `<html lang>`."""
    return language_tag(current_language())


@register.filter(name="language_tag")
def language_tag_filter(code: str) -> str:
    """`{{ page.content_language|language_tag }}` → "pt-BR"."""
    return language_tag(code or settings.LANGUAGE_CODE)


@register.simple_tag
def localized_url(path: str) -> str:
    """An English path in the active language: `/directory/` → `/es/directory/`.

    For links to pages whose English address is known (the directory, the news).
    """
    return path_in_language(path, current_language())


@register.inclusion_tag("website/includes/language_switch.html", takes_context=True)
def language_switch(context: template.Context) -> dict[str, Any]:
    """Links to this page, same query string, in every language (through /language/)."""
    request = context.get("request")
    here = request.get_full_path() if request is not None else "/"
    current = current_language()
    switch = reverse("switch_language")
    return {
        "languages": [
            {
                "tag": language_tag(code),
                "name": name,
                "url": f"{switch}?{urlencode({'to': code, 'next': here})}",
                "current": code == current,
            }
            for code, name in settings.LANGUAGES
        ]
    }


@register.inclusion_tag("website/includes/language_alternates.html", takes_context=True)
def language_alternates(context: template.Context) -> dict[str, Any]:
    """`<link rel="alternate" hreflang>` for each language, and x-default (English)."""
    request = context.get("request")
    urls = alternate_urls(request, context.get("page")) if request is not None else {}
    links = [{"hreflang": language_tag(code), "href": _absolute(url)} for code, url in urls.items()]
    if settings.LANGUAGE_CODE in urls:
        links.append({"hreflang": "x-default", "href": _absolute(urls[settings.LANGUAGE_CODE])})
    return {"links": links}


def _absolute(url: str) -> str:
    return absolute_url(url) if url.startswith("/") else url
