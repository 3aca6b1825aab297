"""The requests the Elasticsearch engine sends: relevance, facets, highlighting,
autocomplete and similar researchers, built with elasticsearch.dsl.

Kept apart from the engine so that a request body can be read (and tested) on its
own; `es_results` turns the responses back into `search.types`, and `es_index`
writes and rebuilds the index. docs/elasticsearch.md explains the choices.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from elasticsearch import Elasticsearch
from elasticsearch.dsl import FacetedSearch, Q, Search, TermsFacet
from elasticsearch.dsl.query import Query

from common.i18n import current_language
from search.engines.es_documents import (
    HIT_SOURCE,
    LABEL_FIELDS,
    LANGUAGES,
    MARK_END,
    MARK_START,
    OTHER_REGION,
)
from search.query import MAX_FILTER_VALUES, clean_text, fold, search_terms, words
from search.types import (
    AUTOCOMPLETE_MIN_LENGTH,
    AUTOCOMPLETE_TAXONOMY_LIMIT,
    DEFAULT_PAGE_SIZE,
    FACETS,
    MAX_FACET_VALUES,
    MAX_PAGE_SIZE,
    MAX_QUERY_LENGTH,
    MAX_RESULT_WINDOW,
    SORTS,
    SearchQuery,
)

SNIPPET_LENGTH = 200

# Field boosts: names above topics, institutions and keywords, above the rest,
# biography last. `terms` (institutions, cities, parent topics, countries,
# languages: the database engine's weight "B") sits just below topics.
NAME_FIELDS = ("name^10", "given_name^8", "family_name^8")
# Multilingual fields: each has .english/.spanish/.portuguese stemmed sub-fields.
STEMMED_FIELDS = (
    ("name", 10),
    ("topics", 5),
    ("institution_name", 5),
    ("keywords", 5),
    ("terms", 4),
    ("job_title", 3),
    ("publications", 2),
    ("biography", 1),
)
TEXT_FIELDS = (
    *NAME_FIELDS,
    *(f"{field}^{boost}" if boost != 1 else field for field, boost in STEMMED_FIELDS[1:]),
)
PHRASE_FIELDS = ("name^10", "topics^5", "keywords^5", "institution_name^5")
# Search as you type: the last word also matches as the beginning of a word in
# these (folded) fields, scored far below whole-word matches.
PREFIX_FIELDS = tuple(field.split("^")[0] for field in TEXT_FIELDS)
PREFIX_BOOST = 0.1

SORT_ORDERS: dict[str, list[Any]] = {
    "relevance": ["_score", {"name_sort": "asc"}, {"id": "asc"}],
    "name": [{"name_sort": "asc"}, {"id": "asc"}],
    "updated": [
        {"updated": {"order": "desc", "missing": "_last"}},
        {"name_sort": "asc"},
        {"id": "asc"},
    ],
}

HIGHLIGHT_FIELDS: dict[str, dict[str, Any]] = {
    # The biography gives the snippet: its start when nothing in it matched.
    "biography": {
        "fragment_size": SNIPPET_LENGTH,
        "number_of_fragments": 1,
        "no_match_size": SNIPPET_LENGTH,
    },
    # Stemmed matches ("batteries" for "battery") only show on the sub-fields.
    **{
        f"biography.{lang}": {"fragment_size": SNIPPET_LENGTH, "number_of_fragments": 1}
        for lang in LANGUAGES
    },
    "publications": {"number_of_fragments": 0},
    "keywords": {"number_of_fragments": 0},
}

# Autocomplete looks at most at this many words (search.types has the shared limits).
AUTOCOMPLETE_MAX_WORDS = 8
# Candidates for `similar`: at most this many of the person's topics and keywords.
SIMILAR_MAX_TOPICS = 20
SIMILAR_MAX_KEYWORDS = 30
# Added to the score of researchers in the other region: more than any
# more_like_this score, so the other region comes first (as on the database
# engine) and similarity orders within each region.
OTHER_REGION_BOOST = 1000.0


def normalise_query(query: SearchQuery) -> SearchQuery:
    """The query an engine may safely run: truncated text, valid sort, capped sizes.

    `search.query` already does this for requests; this is the engine's own
    guard, for callers that build a SearchQuery by hand. Never raises.
    """
    text = " ".join(clean_text(str(query.text or ""))[:MAX_QUERY_LENGTH].split())
    try:
        page_size = int(query.page_size)
    except (TypeError, ValueError):
        page_size = DEFAULT_PAGE_SIZE
    page_size = min(max(page_size, 1), MAX_PAGE_SIZE)
    try:
        page = max(int(query.page), 1)
    except (TypeError, ValueError):
        page = 1
    filters = {name: _clean_values(name, values) for name, values in query.filters().items()}
    sort = query.sort if query.sort in SORTS else "relevance"
    return replace(query, text=text, page=page, page_size=page_size, sort=sort, **filters)


def _clean_values(facet: str, values: Any) -> tuple[str, ...]:
    if isinstance(values, str):
        values = (values,)
    try:
        items = [clean_text(str(v)).strip() for v in values or ()]
    except TypeError:
        return ()
    # Upper-case before cutting: "ﬃ".upper() is three letters.
    items = [(v.upper() if facet == "country" else v)[:MAX_QUERY_LENGTH] for v in items]
    return tuple(dict.fromkeys(v for v in items if v))[:MAX_FILTER_VALUES]


def bounded(terms: Iterable[str]) -> list[str]:
    """The leading terms whose joined length stays within MAX_QUERY_LENGTH.

    Folding can lengthen text ("ﬃ" is three letters, "ﷺ" eighteen), so the terms of
    200 typed characters may be longer; whole terms are dropped, never cut.
    """
    kept: list[str] = []
    for term in terms:
        if len(" ".join([*kept, term])) > MAX_QUERY_LENGTH:
            break
        kept.append(term)
    return kept


def text_query(text: str) -> Query:
    """The relevance query for free text: no query syntax is parsed, ever.

    `text` is the terms of `search.query.search_terms`, joined by spaces. Every
    term must match some field (cross_fields, AND), on the folded fields or on
    one language's stemmed sub-fields; exact phrases in names and topics score
    extra; names also match with a typo. `multi_match` never parses Lucene
    syntax, so quotes, brackets, colons and AND/OR/NEAR are just text.

    The last clause is search as you type: the earlier terms as above, and the
    last term as the beginning of a word (`phrase_prefix` of one word is a prefix
    query per field), with a low boost so whole-word matches rank first.
    """
    *leading, last = text.split()
    prefix_must = [Q("multi_match", query=last, type="phrase_prefix", fields=list(PREFIX_FIELDS))]
    if leading:
        prefix_must.insert(
            0,
            Q(
                "multi_match",
                query=" ".join(leading),
                type="cross_fields",
                operator="and",
                fields=list(TEXT_FIELDS),
            ),
        )
    should = [
        Q("multi_match", query=text, type="cross_fields", operator="and", fields=list(TEXT_FIELDS)),
        *(
            Q(
                "multi_match",
                query=text,
                type="cross_fields",
                operator="and",
                fields=[f"{field}.{lang}^{boost}" for field, boost in STEMMED_FIELDS],
                boost=0.8,
            )
            for lang in LANGUAGES
        ),
        Q("multi_match", query=text, type="phrase", fields=list(PHRASE_FIELDS), boost=2),
        Q(
            "multi_match",
            query=text,
            type="best_fields",
            operator="and",
            fields=list(NAME_FIELDS),
            fuzziness="AUTO",
            prefix_length=1,
            boost=0.5,
        ),
        Q("bool", must=prefix_must, boost=PREFIX_BOOST),
    ]
    return Q("bool", should=should, minimum_should_match=1)


class ResearcherSearch(FacetedSearch):
    """elasticsearch.dsl's FacetedSearch gives the disjunctive facet semantics.

    Each facet's aggregation is filtered by every *other* selected facet, and the
    hits by all of them through `post_filter`: values within a facet OR'd (one
    `terms` filter), facets AND'd.
    """

    fields = list(TEXT_FIELDS)
    facets = {name: TermsFacet(field=name, size=MAX_FACET_VALUES) for name in FACETS}

    def __init__(
        self,
        client: Elasticsearch,
        index: str,
        text: str,
        filters: dict[str, tuple[str, ...]],
        sort: str,
    ):
        self.using = client
        self.index = index
        # Without terms every score is equal: "relevance" means by name then.
        self._sort_key = sort if text or sort != "relevance" else "name"
        super().__init__(text or None, {k: list(v) for k, v in filters.items() if v})

    def search(self) -> Search:
        return (
            Search(using=self.using, index=self.index)
            .source(HIT_SOURCE)
            .extra(track_total_hits=True)
        )

    def query(self, search: Search, query: str) -> Search:  # type: ignore[override]
        return search.query(text_query(query)) if query else search

    def highlight(self, search: Search) -> Search:  # type: ignore[override]
        return highlight(search)

    def sort(self, search: Search) -> Search:  # type: ignore[override]
        return search.sort(*SORT_ORDERS[self._sort_key])

    def aggregate(self, search: Search) -> None:  # type: ignore[override]
        """The facet aggregations, plus exact counts for the selected values.

        The top MAX_FACET_VALUES buckets may leave out a selected value, which
        must still be listed with its true count: a second `terms` aggregation
        under the same filter, restricted (`include`) to the selected values,
        folded as the keyword_folding normalizer folds the indexed ones.
        """
        super().aggregate(search)
        for name, values in self.filter_values.items():
            if values:
                search.aggs[f"_filter_{name}"].bucket(
                    f"{name}_selected",
                    "terms",
                    field=name,
                    include=sorted({fold(str(v)) for v in values}),
                    size=len(values),
                )


def highlight(search: Search) -> Search:
    """Highlight with private-use markers; `snippet_from` escapes and turns them to <mark>."""
    search = search.highlight_options(
        pre_tags=[MARK_START], post_tags=[MARK_END], encoder="default", type="unified"
    )
    for field, options in HIGHLIGHT_FIELDS.items():
        search = search.highlight(field, **options)
    return search


def search_body(client: Elasticsearch, index: str, query: SearchQuery) -> dict[str, Any]:
    """The request body `search` sends for an already normalised `query`."""
    start = (query.page - 1) * query.page_size
    size = query.page_size
    if start + size > MAX_RESULT_WINDOW:
        # Beyond the result window: totals and facets, but no page of hits.
        start, size = 0, 0
    text = " ".join(bounded(search_terms(query.text)))
    faceted = ResearcherSearch(client, index, text, query.filters(), query.sort)
    return faceted.build_search()[start : start + size].to_dict()


def autocomplete_terms(text: str) -> list[str]:
    """The typed words autocomplete looks up; none when too little was typed."""
    typed = words(clean_text(str(text or ""))[:MAX_QUERY_LENGTH])
    terms = bounded(typed[:AUTOCOMPLETE_MAX_WORDS])
    if len("".join(terms)) < AUTOCOMPLETE_MIN_LENGTH:
        return []
    return terms


def autocomplete_body(terms: list[str], limit: int) -> dict[str, Any]:
    """Names as hits; topics and institutions as (global) aggregations.

    Every term must begin a word: one `match_bool_prefix` per term on a
    search_as_you_type field. It analyzes the term with the field's folding
    analyzer (so "Łódź" folds as the index folded it) and turns it into a
    prefix query, which the field's `_index_prefix` sub-field answers.
    Topics and institutions are aggregated over all profiles (`global`), not
    only over the names that matched, and come back once each however many
    researchers share them. A topic matches by any of its names and synonyms and
    is labelled in the active language.
    """

    def every_prefix(field: str) -> dict[str, Any]:
        must = [
            Q("match_bool_prefix", **{field: {"query": term, "operator": "and"}}) for term in terms
        ]
        return Q("bool", must=must).to_dict()

    def values(slug_field: str, label_field: str) -> dict[str, Any]:
        return {
            "terms": {"field": slug_field, "size": 10 * AUTOCOMPLETE_TAXONOMY_LIMIT},
            "aggs": {"label": {"terms": {"field": label_field, "size": 1}}},
        }

    return {
        "size": limit,
        "_source": ["name", "url"],
        "query": every_prefix("name_suggest"),
        "sort": SORT_ORDERS["name"],
        "aggs": {
            "topic": {
                "global": {},
                "aggs": {
                    "entries": {
                        "nested": {"path": "topic_entries"},
                        "aggs": {
                            "matching": {
                                "filter": every_prefix("topic_entries.suggest"),
                                "aggs": {
                                    "values": values(
                                        "topic_entries.slug",
                                        f"topic_entries.{LABEL_FIELDS[current_language()]}",
                                    )
                                },
                            }
                        },
                    }
                },
            },
            "institution": {
                "global": {},
                "aggs": {
                    "matching": {
                        "filter": every_prefix("institution_suggest"),
                        "aggs": {"values": values("institution", "institution_label")},
                    }
                },
            },
        },
    }


def similar_body(
    index: str, researcher_id: int, source: dict[str, Any], limit: int
) -> dict[str, Any] | None:
    """Candidates share a topic or keyword (as on the database engine); more_like_this
    on topics, keywords and biography orders them; the other region comes first."""
    topics = list(source.get("topic") or [])[:SIMILAR_MAX_TOPICS]
    keywords = list(source.get("keyword") or [])[:SIMILAR_MAX_KEYWORDS]
    if not topics and not keywords:
        return None
    shares = [Q("terms", topic=topics)] if topics else []
    shares += [Q("terms", keyword=keywords)] if keywords else []
    mlt = Q(
        "more_like_this",
        fields=["topic", "topics", "keywords", "biography"],
        like=[{"_index": index, "_id": str(researcher_id)}],
        # Profiles are short: a term seen once, in one other profile, counts.
        min_term_freq=1,
        min_doc_freq=1,
        max_query_terms=25,
        minimum_should_match="10%",
    )
    query: Query = Q(
        "bool",
        filter=[Q("bool", should=shares, minimum_should_match=1)],
        should=[mlt],
        must_not=[Q("ids", values=[str(researcher_id)])],
    )
    other = OTHER_REGION.get(source.get("region") or "")
    if other:
        query = Q(
            "function_score",
            query=query,
            functions=[{"filter": {"term": {"region": other}}, "weight": OTHER_REGION_BOOST}],
            score_mode="sum",
            boost_mode="sum",
        )
    search = Search().query(query).source(HIT_SOURCE).sort(*SORT_ORDERS["relevance"])
    # No terms to mark: the snippet is the start of the biography, as on the
    # database engine.
    search = search.highlight_options(
        pre_tags=[MARK_START], post_tags=[MARK_END], highlight_query={"match_none": {}}
    ).highlight("biography", number_of_fragments=1, no_match_size=SNIPPET_LENGTH)
    return search[:limit].to_dict()
