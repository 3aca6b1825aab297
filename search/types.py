"""The one search interface of the directory, shared by every engine.

A `SearchQuery` goes in, `SearchResults` come out, whichever engine answers. Facet
counts are disjunctive: each facet's counts apply every other selected filter but
not its own, so choosing "Chile" still shows how many results Argentina would give.
Values within one facet are OR'd, different facets AND'd.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

FACETS: tuple[str, ...] = (
    "topic",
    "country",
    "institution",
    "career_stage",
    "language",
    "open_to",
)
SORTS: tuple[str, ...] = ("relevance", "name", "updated")
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MAX_QUERY_LENGTH = 200  # longer text is cut here, never sent whole to an engine
# Results past this position cannot be paged to (Elasticsearch's max_result_window);
# search/query.py answers 400 for such a page instead of asking an engine.
MAX_RESULT_WINDOW = 10_000
# Each facet lists at most this many values (the highest counts), plus every
# selected value even when its count is 0.
MAX_FACET_VALUES = 50
# Autocomplete, the same on every engine: it answers from this many typed characters
# on, and lists at most this many topics and institutions each (names fill the rest).
AUTOCOMPLETE_MIN_LENGTH = 2
AUTOCOMPLETE_TAXONOMY_LIMIT = 2

# `rebuild(progress)` calls progress(done, total) as it goes.
ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class SearchQuery:
    """What a person asked for. Filter values: topic and institution slugs, ISO 3166-1
    alpha-2 countries, CareerStage values, ISO 639-1 languages, OpenTo values."""

    text: str = ""
    topic: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    institution: tuple[str, ...] = ()
    career_stage: tuple[str, ...] = ()
    language: tuple[str, ...] = ()
    open_to: tuple[str, ...] = ()
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    sort: str = "relevance"

    def filters(self) -> dict[str, tuple[str, ...]]:
        return {name: getattr(self, name) for name in FACETS}


@dataclass
class Hit:
    id: int
    name: str
    url: str
    job_title: str
    institution: str
    country: str
    topics: list[str]
    snippet: str  # HTML-safe: escaped text with <mark> around matched terms


@dataclass
class FacetValue:
    """One value of a facet. Engines list the values whose count is above 0 (at most
    MAX_FACET_VALUES of them) plus every selected value, ordered by count (highest
    first), then label. Labels: topic, institution and language names, English
    country names, CareerStage and OpenTo labels; an unknown selected value is its
    own label."""

    value: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchResults:
    query: SearchQuery
    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    engine: str = ""

    @property
    def page_count(self) -> int:
        """Pages of `query.page_size` needed for `total` (at least 1)."""
        return max(1, -(-self.total // self.query.page_size))


@dataclass
class Suggestion:
    label: str
    url: str
    kind: str  # "researcher" | "topic" | "institution"


class SearchEngine(Protocol):
    """What every engine implements.

    Free text: engines search for `search.query.search_terms(query.text)`, every term
    required (AND), accents folded; no terms means every researcher. Sort
    "relevance" without terms orders by name. `index_researchers(pks)` indexes the
    live profiles among `pks` and removes the others; `rebuild` returns how many
    profiles it indexed.
    """

    name: str

    def search(self, query: SearchQuery) -> SearchResults: ...

    def autocomplete(self, text: str, limit: int = 8) -> list[Suggestion]: ...

    def similar(self, researcher_id: int, limit: int = 6) -> list[Hit]: ...

    def index_researchers(self, pks: list[int]) -> None: ...

    def remove_researchers(self, pks: list[int]) -> None: ...

    def rebuild(self, progress: ProgressCallback | None = None) -> int: ...
