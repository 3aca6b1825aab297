"""The database engine: the default, on SQLite (FTS5) and PostgreSQL (tsvector).

Query counts are fixed, which is what keeps it fast at 100,000 profiles:

* `search`: 2 statements (facets with total, then the page of hits); without
  text, the index's generation and the page of hits while the counts are kept
  (`facet_cache`), and 3 when they are counted afresh.
* `autocomplete`: 3 (names, topics, institutions).
* `similar`: 2 (the researcher's own topics and keywords, then the candidates).

The SQL lives in `database_sql` (shared) and the two dialect modules; this module
turns rows into the types of `search.types` and keeps the index tables current.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import replace

from django.db import IntegrityError, connection, transaction

from common.batching import batched
from directory.models import Institution, Topic
from search.documents import (
    OPEN_TO_BITS,
    ResearcherData,
    listed_researchers,
    load_listed_researchers,
)
from search.engines import facet_cache
from search.engines.database_sql import (
    DOCUMENT_TABLE,
    FACETS_TABLE,
    Dialect,
    facet_statement,
    hits_statement,
    json_list,
    similar_statement,
)
from search.highlight import make_snippet
from search.labels import fixed_label
from search.models import MAX_FACET_BITS, FacetBit, ResearcherDocument, ResearcherFacets
from search.query import clean_text, fold, search_terms, words
from search.types import (
    AUTOCOMPLETE_MIN_LENGTH,
    AUTOCOMPLETE_TAXONOMY_LIMIT,
    FACETS,
    MAX_FACET_VALUES,
    FacetValue,
    Hit,
    ProgressCallback,
    SearchQuery,
    SearchResults,
    Suggestion,
)

logger = logging.getLogger(__name__)

INDEX_BATCH_SIZE = 500


def get_dialect() -> Dialect:
    if connection.vendor == "postgresql":
        from search.engines.database_postgres import PostgresDialect

        return PostgresDialect()
    if connection.vendor == "sqlite":
        from search.engines.database_sqlite import SqliteDialect

        return SqliteDialect()
    raise NotImplementedError(f"The database search engine does not support {connection.vendor}")


class FacetBitsExhausted(RuntimeError):
    """More values of a list-valued facet are in use than its mask has bits."""


def build_facets(
    rows: Iterable[Sequence], query: SearchQuery
) -> tuple[int, dict[str, list[FacetValue]]]:
    """Rows of the facet statement -> (total, facets in the order types.FACETS).

    See `database_sql` for the rows. Masks are expanded here: each row says how
    many matching profiles have exactly that combination of topics (languages,
    open to), so a topic's count is the sum over the combinations holding its bit.
    """
    total = 0
    found: dict[str, dict[str, list]] = {name: {} for name in FACETS}
    masks: dict[str, list[tuple[int, int]]] = {"topic": [], "language": [], "open_to": []}
    bit_values: dict[str, dict[int, tuple[str, str]]] = {
        "topic": {},
        "language": {},
        "open_to": {bit: (value, "") for value, bit in OPEN_TO_BITS.items()},
    }
    labels: dict[str, dict[str, str]] = {name: {} for name in FACETS}

    def add(facet: str, value: str, label: str, count: int) -> None:
        entry = found[facet].setdefault(value, ["", 0])
        entry[0] = entry[0] or label
        entry[1] += count

    for kind, key, value, label, count in rows:
        if kind == "total":
            total = int(count or 0)
        elif kind in masks:
            masks[kind].append((int(key), int(count)))
        elif kind.startswith("bit:"):
            bit_values[kind[4:]][int(key)] = (value, label or "")
        elif kind.startswith("label:"):
            labels[kind[6:]][value] = label or ""
        elif kind == "institution":
            add(kind, value, label or "", int(count))
        else:
            add(kind, key, "", int(count))
    for facet, combinations in masks.items():
        per_bit: dict[int, int] = {}
        for mask, count in combinations:
            while mask:
                low = mask & -mask
                bit = low.bit_length() - 1
                per_bit[bit] = per_bit.get(bit, 0) + count
                mask ^= low
        for bit, count in per_bit.items():
            if bit in bit_values[facet]:
                value, label = bit_values[facet][bit]
                add(facet, value, label, count)

    facets: dict[str, list[FacetValue]] = {}
    for name in FACETS:
        chosen = set(getattr(query, name))
        for value in chosen:
            found[name].setdefault(value, [labels[name].get(value, ""), 0])
        values = [
            FacetValue(
                value=value,
                label=label or labels[name].get(value) or fixed_label(name, value),
                count=count,
                selected=value in chosen,
            )
            for value, (label, count) in found[name].items()
            if count > 0 or value in chosen
        ]
        values.sort(key=lambda v: (-v.count, fold(v.label), v.value))
        top = values[:MAX_FACET_VALUES]
        top += [v for v in values[MAX_FACET_VALUES:] if v.selected]
        facets[name] = top
    return total, facets


def _facet_rows(cursor, dialect: Dialect, query: SearchQuery, terms: Sequence[str]) -> list:
    """The facet statement's rows; without text, as kept since the index last changed
    (then the statement is not even built)."""
    key = None
    if not terms and (generation := facet_cache.generation(cursor)) is not None:
        key = facet_cache.cache_key(query, generation)
        rows = facet_cache.kept(key)
        if rows is not None:
            return rows
    statement = facet_statement(dialect, query, terms)
    cursor.execute(statement.text, statement.params)
    rows = cursor.fetchall()
    if key is not None:
        facet_cache.keep(key, rows)
    return rows


def _hit(row: Sequence, terms: Sequence[str]) -> Hit:
    (pk, name, url, job_title, institution, country, topics, keywords, bio, pubs) = row[:10]
    keyword_list = json_list(keywords)
    sources = [bio, pubs.replace("\n", " · ")]
    if keyword_list:
        sources.append("Keywords: " + ", ".join(keyword_list))
    return Hit(
        id=pk,
        name=name,
        url=url,
        job_title=job_title,
        institution=institution,
        country=country,
        topics=json_list(topics),
        snippet=make_snippet(sources, terms),
    )


class DatabaseEngine:
    """Searches the index tables of `search.models` with the connection's SQL."""

    name = "database"

    # ----------------------------------------------------------------------------------
    # Reading
    # ----------------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResults:
        # Facet values go to SQL as parameters; drop what no database can store
        # (NUL, lone surrogates) in case a caller skipped search.query.
        query = replace(
            query,
            **{name: tuple(clean_text(v) for v in getattr(query, name)) for name in FACETS},
        )
        terms = search_terms(query.text)
        dialect = get_dialect()
        hits_sql = hits_statement(dialect, query, terms)
        with connection.cursor() as cursor:
            facet_rows = _facet_rows(cursor, dialect, query, terms)
            cursor.execute(hits_sql.text, hits_sql.params)
            hit_rows = cursor.fetchall()
        total, facets = build_facets(facet_rows, query)
        return SearchResults(
            query=query,
            hits=[_hit(row, terms) for row in hit_rows],
            total=total,
            facets=facets,
            engine=self.name,
        )

    def autocomplete(self, text: str, limit: int = 8) -> list[Suggestion]:
        """Researchers, topics and institutions whose words start with what was typed.

        Every typed word must begin a word of the name ("jo per" finds "José
        Pérez"); accents fold. A topic matches by any of its names or synonyms,
        in any language, and is suggested by its name in the active language.
        Topics and institutions are few (tens to hundreds), so they are matched
        in Python, which folds accents the same on every database.
        """
        terms = words(text)[:8]
        if not terms or len("".join(terms)) < AUTOCOMPLETE_MIN_LENGTH or limit < 1:
            return []
        taxonomy: list[Suggestion] = []
        topics = Topic.objects.order_by("sort_order", "name").only(
            "name", "name_es", "name_pt", "synonyms", "slug"
        )
        taxonomy += [
            Suggestion(label=t.label, url=t.get_absolute_url(), kind="topic")
            for t in topics
            if any(_prefix_match(terms, name) for name in t.search_names)
        ][:AUTOCOMPLETE_TAXONOMY_LIMIT]
        institutions = Institution.objects.order_by("name").only("name", "acronym", "slug")
        taxonomy += [
            Suggestion(label=i.name, url=i.get_absolute_url(), kind="institution")
            for i in institutions
            if _prefix_match(terms, f"{i.name} {i.acronym}")
        ][:AUTOCOMPLETE_TAXONOMY_LIMIT]

        dialect = get_dialect()
        statement = dialect.names_by_prefix(terms, max(limit - len(taxonomy), 1))
        with connection.cursor() as cursor:
            cursor.execute(statement.text, statement.params)
            people = [
                Suggestion(label=name, url=url, kind="researcher")
                for name, url in cursor.fetchall()
            ]
        return (people + taxonomy)[:limit]

    def similar(self, researcher_id: int, limit: int = 6) -> list[Hit]:
        """Researchers sharing topics and keywords, the other region first, never self."""
        if limit < 1:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT f.topic_bits, f.region, d.keywords FROM {FACETS_TABLE} f "
                f"JOIN {DOCUMENT_TABLE} d ON d.researcher_id = f.researcher_id "
                "WHERE f.researcher_id = %s",
                [researcher_id],
            )
            row = cursor.fetchone()
            if row is None:
                return []
            topic_bits, region, keywords = int(row[0]), row[1], json_list(row[2])[:30]
            if not topic_bits and not keywords:
                return []
            statement = similar_statement(
                get_dialect(), researcher_id, topic_bits, keywords, region, limit
            )
            cursor.execute(statement.text, statement.params)
            rows = cursor.fetchall()
        return [_hit(row, []) for row in rows]

    # ----------------------------------------------------------------------------------
    # Writing
    # ----------------------------------------------------------------------------------

    def index_researchers(self, pks: Iterable[int]) -> None:
        """Index the listed profiles among `pks`; remove the others (unpublished,
        restricted, gone)."""
        pks = sorted({int(pk) for pk in pks})
        for chunk in batched(pks, INDEX_BATCH_SIZE):
            pages = load_listed_researchers(chunk)
            self._write(chunk, [ResearcherData.from_page(p) for p in pages])

    def remove_researchers(self, pks: Iterable[int]) -> None:
        pks = sorted({int(pk) for pk in pks})
        with transaction.atomic():
            ResearcherDocument.objects.filter(researcher_id__in=pks).delete()
            ResearcherFacets.objects.filter(researcher_id__in=pks).delete()
            with connection.cursor() as cursor:
                facet_cache.index_changed(cursor)

    def rebuild(self, progress: ProgressCallback | None = None) -> int:
        """Index every listed profile from scratch, in one transaction.

        Readers keep seeing the old index until the new one is committed. Facet
        bits are allocated afresh, so values no longer in use free theirs.
        """
        pks = list(listed_researchers().order_by("pk").values_list("pk", flat=True))
        total = len(pks)
        dialect = get_dialect()
        with transaction.atomic():
            ResearcherDocument.objects.all().delete()
            ResearcherFacets.objects.all().delete()
            FacetBit.objects.all().delete()
            if progress:
                progress(0, total)
            for start in range(0, total, INDEX_BATCH_SIZE):
                chunk = pks[start : start + INDEX_BATCH_SIZE]
                pages = load_listed_researchers(chunk)
                self._write([], [ResearcherData.from_page(p) for p in pages])
                if progress:
                    progress(min(start + INDEX_BATCH_SIZE, total), total)
            with connection.cursor() as cursor:
                dialect.after_rebuild(cursor)
                facet_cache.index_changed(cursor)
        if not connection.in_atomic_block:
            with connection.cursor() as cursor:
                dialect.after_commit_of_rebuild(cursor)
        return total

    def count(self) -> int:
        return ResearcherFacets.objects.count()

    def _write(self, replace: Sequence[int], documents: Sequence[ResearcherData]) -> None:
        with transaction.atomic():
            if replace:
                ResearcherDocument.objects.filter(researcher_id__in=replace).delete()
                ResearcherFacets.objects.filter(researcher_id__in=replace).delete()
            if not documents:
                if replace:
                    with connection.cursor() as cursor:
                        facet_cache.index_changed(cursor)
                return
            topic_bits = _allocate_bits("topic", {v for d in documents for v in d.topics})
            language_bits = _allocate_bits("language", {v for d in documents for v in d.languages})
            ResearcherDocument.objects.bulk_create(
                [
                    ResearcherDocument(
                        researcher_id=doc.id,
                        name=doc.name,
                        url=doc.url,
                        job_title=doc.job_title,
                        institution_name=doc.institution_name,
                        topics=doc.topics,
                        keywords=doc.keywords,
                        names=doc.names,
                        terms=doc.terms,
                        biography=doc.biography,
                        publications=doc.publications,
                    )
                    for doc in documents
                ]
            )
            ResearcherFacets.objects.bulk_create(
                [
                    ResearcherFacets(
                        researcher_id=doc.id,
                        sort_name=doc.sort_name,
                        updated_at=doc.updated_at,
                        country=doc.country,
                        region=doc.region,
                        career_stage=doc.career_stage,
                        institution_id=doc.institution_id,
                        topic_bits=_mask(topic_bits, doc.topics),
                        language_bits=_mask(language_bits, doc.languages),
                        open_to_bits=doc.open_to_bits,
                    )
                    for doc in documents
                ]
            )
            with connection.cursor() as cursor:
                get_dialect().after_write(cursor, [doc.id for doc in documents])
                # Last, after the rows: every writer locks the index rows, then this one.
                facet_cache.index_changed(cursor)


