"""PostgreSQL: tsvector and GIN for matching, GROUPING SETS for counting.

Migration 0002 creates the text search configurations `directory_search_en`,
`_es` and `_pt` (unaccent, then the Snowball stemmer of the language) and
`_simple` (unaccent only), the functions `directory_search_vector()`,
`directory_search_names_vector()` and `directory_search_terms_vector()`, and:

* `ResearcherFacets.search_vector`: names (A), job title, institutions, topics,
  keywords, country and language names (B), biography and publication titles (C),
  each through all three stemming configurations; GIN-indexed. Matching.
* `ResearcherFacets.vector_a` (names, also unstemmed) and `vector_b` (the B
  fields), GIN-indexed: which tier a match is in, and name prefixes.

All three are stored out of line (see migration 0002), so the rows a broad word
matches stay narrow; they are only read through their indexes. The engine
writes them (`after_write`) from the ResearcherDocument text.

A term matches when any of its English, Spanish or Portuguese stems does. The
tsquery is computed once per statement in the CTE `q` and used through scalar
subqueries, which PostgreSQL evaluates once (an InitPlan) and hands to the GIN
index; a constant tsquery would also let the planner estimate that a broad word
matches most rows and choose a sequential scan, detoasting every vector.

Counting is one pass: GROUP BY GROUPING SETS over the six facet columns and the
grand total, with one FILTERed count per selected facet (the disjunctive counts).
"""

from __future__ import annotations

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

CONFIGS = ("directory_search_en", "directory_search_es", "directory_search_pt")
MATCHES = "f.search_vector @@ (SELECT q_and FROM q)"


def _term_query(term: str, *, prefix: bool = False) -> Sql:
    """A term's English, Spanish or Portuguese stem; as a prefix, `'catho':*`.

    `to_tsquery` stems before it adds the prefix mark, so "recycling" typed in
    full is `'recycl':*` and finds what the word finds. Terms are letters and
    digits only (search_terms), so quoting them leaves no tsquery syntax.
    """
    if prefix and term.isalnum():
        function, value = "to_tsquery", f"'{term}':*"
    else:
        function, value = "plainto_tsquery", term
    # Each distinct stem once: most words stem alike in two or all three languages
    # ("lithium", names), and every repeated alternative is another scan of the GIN
    # index's entries (a third of a broad word's statement time, measured).
    a, b, c = (
        f"{function}('{config}', %s) AS {name}" for config, name in zip(CONFIGS, "abc", strict=True)
    )
    return Sql(
        "(SELECT CASE WHEN b = a THEN (CASE WHEN c = a THEN a ELSE a || c END) "
        "WHEN c = a OR c = b THEN a || b ELSE a || b || c END "
        f"FROM (SELECT {a}, {b}, {c}) AS stems)",
        [value] * len(CONFIGS),
    )


def _combine(terms: Sequence[str], operator: str, *, last_as_prefix: bool = True) -> Sql:
    """The terms' queries joined by `operator`; the last term a prefix (search as you type)."""
    sql = Sql()
    for index, term in enumerate(terms):
        if index:
            sql.add(f" {operator} ")
        sql.extend(_term_query(term, prefix=last_as_prefix and index == len(terms) - 1))
    return sql


def prefix_tsquery(terms: Sequence[str]) -> str:
    """`'jose':* & 'pere':*` — terms are letters and digits only (search_terms)."""
    return " & ".join(f"'{term}':*" for term in terms if term.isalnum())


