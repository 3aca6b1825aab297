"""SQLite: FTS5 for matching and ranking, a materialised CTE for counting.

The FTS5 table (`directory_search_fts`, created by migration 0002) uses the
`porter unicode61 remove_diacritics 2` tokenizer: accents fold on both sides and
English words are stemmed. There is no Spanish or Portuguese stemmer in FTS5, so
"baterías" finds "batería" only because Porter happens to strip the plural "s";
"cátodo" does not find "catódico". docs/search.md lists what that means.

SQLite has no GROUPING SETS: the matching rows are materialised once (CTE `m`)
and each facet is a GROUP BY over it, all in one statement.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from search.engines.database_sql import (
    COLUMNS,
    DOCUMENT_TABLE,
    FACETS_TABLE,
    INSTITUTION,
    Dialect,
    Sql,
    literal,
    passes,
)

FTS = "directory_search_fts"
# Column order of the FTS table: names (A), terms (B), biography and publications (C).
RANK_A = f"bm25({FTS}, 1.0, 0.0, 0.0, 0.0)"
RANK_B = f"bm25({FTS}, 0.0, 1.0, 0.0, 0.0)"
RANK_C = f"bm25({FTS}, 0.0, 0.0, 1.0, 1.0)"


def fts_phrase(term: str) -> str:
    """A term as an FTS5 string: quoted, so no character of it is query syntax."""
    return '"' + term.replace('"', '""') + '"'


def match_expression(terms: Sequence[str], *, last_as_prefix: bool = True) -> str:
    """Every term required (FTS5's implicit AND); the last one may be a prefix.

    Search as you type: `"catho"*` finds "cathode". The Porter tokenizer stems the
    prefix too, so a whole word typed in full ("recycling"*, stemmed "recycl"*)
    still finds what the word itself finds: the prefix query is a superset.
    """
    phrases = [fts_phrase(term) for term in terms]
    if phrases and last_as_prefix:
        phrases[-1] += "*"
    return " ".join(phrases)


class SqliteDialect(Dialect):
    vendor = "sqlite"

    def text_filter(self, terms: Sequence[str]) -> Sql:
        return Sql(
            f"f.researcher_id IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s)",
            [match_expression(terms)],
        )

    def ranked_hits_from(
        self, terms: Sequence[str], filters: Callable[[str], Sql]
    ) -> tuple[Sql, str, list[tuple[Sql, str]]]:
        # Profiles matching the words as typed (every word whole) come first; those
        # matching only through the last word as a prefix follow. bm25() is lower
        # for better matches. Sorting by the name tier, then the B tier, then the C
        # tier puts any name match above any topic, institution or keyword match,
        # and those above biography matches.
        source = Sql(
            f"(SELECT rowid AS id, {RANK_A} AS r_a, {RANK_B} AS r_b, {RANK_C} AS r_c "
            f"FROM {FTS} WHERE {FTS} MATCH %s) s "
            f"JOIN {FACETS_TABLE} f ON f.researcher_id = s.id",
            [match_expression(terms)],
        )
        exact = Sql(
            f"CASE WHEN s.id IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s) THEN 0 ELSE 1 END",
            [match_expression(terms, last_as_prefix=False)],
        )
        return source, "1=1", [(exact, "ASC"), *((Sql(f"s.r_{tier}"), "ASC") for tier in "abc")]

    def bit(self, expression: str) -> str:
        return f"(1 << {expression})"

    def json_contains_any(self, column: str, values: Sequence[str]) -> Sql:
        # Lists are stored as JSON text; a value occurs as its JSON string, quotes
        # included, so `instr` cannot match part of another value.
        conditions = " OR ".join([f"instr({column}, %s) > 0"] * len(values))
        return Sql(f"({conditions})", [json.dumps(value) for value in values])

    def json_contains(self, column: str, value: str) -> Sql:
        return Sql(f"instr({column}, %s) > 0", [json.dumps(value)])

    def name_prefix_filter(self, terms: Sequence[str], id_column: str) -> Sql:
        prefixes = " ".join(fts_phrase(term) + "*" for term in terms)
        return Sql(
            f"{id_column} IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s)",
            [f"names : ({prefixes})"],
        )

    def counting_pass(
        self, inner: Sql, prefilter: str, selected: Sequence[str]
    ) -> tuple[list[tuple[str, Sql]], Sql]:
        materialised = Sql("MATERIALIZED (SELECT * FROM (").extend(inner)
        materialised.add(f") x WHERE {prefilter})")
        empty = literal("")
        branches = [
            f"SELECT {literal('total')} AS kind, {empty} AS key, {empty} AS value, "
            f"{empty} AS label, COUNT(*) AS n FROM m WHERE {passes(selected, 'm')}"
        ]
        for name in ("country", "career_stage"):
            column = COLUMNS[name]
            branches.append(
                f"SELECT {literal(name)}, m.{column}, {empty}, {empty}, COUNT(*) FROM m "
                f"WHERE {passes(selected, 'm', name)} AND m.{column} <> '' GROUP BY m.{column}"
            )
        branches.append(
            f"SELECT {literal('institution')}, CAST(c.key AS TEXT), i.slug, i.name, c.n "
            f"FROM (SELECT m.institution_id AS key, COUNT(*) AS n FROM m "
            f"WHERE {passes(selected, 'm', 'institution')} AND m.institution_id IS NOT NULL "
            f"GROUP BY m.institution_id) c JOIN {INSTITUTION} i ON i.id = c.key"
        )
        for name in ("topic", "language", "open_to"):
            column = COLUMNS[name]
            branches.append(
                f"SELECT {literal(name)}, CAST(m.{column} AS TEXT), {empty}, {empty}, COUNT(*) "
                f"FROM m WHERE {passes(selected, 'm', name)} AND m.{column} <> 0 "
                f"GROUP BY m.{column}"
            )
        return [("m", materialised)], Sql(" UNION ALL ".join(branches))

    def after_rebuild(self, cursor) -> None:
        cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('optimize')")
        cursor.execute(f"ANALYZE {FACETS_TABLE}")
        cursor.execute(f"ANALYZE {DOCUMENT_TABLE}")