def _mask(bits: dict[str, int], values: Iterable[str]) -> int:
    mask = 0
    for value in values:
        mask |= 1 << bits[value]
    return mask


def _allocate_bits(facet: str, values: set[str]) -> dict[str, int]:
    """The bit of each value of a list-valued facet, allocating new ones as needed.

    Two writers allocating at once collide on the unique constraints; the loser
    retries with the winner's allocation.
    """
    for _attempt in range(5):
        bits = dict(FacetBit.objects.filter(facet=facet).values_list("value", "bit"))
        missing = sorted(values - bits.keys())
        if not missing:
            return bits
        free = [bit for bit in range(MAX_FACET_BITS) if bit not in bits.values()]
        if len(missing) > len(free):
            raise FacetBitsExhausted(
                f"More than {MAX_FACET_BITS} values of the {facet} facet are in use; "
                "see docs/search.md"
            )
        try:
            with transaction.atomic():
                FacetBit.objects.bulk_create(
                    [
                        FacetBit(facet=facet, value=v, bit=b)
                        for v, b in zip(missing, free, strict=False)
                    ]
                )
        except IntegrityError:
            continue
    raise RuntimeError(f"Could not allocate search bits for the {facet} facet")


def _prefix_match(terms: Sequence[str], label: str) -> bool:
    label_words = words(label)
    return all(any(word.startswith(term) for word in label_words) for term in terms)