class PostgresDialect(Dialect):
    vendor = "postgresql"

    def query_cte(self, terms: Sequence[str]) -> Sql | None:
        if not terms:
            return None
        sql = Sql("(SELECT ").extend(_combine(terms, "&&")).add(" AS q_and, ")
        sql.extend(_combine(terms, "||")).add(" AS q_or, ")
        return sql.extend(_combine(terms, "&&", last_as_prefix=False)).add(" AS q_exact)")

    def text_filter(self, terms: Sequence[str]) -> Sql:
        return Sql(MATCHES)

    def ranked_hits_from(
        self, terms: Sequence[str], filters: Callable[[str], Sql]
    ) -> tuple[Sql, str, list[tuple[Sql, str]]]:
        # Tiers, from what the GIN indexes of the small vectors say (each a hashed
        # set computed once, so no vector is read row by row): every term in the
        # names, some term in the names, every term in the B fields, some term in
        # the B fields; a biography-only match is in none and follows in name order.
        # Each set holds only rows that pass the filters, so a selective filter (a
        # country, say) narrows the heap rows a broad word's index entries lead to.
        # With one term "every" and "some" are the same set: it is computed once.
        # Before the tiers: profiles matching every word whole come before those
        # that match only through the last word as a prefix.
        def tier(column: str, query: str, points: int) -> Sql:
            sql = Sql(
                f"CASE WHEN f.researcher_id IN (SELECT t.researcher_id FROM {FACETS_TABLE} t "
                f"WHERE t.{column} @@ (SELECT {query} FROM q) AND "
            )
            return sql.extend(filters("t")).add(f") THEN {points} ELSE 0 END")

        if len(terms) == 1:
            tiers = [tier("vector_a", "q_and", 12), tier("vector_b", "q_and", 3)]
        else:
            tiers = [
                tier("vector_a", "q_and", 8),
                tier("vector_a", "q_or", 4),
                tier("vector_b", "q_and", 2),
                tier("vector_b", "q_or", 1),
            ]
        relevance = Sql("(")
        for index, sql in enumerate(tiers):
            relevance.add(" + " if index else "").extend(sql)
        relevance.add(")")
        exact = tier("search_vector", "q_exact", 1)
        return Sql(f"{FACETS_TABLE} f"), MATCHES, [(exact, "DESC"), (relevance, "DESC")]

    def bit(self, expression: str) -> str:
        return f"(CAST(1 AS BIGINT) << CAST({expression} AS INTEGER))"

    def json_contains_any(self, column: str, values: Sequence[str]) -> Sql:
        return Sql(f"{column} ?| %s", [list(values)])

    def json_contains(self, column: str, value: str) -> Sql:
        return Sql(f"{column} ? %s", [value])

    def names_by_prefix(self, terms: Sequence[str], limit: int) -> Sql:
        # Left to itself, the planner walks the name index and reads each row's
        # vector until it has `limit` matches: instant for "ma", but a rare prefix
        # ("ana ma", or none at all) reads every vector (200+ ms at 100,000). The
        # MATERIALIZED CTE makes it take the GIN index's matches first (13,000 for
        # "ma" sort in ~30 ms) and read the wide documents for the page only.
        return Sql(
            f"WITH m AS MATERIALIZED (SELECT t.researcher_id, t.sort_name FROM {FACETS_TABLE} t "
            "WHERE t.vector_a @@ to_tsquery('directory_search_simple', %s)), "
            "top AS MATERIALIZED (SELECT m.researcher_id, m.sort_name FROM m "
            "ORDER BY m.sort_name, m.researcher_id LIMIT %s) "
            f"SELECT d.name, d.url FROM top JOIN {DOCUMENT_TABLE} d "
            "ON d.researcher_id = top.researcher_id "
            "ORDER BY top.sort_name, top.researcher_id",
            [prefix_tsquery(terms), limit],
        )

    def counting_pass(
        self, inner: Sql, prefilter: str, selected: Sequence[str]
    ) -> tuple[list[tuple[str, Sql]], Sql]:
        groupings = ", ".join(
            f"GROUPING(x.{column}) AS g_{name}" for name, column in COLUMNS.items()
        )
        columns = ", ".join(f"x.{column}" for column in COLUMNS.values())
        counts = [f"COUNT(*) FILTER (WHERE {passes(selected, 'x')}) AS n_all"]
        counts += [
            f"COUNT(*) FILTER (WHERE {passes(selected, 'x', name)}) AS n_{name}"
            for name in selected
        ]
        sets = ", ".join(f"(x.{column})" for column in COLUMNS.values())
        grouped = Sql(f"(SELECT {groupings}, {columns}, {', '.join(counts)} FROM (")
        grouped.extend(inner)
        grouped.add(f") x WHERE {prefilter} GROUP BY GROUPING SETS ({sets}, ()))")

        def count(name: str) -> str:
            return f"g.n_{name}" if name in selected else "g.n_all"

        everything = " AND ".join(f"g.g_{name} = 1" for name in COLUMNS)
        empty = literal("")
        branches = [
            f"SELECT {literal('total')} AS kind, {empty} AS key, {empty} AS value, "
            f"{empty} AS label, g.n_all AS n FROM g WHERE {everything}"
        ]
        for name in ("country", "career_stage"):
            column = COLUMNS[name]
            branches.append(
                f"SELECT {literal(name)}, CAST(g.{column} AS TEXT), {empty}, {empty}, "
                f"{count(name)} FROM g WHERE g.g_{name} = 0 AND g.{column} <> '' "
                f"AND {count(name)} > 0"
            )
        branches.append(
            f"SELECT {literal('institution')}, CAST(g.institution_id AS TEXT), "
            f"CAST(i.slug AS TEXT), CAST(i.name AS TEXT), {count('institution')} "
            f"FROM g JOIN {INSTITUTION} i ON i.id = g.institution_id "
            f"WHERE g.g_institution = 0 AND {count('institution')} > 0"
        )
        for name in ("topic", "language", "open_to"):
            column = COLUMNS[name]
            branches.append(
                f"SELECT {literal(name)}, CAST(g.{column} AS TEXT), {empty}, {empty}, "
                f"{count(name)} FROM g WHERE g.g_{name} = 0 AND g.{column} <> 0 "
                f"AND {count(name)} > 0"
            )
        return [("g", grouped)], Sql(" UNION ALL ".join(branches))

    def after_write(self, cursor, pks: Sequence[int]) -> None:
        cursor.execute(
            f"UPDATE {FACETS_TABLE} f SET search_vector = directory_search_vector("
            "d.names, d.terms, d.biography || ' ' || d.publications), "
            "vector_a = directory_search_names_vector(d.names), "
            "vector_b = directory_search_terms_vector(d.terms) "
            f"FROM {DOCUMENT_TABLE} d WHERE d.researcher_id = f.researcher_id "
            "AND f.researcher_id = ANY(%s)",
            [list(pks)],
        )

    def after_rebuild(self, cursor) -> None:
        cursor.execute(f"ANALYZE {FACETS_TABLE}")
        cursor.execute(f"ANALYZE {DOCUMENT_TABLE}")

    def after_commit_of_rebuild(self, cursor) -> None:
        # The vectors are written by UPDATE: reclaim the rows they replaced.
        cursor.execute(f"VACUUM ANALYZE {FACETS_TABLE}")
