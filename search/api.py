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
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from common.converters import MAX_ID
from search.documents import listed_researchers
from search.engines import get_engine
from search.query import SearchParamError, clean_text, parse_search_query
from search.types import Hit, SearchResults, Suggestion

AUTOCOMPLETE_MAX_LENGTH = 100
AUTOCOMPLETE_LIMIT = 8
SIMILAR_LIMIT = 6


def hit_json(hit: Hit) -> dict:
    return {
        "id": hit.id,
        "name": hit.name,
        "url": hit.url,
        "job_title": hit.job_title,
        "institution": hit.institution,
        "country": hit.country,
        "topics": list(hit.topics),
        "snippet": hit.snippet,
    }


def results_json(results: SearchResults) -> dict:
    return {
        "count": results.total,
        "page": results.query.page,
        "page_size": results.query.page_size,
        "results": [hit_json(hit) for hit in results.hits],
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
    return {"label": suggestion.label, "url": suggestion.url, "kind": suggestion.kind}


def error(exc: SearchParamError) -> JsonResponse:
    return JsonResponse(exc.as_dict(), status=400)


@require_GET
def directory_search(request: HttpRequest) -> JsonResponse:
    try:
        query = parse_search_query(request.GET)
    except SearchParamError as exc:
        return error(exc)
    return JsonResponse(results_json(get_engine().search(query)))


@require_GET
def autocomplete(request: HttpRequest) -> JsonResponse:
    text = clean_text(request.GET.get("q", ""))[:AUTOCOMPLETE_MAX_LENGTH]
    suggestions = get_engine().autocomplete(text, limit=AUTOCOMPLETE_LIMIT) if text.strip() else []
    return JsonResponse({"suggestions": [suggestion_json(s) for s in suggestions]})


@require_GET
def similar(request: HttpRequest, researcher_id: int) -> JsonResponse:
    # An id beyond 64 bits would overflow the database driver; no row has one. A
    # profile behind a view restriction is answered like one that does not exist.
    if researcher_id > MAX_ID or not listed_researchers().filter(pk=researcher_id).exists():
        return JsonResponse(
            {"error": f"No published researcher has the id {researcher_id}."}, status=404
        )
    hits = get_engine().similar(researcher_id, limit=SIMILAR_LIMIT)
    return JsonResponse({"results": [hit_json(hit) for hit in hits]})
