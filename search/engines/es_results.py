"""Elasticsearch responses turned into the types of `search.types`.

Kept apart from the requests (`es_queries`) as the database engine keeps its SQL
apart from the rows it reads: hits with HTML-safe snippets, facet values with
labels, autocomplete suggestions.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.html import escape

from directory.models import Institution
from search.engines.es_documents import (
    LANGUAGES,
    MARK_END,
    MARK_START,
    institution_url,
    topic_url,
)
from search.labels import FIXED_VOCABULARIES, fixed_label, language_labels, topic_labels
from search.query import fold
from search.types import (
    AUTOCOMPLETE_TAXONOMY_LIMIT,
    FACETS,
    MAX_FACET_VALUES,
    FacetValue,
    Hit,
    SearchQuery,
    SearchResults,
    Suggestion,
)

# Fields tried for the snippet, in order; multi-valued ones are joined.
SNIPPET_FIELDS = (
    "biography",
    *(f"biography.{lang}" for lang in LANGUAGES),
    "publications",
    "keywords",
)
MULTI_VALUED = {"publications": " · ", "keywords": ", "}


def marked_html(fragment: str) -> str:
    """Escape a highlighted fragment, then turn the markers into <mark> tags."""
    escaped = str(escape(fragment))
    return escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


def snippet_from(highlight_data: dict[str, list[str]] | None) -> str:
    """The first highlighted field with a match, else the start of the biography.

    HTML-safe: the fragment is escaped, then only the markers become <mark>.
    """
    highlight_data = highlight_data or {}
    for field in SNIPPET_FIELDS:
        fragments = [f for f in highlight_data.get(field) or () if f]
        matched = [f for f in fragments if MARK_START in f]
        if matched:
            return marked_html(MULTI_VALUED.get(field, " ").join(matched))
    start = (highlight_data.get("biography") or [""])[0]
    return marked_html(start.replace(MARK_START, "").replace(MARK_END, ""))


def hit_from(raw: dict[str, Any]) -> Hit:
    """A `Hit` from one search hit. `topics` are slugs, as on the database engine."""
    source = raw.get("_source") or {}
    return Hit(
        id=int(source.get("id") or raw.get("_id")),
        name=source.get("name") or "",
        url=source.get("url") or "",
        job_title=source.get("job_title") or "",
        institution=source.get("institution_name") or "",
        country=(source.get("country") or "").upper(),
        topics=list(source.get("topic") or []),
        snippet=snippet_from(raw.get("highlight")),
    )


def facet_labels(facet: str, values: Iterable[str]) -> dict[str, str]:
    """Labels of facet values in the active language; one query for topics,
    institutions, languages (`search.labels`).

    Values without a label (a deleted topic, say) are left out: their label is
    the value itself.
    """
    values = list(values)
    if not values:
        return {}
    if facet == "topic":
        return topic_labels(values)
    if facet == "institution":
        return dict(Institution.objects.filter(slug__in=values).values_list("slug", "name"))
    if facet == "language":
        return language_labels(values)
    if facet in FIXED_VOCABULARIES:
        return {v: fixed_label(facet, v) for v in values}
    return {}


def facets_from(aggregations: dict[str, Any], query: SearchQuery) -> dict[str, list[FacetValue]]:
    """FacetValues as `search.types.FacetValue` describes them.

    The values with a count above 0 (at most MAX_FACET_VALUES) and every selected
    value, by count (highest first), then label.
    """
    result: dict[str, list[FacetValue]] = {}
    for facet in FACETS:
        data = aggregations.get(f"_filter_{facet}") or {}
        selected = getattr(query, facet)
        # Bucket keys come back folded by the normalizer: map them to the value
        # as selected, and countries back to upper case.
        canonical = {fold(value): value for value in selected}

        def value_of(key: Any, facet: str = facet, canonical: dict = canonical) -> str:
            key = str(key)
            return canonical.get(key) or (key.upper() if facet == "country" else key)

        counts: dict[str, int] = {}
        for bucket in ((data.get(facet) or {}).get("buckets") or [])[:MAX_FACET_VALUES]:
            if int(bucket.get("doc_count", 0)) > 0:
                counts[value_of(bucket.get("key", ""))] = int(bucket["doc_count"])
        for bucket in (data.get(f"{facet}_selected") or {}).get("buckets") or []:
            counts[value_of(bucket.get("key", ""))] = int(bucket.get("doc_count", 0))
        for value in selected:
            counts.setdefault(value, 0)
        labels = facet_labels(facet, counts)
        values = [
            FacetValue(
                value=value,
                label=labels.get(value, value),
                count=count,
                selected=value in selected,
            )
            for value, count in counts.items()
        ]
        values.sort(key=lambda v: (-v.count, fold(v.label), v.value))
        result[facet] = values
    return result


def _taxonomy_buckets(aggregations: dict[str, Any], kind: str) -> list[tuple[str, str]]:
    """(slug, label) pairs from an autocomplete aggregation, by label."""
    data = aggregations.get(kind) or {}
    if kind == "topic":
        data = data.get("entries") or {}
    buckets = ((data.get("matching") or {}).get("values") or {}).get("buckets") or []
    pairs = []
    for bucket in buckets:
        labels = (bucket.get("label") or {}).get("buckets") or []
        label = str(labels[0]["key"]) if labels else str(bucket.get("key", ""))
        pairs.append((str(bucket.get("key", "")), label))
    return sorted(pairs, key=lambda pair: (fold(pair[1]), pair[0]))


def search_results(response: dict[str, Any], query: SearchQuery, engine: str) -> SearchResults:
    """The results of a `search_body` request."""
    hits_data = response.get("hits") or {}
    total = hits_data.get("total") or 0
    if isinstance(total, dict):
        total = total.get("value", 0)
    return SearchResults(
        query=query,
        hits=[hit_from(raw) for raw in hits_data.get("hits") or []],
        total=int(total),
        facets=facets_from(response.get("aggregations") or {}, query),
        engine=engine,
    )


def suggestions(response: dict[str, Any], limit: int) -> list[Suggestion]:
    """The suggestions of an `autocomplete_body` request: names, then taxonomy."""
    aggregations = response.get("aggregations") or {}
    taxonomy = [
        Suggestion(label=label, url=topic_url(slug), kind="topic")
        for slug, label in _taxonomy_buckets(aggregations, "topic")
    ][:AUTOCOMPLETE_TAXONOMY_LIMIT]
    taxonomy += [
        Suggestion(label=label, url=institution_url(slug), kind="institution")
        for slug, label in _taxonomy_buckets(aggregations, "institution")
    ][:AUTOCOMPLETE_TAXONOMY_LIMIT]
    people = []
    for raw in (response.get("hits") or {}).get("hits") or []:
        source = raw.get("_source") or {}
        if source.get("url"):
            people.append(
                Suggestion(label=source.get("name") or "", url=source["url"], kind="researcher")
            )
    names_limit = max(limit - len(taxonomy), 1)
    return (people[:names_limit] + taxonomy)[:limit]
