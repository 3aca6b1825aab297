"""What search shows for a facet value, a topic or a link, in the visitor's language.

Both engines return values (slugs, codes, choice values) that never change with
the language, and label them here, in the language active when they are called:

* topics and spoken languages by their `name_es` / `name_pt` (English when
  empty), read in the same statement that counts them, so labels cost no query;
* career stages, "open to" flags and countries by `directory.labels.choice_label`
  (catalogues, django-countries, editors' `VocabularyLabel` overrides);
* institutions by their one name.

`localized_url` keeps a visitor on their language's prefix when a link leads to
a page whose URL was stored in English (the index stores `page.get_url()`).
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.utils.translation import get_language_from_path

from common.i18n import DEFAULT_LANGUAGE, current_language, field_suffix
from common.i18n_urls import path_in_language
from directory.labels import choice_label
from directory.models import Language, Topic
from search.types import Hit

#: Facets whose values belong to a fixed vocabulary of `directory.labels`.
FIXED_VOCABULARIES = {"country": "country", "career_stage": "career_stage", "open_to": "open_to"}


def name_column(alias: str, language: str | None = None) -> str:
    """SQL for the name of a topic or language row `alias` in the active language.

    Column names are constants of this module, never input.
    """
    suffix = field_suffix(language)
    if not suffix:
        return f"{alias}.name"
    return f"COALESCE(NULLIF({alias}.name{suffix}, ''), {alias}.name)"


def fixed_label(facet: str, value: str) -> str:
    """The label of a country, career stage or "open to" value; other facets: the value."""
    vocabulary = FIXED_VOCABULARIES.get(facet)
    return choice_label(vocabulary, value) if vocabulary else value


def topic_labels(slugs: Iterable[str]) -> dict[str, str]:
    """Slug -> name in the active language, in one query (none for no slugs)."""
    slugs = list(dict.fromkeys(slugs))
    if not slugs:
        return {}
    topics = Topic.objects.filter(slug__in=slugs).only("slug", "name", "name_es", "name_pt")
    return {topic.slug: topic.label for topic in topics}


def hit_topic_labels(hits: Iterable[Hit], known: dict[str, str]) -> dict[str, str]:
    """Labels of the hits' topics: those the facets named already (`known`), and the
    rest (a topic past the facet's top values) in one query, only if there are any."""
    missing = {slug for hit in hits for slug in hit.topics} - known.keys()
    return {**known, **topic_labels(missing)} if missing else known


def language_labels(codes: Iterable[str]) -> dict[str, str]:
    """ISO 639-1 code -> name in the active language, in one query (none for no codes)."""
    codes = list(dict.fromkeys(codes))
    if not codes:
        return {}
    languages = Language.objects.filter(code__in=codes).only("code", "name", "name_es", "name_pt")
    return {language.code: language.label for language in languages}


def localized_url(url: str, language: str | None = None) -> str:
    """`url` under the prefix of `language` (default: the active one).

    English has no prefix, so for English the URL is returned as it is; an English
    site path is reversed again in the other language ("/directory/ana/" ->
    "/es/directory/ana/"); anything else (another host, a path that does not
    resolve, one already prefixed) is returned as given.
    """
    language = language or current_language()
    if not url or language == DEFAULT_LANGUAGE:
        return url
    path = urlsplit(url)
    if path.netloc or get_language_from_path(path.path):
        return url
    # Stored URLs are English ones (no prefix): resolved as such, reversed in `language`.
    return path_in_language(url, language)
