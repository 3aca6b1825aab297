"""The Elasticsearch engine: relevance, disjunctive facets, highlighting, suggestions.

Selected when ``ELASTICSEARCH_URL`` is set (see ``search.engines.get_engine``),
wrapped in ``FallbackEngine`` so that an unreachable cluster answers from the
database instead. docs/elasticsearch.md explains the design.

Split as the database engine is: `es_queries` builds the requests, `es_results`
turns responses into the types of `search.types`, `es_index` writes and rebuilds
the index behind its alias (the zero-downtime swap), and `es_documents` defines
the index and the document of a profile. This module holds the client and says
which request answers which call.

The behaviour follows `search.types` and the database engine: the same terms
(`search.query.search_terms`, all required), the same facet rules, the same
autocomplete rule (every typed word begins a word) and the same `similar`
candidates (a shared topic or keyword, the other region first).
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from elasticsearch import Elasticsearch, NotFoundError

from search.engines.es_index import AliasedIndex
from search.engines.es_queries import (
    autocomplete_body,
    autocomplete_terms,
    normalise_query,
    search_body,
    similar_body,
)
from search.engines.es_results import hit_from, search_results, suggestions
from search.types import (
    MAX_PAGE_SIZE,
    Hit,
    ProgressCallback,
    SearchQuery,
    SearchResults,
    Suggestion,
)

# Writes (bulk loads, task updates) may take longer than a search is allowed to.
WRITE_TIMEOUT = 60.0


def node_urls(url: str) -> list[str]:
    """ELASTICSEARCH_URL as a list of nodes: one URL or several, comma-separated."""
    return [part.strip() for part in url.split(",") if part.strip()]


def client_options() -> dict[str, Any]:
    """Authentication and TLS for every node, from the settings.

    ELASTICSEARCH_API_KEY (the base64 "id:key" Elasticsearch hands out) wins over a
    user name and password (ELASTICSEARCH_USERNAME/_PASSWORD); credentials written
    in a node URL (https://user:pw@host:9200) are the client's own feature and apply
    to that node. ELASTICSEARCH_CA_CERTS: a PEM bundle for a cluster whose
    certificate a private CA signed (the default trusts the system's CAs).
    """
    options: dict[str, Any] = {}
    api_key = getattr(settings, "ELASTICSEARCH_API_KEY", "")
    username = getattr(settings, "ELASTICSEARCH_USERNAME", "")
    if api_key:
        options["api_key"] = api_key
    elif username:
        options["basic_auth"] = (username, getattr(settings, "ELASTICSEARCH_PASSWORD", ""))
    ca_certs = getattr(settings, "ELASTICSEARCH_CA_CERTS", "")
    if ca_certs:
        options["ca_certs"] = ca_certs
    return options


def default_client(url: str, timeout: float) -> Elasticsearch:
    """One client (and so one connection pool) per process and configuration.

    Short timeout, no retry on timeout and a single retry otherwise: a search
    request must fall back to the database quickly rather than wait on a sick
    cluster. With several nodes the client spreads requests over them and a retry
    goes to another node.
    """
    options = client_options()
    return _client(tuple(node_urls(url)), timeout, tuple(sorted(options.items())))


@functools.cache
def _client(nodes: tuple[str, ...], timeout: float, options: tuple) -> Elasticsearch:
    return Elasticsearch(
        list(nodes),
        request_timeout=timeout,
        retry_on_timeout=False,
        max_retries=1,
        **dict(options),
    )


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

    def search(self, query: SearchQuery) -> SearchResults:
        query = normalise_query(query)
        body = search_body(self.client, self.alias, query)
        response = self.client.search(index=self.alias, body=body).body
        return search_results(response, query, self.name)

    def autocomplete(self, text: str, limit: int = 8) -> list[Suggestion]:
        """Researchers, then at most two topics and two institutions, `limit` in all."""
        terms = autocomplete_terms(text)
        limit = min(int(limit), MAX_PAGE_SIZE)
        if not terms or limit < 1:
            return []
        body = autocomplete_body(terms, limit)
        response = self.client.search(index=self.alias, body=body).body
        return suggestions(response, limit)

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
        body = similar_body(self.alias, int(researcher_id), found.get("_source") or {}, limit)
        if body is None:
            return []
        response = self.client.search(index=self.alias, body=body).body
        hits = (response.get("hits") or {}).get("hits") or []
        return [hit_from(raw) for raw in hits if str(raw.get("_id")) != str(researcher_id)]

    # Writing ---------------------------------------------------------------------------
    # Writing ---------------------------------------------------------------------------

    @functools.cached_property
    def aliased_index(self) -> AliasedIndex:
        """Writes and rebuilds go through the alias, on the write client."""
        return AliasedIndex(self.writer, self.alias, self.refresh)

    def index_researchers(self, pks: list[int]) -> None:
        """Bring these profiles up to date: (re)index the published, delete the rest.

        Raises on failure (cluster down, rejected documents) so the django-tasks
        task is recorded as failed and can be re-run; see docs/elasticsearch.md.
        """
        self.aliased_index.index_researchers(pks)

    def remove_researchers(self, pks: list[int]) -> None:
        """Delete these profiles' documents (deleted or unpublished pages)."""
        self.aliased_index.remove_researchers(pks)

    def rebuild(self, progress: ProgressCallback | None = None) -> int:
        """Build a new index from the database and swap the alias to it atomically."""
        return self.aliased_index.rebuild(progress)
