"""The Elasticsearch engine: relevance, disjunctive facets, highlighting, suggestions.

Selected when ``ELASTICSEARCH_URL`` is set (see ``search.engines.get_engine``),
wrapped in ``FallbackEngine`` so that an unreachable cluster answers from the
database instead. docs/elasticsearch.md explains the design; in short:

* Searches and writes go through the alias ``ELASTICSEARCH_INDEX``; the concrete
  index behind it is ``<alias>-<timestamp>``. ``rebuild`` loads a new index and
  swaps the alias in one ``_aliases`` request, so searches never see an empty or
  half-built index.
* While a rebuild runs, the new index is also reachable through the alias
  ``<alias>-rebuilding``. ``index_researchers``/``remove_researchers`` look it up
  and write to both, the rebuild loads with ``create`` (never overwriting a
  document a live write already put there), and just before the swap it deletes
  every document whose profile stopped being published meanwhile. The marker
  lives in Elasticsearch itself, so every process sees it: web, task worker and
  the management command.
* Every write goes through an alias with ``require_alias=true``: a write can
  never auto-create a dynamically mapped index under a stale name.
* The behaviour follows `search.types` and the database engine: the same terms
  (`search.query.search_terms`, all required), the same facet rules, the same
  autocomplete rule (every typed word begins a word) and the same `similar`
  candidates (a shared topic or keyword, the other region first).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.html import escape
from elasticsearch import Elasticsearch, NotFoundError
from elasticsearch.dsl import FacetedSearch, Q, Search, TermsFacet
from elasticsearch.dsl.query import Query
from elasticsearch.helpers import streaming_bulk

from directory.choices import CareerStage, OpenTo
from directory.models import Institution, Language, Topic
from search.documents import country_label
from search.engines.es_documents import (
    HIT_SOURCE,
    LANGUAGES,
    MARK_END,
    MARK_START,
    OTHER_REGION,
    documents_for,
    indexable_researchers,
    institution_url,
    iter_all_documents,
    researcher_index,
    topic_url,
)
from search.query import MAX_FILTER_VALUES, clean_text, fold, search_terms, words
from search.types import (
    DEFAULT_PAGE_SIZE,
    FACETS,
    MAX_FACET_VALUES,
    MAX_PAGE_SIZE,
    MAX_QUERY_LENGTH,
    MAX_RESULT_WINDOW,
    SORTS,
    FacetValue,
    Hit,
    ProgressCallback,
    SearchQuery,
    SearchResults,
    Suggestion,
)

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# Writes (bulk loads, task updates) may take longer than a search is allowed to.
WRITE_TIMEOUT = 60.0
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
# Fields tried for the snippet, in order; multi-valued ones are joined.
SNIPPET_FIELDS = (
    "biography",
    *(f"biography.{lang}" for lang in LANGUAGES),
    "publications",
    "keywords",
)
MULTI_VALUED = {"publications": " · ", "keywords": ", "}

# Autocomplete, as on the database engine: at least this many typed characters,
# at most this many words, and at most this many topics and institutions each.
AUTOCOMPLETE_MIN_LENGTH = 2
AUTOCOMPLETE_MAX_WORDS = 8
AUTOCOMPLETE_TAXONOMY_LIMIT = 2
# Candidates for `similar`: at most this many of the person's topics and keywords.
SIMILAR_MAX_TOPICS = 20
SIMILAR_MAX_KEYWORDS = 30
# Added to the score of researchers in the other region: more than any
# more_like_this score, so the other region comes first (as on the database
# engine) and similarity orders within each region.
OTHER_REGION_BOOST = 1000.0


class IndexWriteError(Exception):
    """Elasticsearch rejected some index writes; `errors` holds the bulk items."""

    def __init__(self, message: str, errors: list[dict[str, Any]]):
        super().__init__(f"{message}: {errors[:3]!r}")
        self.errors = errors


@functools.cache
def default_client(url: str, timeout: float) -> Elasticsearch:
    """One client (and so one connection pool) per process and configuration.

    Short timeout, no retry on timeout and a single retry otherwise: a search
    request must fall back to the database quickly rather than wait on a sick
    cluster.
    """
    return Elasticsearch(url, request_timeout=timeout, retry_on_timeout=False, max_retries=1)


# --------------------------------------------------------------------------------------
# Queries
# --------------------------------------------------------------------------------------


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
    """
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


