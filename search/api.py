"""The JSON API of directory search.

    GET /api/directory/search?q=&topic=&country=&institution=&career_stage=&language=
        &open_to=&page=&page_size=&sort=
    GET /api/directory/autocomplete?q=
    GET /api/directory/researchers/<id>/similar

Repeat a parameter for several values (`country=CL&country=AR`): values of one
facet are OR'd, facets AND'd. Topics and institutions go by slug, countries by ISO
3166-1 alpha-2 code, languages by ISO 639-1 code. A bad parameter gets a 400 whose
JSON names it: `{"error": "page: must be a whole number of at least 1.",
"parameter": "page"}`. E-mail addresses are not in the index, so they cannot
appear here.

Language: every endpoint takes `lang` (en, es, pt-br; "pt" and "es-CL" are
understood; anything else means English, never an error) and, without it,
honours Accept-Language. It changes labels (facet labels, topic and country
labels of hits, topic suggestions), error texts and links (`/es/...`); values,
slugs and codes are the same in every language. The answer says which language
it used (`Content-Language`, and `"lang"` in the search answer).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.http import require_GET

from common.converters import MAX_ID
from common.i18n import DEFAULT_LANGUAGE, normalize_language
from search.documents import listed_researchers
from search.engines import get_engine
from search.labels import fixed_label, hit_topic_labels, localized_url, topic_labels
from search.query import SearchParamError, clean_text, parse_search_query
from search.types import Hit, SearchResults, Suggestion

AUTOCOMPLETE_MAX_LENGTH = 100
AUTOCOMPLETE_LIMIT = 8
SIMILAR_LIMIT = 6


def request_language(request: HttpRequest) -> str:
    """`lang` if given (unknown: English), else the best of Accept-Language, else English."""
    lang = request.GET.get("lang", "").strip()
    if lang:
        return normalize_language(lang)
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            continue
        try:
            return normalize_language(translation.get_supported_language_variant(code))
        except LookupError:
            continue
    return DEFAULT_LANGUAGE


def in_request_language(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run `view` in the language the request asks for, and say so in the answer."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        language = request_language(request)
        with translation.override(language):
            response = view(request, *args, **kwargs)
        response.headers["Content-Language"] = language
        patch_vary_headers(response, ["Accept-Language"])
        return response

    return wrapper


def hit_json(hit: Hit, topic_names: dict[str, str] | None = None) -> dict:
    """A hit; `topic_labels` and `country_label` are in the request's language,
    `topics` and `country` are the slugs and code, the same in every language."""
    topic_names = topic_names or {}
    return {
        "id": hit.id,
        "name": hit.name,
        "url": localized_url(hit.url),
        "job_title": hit.job_title,
        "institution": hit.institution,
        "country": hit.country,
        "country_label": fixed_label("country", hit.country) if hit.country else "",
        "topics": list(hit.topics),
        "topic_labels": [topic_names.get(slug, slug) for slug in hit.topics],
        "snippet": hit.snippet,
    }


def results_json(results: SearchResults) -> dict:
    known = {value.value: value.label for value in results.facets.get("topic", [])}
    topic_names = hit_topic_labels(results.hits, known)
    return {
        "lang": normalize_language(translation.get_language()),
        "count": results.total,
        "page": results.query.page,
        "page_size": results.query.page_size,
        "results": [hit_json(hit, topic_names) for hit in results.hits],
        "facets": {
            name: [
                {
                    "value": value.value,
                    "label": value.label,
                    "count": value.count,
                    "selected": value.selected,
                }
                for value in values
            ]
            for name, values in results.facets.items()
        },
    }


def suggestion_json(suggestion: Suggestion) -> dict:
    return {
        "label": suggestion.label,
        "url": localized_url(suggestion.url),
        "kind": suggestion.kind,
    }


def error(exc: SearchParamError) -> JsonResponse:
    return JsonResponse(exc.as_dict(), status=400)


@require_GET
@in_request_language
def directory_search(request: HttpRequest) -> JsonResponse:
    try:
        query = parse_search_query(request.GET)
    except SearchParamError as exc:
        return error(exc)
    return JsonResponse(results_json(get_engine().search(query)))


@require_GET
@in_request_language
def autocomplete(request: HttpRequest) -> JsonResponse:
    """Topics match by any of their names and synonyms and come back in the
    request's language."""
    text = clean_text(request.GET.get("q", ""))[:AUTOCOMPLETE_MAX_LENGTH]
    suggestions = get_engine().autocomplete(text, limit=AUTOCOMPLETE_LIMIT) if text.strip() else []
    return JsonResponse({"suggestions": [suggestion_json(s) for s in suggestions]})


@require_GET
@in_request_language
def similar(request: HttpRequest, researcher_id: int) -> JsonResponse:
    # An id beyond 64 bits would overflow the database driver; no row has one. A
    # profile behind a view restriction is answered like one that does not exist.
    if researcher_id > MAX_ID or not listed_researchers().filter(pk=researcher_id).exists():
        return JsonResponse(
            {"error": _("No published researcher has the id %(id)s.") % {"id": researcher_id}},
            status=404,
        )
    hits = get_engine().similar(researcher_id, limit=SIMILAR_LIMIT)
    names = topic_labels({slug for hit in hits for slug in hit.topics})
    return JsonResponse({"results": [hit_json(hit, names) for hit in hits]})