# --------------------------------------------------------------------------------------
# Responses
# --------------------------------------------------------------------------------------


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
    """Human labels for facet values; one query for topics, institutions, languages.

    Values without a label (a deleted topic, say) are left out: their label is
    the value itself.
    """
    values = list(values)
    if not values:
        return {}
    if facet == "topic":
        return dict(Topic.objects.filter(slug__in=values).values_list("slug", "name"))
    if facet == "institution":
        return dict(Institution.objects.filter(slug__in=values).values_list("slug", "name"))
    if facet == "language":
        return dict(Language.objects.filter(code__in=values).values_list("code", "name"))
    if facet == "country":
        return {v: country_label(v) for v in values}
    choices = {"career_stage": CareerStage, "open_to": OpenTo}.get(facet)
    if choices is not None:
        labels = dict(choices.choices)
        return {v: str(labels[v]) for v in values if v in labels}
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


# --------------------------------------------------------------------------------------
# The engine
# --------------------------------------------------------------------------------------


class ElasticsearchEngine:
    """The directory's search on Elasticsearch; implements `search.types.SearchEngine`."""

    name = "elasticsearch"

    def __init__(
        self,
        client: Elasticsearch | None = None,
        *,
        url: str | None = None,
        index: str | None = None,
        timeout: float | None = None,
        refresh: bool | str = "wait_for",
    ):
        """Every argument defaults to the settings (ELASTICSEARCH_URL, _INDEX, _TIMEOUT).

        `client`: injected in tests (a fake transport); otherwise one shared client
        per URL and timeout is made on first use, so constructing an engine never
        touches the network. `index`: the alias name. `refresh`: the bulk API's
        refresh parameter for index updates. "wait_for" (the default) returns once
        the change is searchable, at most a refresh interval (1 s) later, so an
        editor who publishes sees the profile in search at once; the wait happens
        in the django-tasks worker, not in a request.
        """
        self._client = client
        self._url = url
        self._timeout = timeout
        self.alias = index or settings.ELASTICSEARCH_INDEX
        self.rebuild_alias = f"{self.alias}-rebuilding"
        self.refresh = refresh

    @classmethod
    def from_settings(cls, **kwargs: Any) -> ElasticsearchEngine:
        """The engine as configured in settings; `kwargs` override (see __init__)."""
        return cls(**kwargs)

    @property
    def timeout(self) -> float:
        timeout = self._timeout
        if timeout is None:
            timeout = getattr(settings, "ELASTICSEARCH_TIMEOUT", 2.0)
        return float(timeout)

    @property
    def client(self) -> Elasticsearch:
        if self._client is None:
            self._client = default_client(self._url or settings.ELASTICSEARCH_URL, self.timeout)
        return self._client

    @property
    def writer(self) -> Elasticsearch:
        """The client for writes: same connection pool, a longer timeout."""
        return self.client.options(request_timeout=max(WRITE_TIMEOUT, self.timeout))

    # Reading ---------------------------------------------------------------------------

    def search_body(self, query: SearchQuery) -> dict[str, Any]:
        """The request body `search` sends for an already normalised `query`."""
        start = (query.page - 1) * query.page_size
        size = query.page_size
        if start + size > MAX_RESULT_WINDOW:
            # Beyond the result window: totals and facets, but no page of hits.
            start, size = 0, 0
        text = " ".join(bounded(search_terms(query.text)))
        faceted = ResearcherSearch(self.client, self.alias, text, query.filters(), query.sort)
        return faceted.build_search()[start : start + size].to_dict()

    def search(self, query: SearchQuery) -> SearchResults:
        query = normalise_query(query)
        response = self.client.search(index=self.alias, body=self.search_body(query)).body
        return self.parse_search(response, query)

    def parse_search(self, response: dict[str, Any], query: SearchQuery) -> SearchResults:
        hits_data = response.get("hits") or {}
        total = hits_data.get("total") or 0
        if isinstance(total, dict):
            total = total.get("value", 0)
        return SearchResults(
            query=query,
            hits=[hit_from(raw) for raw in hits_data.get("hits") or []],
            total=int(total),
            facets=facets_from(response.get("aggregations") or {}, query),
            engine=self.name,
        )

    def autocomplete_body(self, terms: list[str], limit: int) -> dict[str, Any]:
        """Names as hits; topics and institutions as (global) aggregations.

        Every term must begin a word: one `match_bool_prefix` per term on a
        search_as_you_type field. It analyzes the term with the field's folding
        analyzer (so "Łódź" folds as the index folded it) and turns it into a
        prefix query, which the field's `_index_prefix` sub-field answers.
        Topics and institutions are aggregated over all profiles (`global`), not
        only over the names that matched, and come back once each however many
        researchers share them.
        """

        def every_prefix(field: str) -> dict[str, Any]:
            must = [
                Q("match_bool_prefix", **{field: {"query": term, "operator": "and"}})
                for term in terms
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
                                        "values": values("topic_entries.slug", "topic_entries.name")
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

    def autocomplete(self, text: str, limit: int = 8) -> list[Suggestion]:
        """Researchers, then at most two topics and two institutions, `limit` in all."""
        typed = words(clean_text(str(text or ""))[:MAX_QUERY_LENGTH])
        terms = bounded(typed[:AUTOCOMPLETE_MAX_WORDS])
        limit = min(int(limit), MAX_PAGE_SIZE)
        if not terms or len("".join(terms)) < AUTOCOMPLETE_MIN_LENGTH or limit < 1:
            return []
        body = self.autocomplete_body(terms, limit)
        response = self.client.search(index=self.alias, body=body).body
        return self.parse_autocomplete(response, limit)

    def parse_autocomplete(self, response: dict[str, Any], limit: int) -> list[Suggestion]:
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

    def similar_body(
        self, researcher_id: int, source: dict[str, Any], limit: int
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
            like=[{"_index": self.alias, "_id": str(researcher_id)}],
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

    def similar(self, researcher_id: int, limit: int = 6) -> list[Hit]:
        """Researchers like this one, the other region (UK / Latin America) first."""
        limit = min(int(limit), MAX_PAGE_SIZE)
        if limit < 1:
            return []
        try:
            found = self.client.get(
                index=self.alias,
                id=str(int(researcher_id)),
                source_includes=["topic", "keyword", "region"],
            ).body
        except NotFoundError as error:
            # No such document (unpublished, unknown): nothing is similar. A missing
            # index is a real error, for FallbackEngine to answer from the database.
            if isinstance(error.body, dict) and error.body.get("found") is False:
                return []
            raise
        body = self.similar_body(int(researcher_id), found.get("_source") or {}, limit)
        if body is None:
            return []
        response = self.client.search(index=self.alias, body=body).body
        hits = (response.get("hits") or {}).get("hits") or []
        return [hit_from(raw) for raw in hits if str(raw.get("_id")) != str(researcher_id)]

    # Writing ---------------------------------------------------------------------------

    def write_targets(self) -> list[str]:
        """The aliases a live write must reach: the live one, and a rebuild's new index."""
        targets = [self.alias]
        if self.writer.indices.exists_alias(name=self.rebuild_alias):
            targets.append(self.rebuild_alias)
        return targets

    def index_researchers(self, pks: list[int]) -> None:
        """Bring these profiles up to date: (re)index the published, delete the rest.

        Raises on failure (cluster down, rejected documents) so the django-tasks
        task is recorded as failed and can be re-run; see docs/elasticsearch.md.
        """
        pks = list(dict.fromkeys(int(pk) for pk in pks))
        if not pks:
            return
        targets = self.write_targets()
        for start in range(0, len(pks), BATCH_SIZE):
            chunk = pks[start : start + BATCH_SIZE]
            docs = documents_for(chunk)
            actions = []
            for pk in chunk:
                for target in targets:
                    if pk in docs:
                        actions.append({"_index": target, "_id": str(pk), "_source": docs[pk]})
                    else:
                        actions.append({"_op_type": "delete", "_index": target, "_id": str(pk)})
            self._write(actions, self._refresh_for(targets))

    def remove_researchers(self, pks: list[int]) -> None:
        """Delete these profiles' documents (deleted or unpublished pages)."""
        pks = list(dict.fromkeys(int(pk) for pk in pks))
        if not pks:
            return
        targets = self.write_targets()
        self._write(
            (
                {"_op_type": "delete", "_index": target, "_id": str(pk)}
                for pk in pks
                for target in targets
            ),
            self._refresh_for(targets),
        )

    def _refresh_for(self, targets: list[str]) -> bool | str:
        """No waiting while a rebuild runs: its new index has refreshes switched off
        until just before the swap, so "wait_for" would hang until then."""
        return self.refresh if targets == [self.alias] else False

    def _write(self, actions: Iterable[dict[str, Any]], refresh: bool | str) -> None:
        errors = []
        for ok, item in streaming_bulk(
            self.writer,
            actions,
            chunk_size=BATCH_SIZE,
            raise_on_error=False,
            require_alias=True,
            refresh=refresh,
        ):
            if not ok and not self._harmless(item):
                errors.append(item)
        if errors:
            raise IndexWriteError("Elasticsearch rejected index writes", errors)

    def _harmless(self, item: dict[str, Any]) -> bool:
        """Failures that mean "nothing to do" rather than "data lost"."""
        op, info = next(iter(item.items()))
        error = info.get("error") or {}
        error_type = error.get("type", "") if isinstance(error, dict) else ""
        if error_type == "index_not_found_exception":
            if info.get("_index") == self.rebuild_alias:
                # The rebuild swapped between our alias lookup and this write, so
                # the live alias (written in the same request) is the new index.
                return True
            logger.warning(
                "Elasticsearch alias %r does not exist yet: run `manage.py search_index "
                "--rebuild`. Write to it skipped (%s).",
                self.alias,
                error.get("reason", error_type),
            )
            return True
        # A delete of a document that was never indexed.
        return op == "delete" and info.get("status") == 404

    # Rebuilding ------------------------------------------------------------------------

    def indices_behind(self, name: str) -> dict[str, dict[str, Any]]:
        """Concrete indices behind alias `name` ({} when none); a concrete index named
        `name` comes back keyed by `name` itself."""
        response = self.writer.options(ignore_status=404).indices.get_alias(index=name)
        if response.meta.status == 404:
            return {}
        return dict(response.body)

    def new_index_name(self) -> str:
        return f"{self.alias}-{timezone.now():%Y%m%d%H%M%S%f}"

    def rebuild(self, progress: ProgressCallback | None = None) -> int:
        """Build a new index from the database and swap the alias to it atomically.

        Returns the number of profiles indexed. `progress(done, total)` is called
        as batches are written. On failure the new index is deleted and the live
        one is left untouched.
        """
        client = self.writer
        new = self.new_index_name()
        stale = list(self.indices_behind(self.rebuild_alias))
        index = researcher_index(new)
        # No refreshes while loading: faster, and nobody searches this index yet.
        index.settings(refresh_interval="-1")
        index.create(using=client)
        try:
            if stale:
                logger.warning(
                    "Taking over from an unfinished rebuild of %r: deleting %s",
                    self.alias,
                    ", ".join(stale),
                )
            # From here on, live writes also reach the new index.
            client.indices.update_aliases(
                actions=[
                    *({"remove_index": {"index": name}} for name in stale),
                    {"add": {"index": new, "alias": self.rebuild_alias}},
                ]
            )
            total = indexable_researchers().count()
            if progress is not None:
                progress(0, total)
            loaded = self._load(total, progress)
            self._drop_unpublished(loaded)
            client.indices.put_settings(index=new, settings={"index": {"refresh_interval": None}})
            client.indices.refresh(index=new)
            self._swap(new)
        except BaseException:
            self._discard(new)
            raise
        return len(loaded)

    def _load(self, total: int, progress: ProgressCallback | None) -> set[int]:
        loaded: set[int] = set()
        errors: list[dict[str, Any]] = []

        def actions() -> Iterator[dict[str, Any]]:
            for batch in iter_all_documents(BATCH_SIZE):
                for doc in batch:
                    # `create`: a live write that already reached the new index
                    # holds fresher data than this batch may; keep it (409).
                    yield {
                        "_op_type": "create",
                        "_index": self.rebuild_alias,
                        "_id": str(doc["id"]),
                        "_source": doc,
                    }

        done = 0
        for ok, item in streaming_bulk(
            self.writer,
            actions(),
            chunk_size=BATCH_SIZE,
            raise_on_error=False,
            require_alias=True,
        ):
            info = next(iter(item.values()))
            if ok or info.get("status") == 409:
                loaded.add(int(info["_id"]))
            else:
                errors.append(item)
            done += 1
            if progress is not None and done % BATCH_SIZE == 0:
                progress(done, max(total, done))
        if errors:
            raise IndexWriteError("Elasticsearch rejected documents during the rebuild", errors)
        if progress is not None and done % BATCH_SIZE:
            progress(done, max(total, done))
        return loaded

    def _drop_unpublished(self, loaded: set[int]) -> None:
        """Delete documents whose profile was unpublished or deleted during the load.

        A batch read just before an unpublish may be written just after the task
        deleted the document; one id query closes that gap before the swap.
        """
        gone = loaded - set(indexable_researchers().values_list("pk", flat=True))
        if gone:
            self._write(
                (
                    {"_op_type": "delete", "_index": self.rebuild_alias, "_id": str(pk)}
                    for pk in sorted(gone)
                ),
                refresh=False,  # the rebuild refreshes before the swap
            )
            loaded -= gone

    def _swap(self, new: str) -> None:
        """Point the alias at `new` in one request, then delete what it pointed at."""
        current = self.indices_behind(self.alias)
        actions: list[dict[str, Any]] = []
        old = []
        for name in current:
            if name == self.alias:  # a concrete index squatting the alias name
                actions.append({"remove_index": {"index": name}})
            else:
                actions.append({"remove": {"index": name, "alias": self.alias}})
                old.append(name)
        actions.append({"add": {"index": new, "alias": self.alias}})
        # must_exist: if another rebuild took over meanwhile, fail instead of swapping.
        actions.append({"remove": {"index": new, "alias": self.rebuild_alias, "must_exist": True}})
        self.writer.indices.update_aliases(actions=actions)
        if old:
            self.writer.options(ignore_status=404).indices.delete(index=",".join(old))

    def _discard(self, new: str) -> None:
        """Delete a failed rebuild's index, unless it went live after all.

        The swap may have succeeded with its response lost (a timeout): deleting
        the index then would take the live alias with it. When even that check
        fails, the index is left for the next rebuild to clean up.
        """
        try:
            if new in self.indices_behind(self.alias):
                return
            self.writer.options(ignore_status=404).indices.delete(index=new)
        except Exception:
            logger.warning("Could not delete the unfinished index %r", new, exc_info=True)
