"""SQL of the database engine that SQLite and PostgreSQL share, and what differs.

Every search is two statements, whatever is asked:

1. the facet statement: one pass over the rows matching the text in the narrow
   `ResearcherFacets` table, giving the total and the disjunctive counts of all six
   facets, plus the bit-to-value map of the list-valued facets and the labels;
2. the hits statement: the requested page, ranked, with the display fields.

Disjunctive counts: each facet counts the rows that pass every *other* selected
facet. Rows carry one boolean per selected facet (`p_topic`, ...); when two or more
facets are selected, rows failing two of them are dropped at once, since they
cannot count anywhere.

Rows of the facet statement are (kind, key, value, label, n):

* ("total", "", "", "", hits)
* ("country" | "career_stage", code, "", "", n)
* ("institution", id, slug, name, n)
* ("topic" | "language" | "open_to", bit mask, "", "", n): n rows have exactly
  this combination; `build_facets` adds the bits up
* ("bit:topic" | "bit:language", bit, value, label, 0): what the bits stand for
* ("label:topic" | "label:language" | "label:institution", value, value, label, 0):
  labels of selected values, which are listed even when nothing matches them

A `Dialect` supplies what differs: full-text matching and ranking, bit arithmetic,
JSON lists, and the shape of the counting pass.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from directory.models import Institution, Language, Topic
from search.documents import OPEN_TO_BITS
from search.labels import name_column
from search.models import FacetBit, ResearcherDocument, ResearcherFacets
from search.types import SearchQuery

DOCUMENT_TABLE = ResearcherDocument._meta.db_table
FACETS_TABLE = ResearcherFacets._meta.db_table
BITS = FacetBit._meta.db_table
TOPIC = Topic._meta.db_table
INSTITUTION = Institution._meta.db_table
LANGUAGE = Language._meta.db_table

#: Facet -> column of ResearcherFacets.
COLUMNS = {
    "country": "country",
    "institution": "institution_id",
    "career_stage": "career_stage",
    "topic": "topic_bits",
    "language": "language_bits",
    "open_to": "open_to_bits",
}
BIT_FACETS = ("topic", "language", "open_to")
#: Label tables of facets whose values are keys of a table: (table, key). Topics and
#: languages are labelled in the active language (`search.labels.name_column`).
LABEL_TABLES = {
    "topic": (TOPIC, "slug"),
    "language": (LANGUAGE, "code"),
    "institution": (INSTITUTION, "slug"),
}
TRANSLATED_LABELS = frozenset({"topic", "language"})


def label_column(facet: str, alias: str) -> str:
    """The label of row `alias` of a facet's table, in the active language."""
    return name_column(alias) if facet in TRANSLATED_LABELS else f"{alias}.name"


HIT_COLUMNS = (
    "f.researcher_id, d.name, d.url, d.job_title, d.institution_name, f.country, "
    "d.topics, d.keywords, d.biography, d.publications"
)
#: Similar researchers: candidates sharing a keyword, at most this many.
KEYWORD_CANDIDATES = 500


@dataclass
class Sql:
    """A fragment of SQL and its parameters, joined in order."""

    text: str = ""
    params: list = field(default_factory=list)

    def add(self, text: str, params: Sequence = ()) -> Sql:
        self.text += text
        self.params.extend(params)
        return self

    def extend(self, other: Sql) -> Sql:
        return self.add(other.text, other.params)


def placeholders(n: int) -> str:
    return ", ".join(["%s"] * n)


def literal(text: str) -> str:
    """A constant string of this module as SQL (never user input)."""
    return "CAST('" + text.replace("'", "''") + "' AS TEXT)"


class Dialect:
    """What SQLite and PostgreSQL do differently."""

    vendor = ""

    def query_cte(self, terms: Sequence[str]) -> Sql | None:
        """A CTE body `(...)` named `q` that the other fragments use, or None."""
        return None

    def text_filter(self, terms: Sequence[str]) -> Sql:
        """A condition on `f` (ResearcherFacets): the profile matches every term."""
        raise NotImplementedError

    def ranked_hits_from(
        self, terms: Sequence[str], filters: Callable[[str], Sql]
    ) -> tuple[Sql, str, list[tuple[Sql, str]]]:
        """FROM clause of `f` (ResearcherFacets) restricted to text matches, a WHERE
        condition doing the same, and the relevance: (expression, ASC/DESC) keys,
        most significant first, computed without reading wide rows. `filters(alias)`
        is the query's facet filters on another alias of the facets table."""
        raise NotImplementedError

    def bit(self, expression: str) -> str:
        """The integer with bit `expression` set."""
        raise NotImplementedError

    def json_contains_any(self, column: str, values: Sequence[str]) -> Sql:
        raise NotImplementedError

    def json_contains(self, column: str, value: str) -> Sql:
        raise NotImplementedError

    def name_prefix_filter(self, terms: Sequence[str], id_column: str) -> Sql:
        raise NotImplementedError

    def names_by_prefix(self, terms: Sequence[str], limit: int) -> Sql:
        """(name, url) of the first `limit` researchers, in name order, in whose
        names every term begins a word."""
        condition = self.name_prefix_filter(terms, "d.researcher_id")
        sql = Sql(
            f"SELECT d.name, d.url FROM {DOCUMENT_TABLE} d "
            f"JOIN {FACETS_TABLE} f ON f.researcher_id = d.researcher_id WHERE "
        )
        sql.extend(condition).add(" ORDER BY f.sort_name, f.researcher_id LIMIT %s", [limit])
        return sql

    def counting_pass(
        self, inner: Sql, prefilter: str, selected: Sequence[str]
    ) -> tuple[list[tuple[str, Sql]], Sql]:
        """The counting rows (total, and counts per facet) over the rows of `inner`
        (aliased `x`) that meet `prefilter`: the CTEs it needs and the body."""
        raise NotImplementedError

    def after_write(self, cursor, pks: Sequence[int]) -> None:
        """Called after index rows of `pks` were written."""

    def after_rebuild(self, cursor) -> None:
        """Called after a rebuild, inside its transaction."""

    def after_commit_of_rebuild(self, cursor) -> None:
        """Called after a rebuild committed (outside any transaction)."""


# --------------------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------------------


def mask_of(dialect: Dialect, facet: str, values: Sequence[str]) -> Sql:
    """The bit mask of `values` of a list-valued facet; unknown values add nothing."""
    if facet == "open_to":
        mask = 0
        for value in values:
            if value in OPEN_TO_BITS:
                mask |= 1 << OPEN_TO_BITS[value]
        return Sql("%s", [mask])
    return Sql(
        f"(SELECT CAST(COALESCE(SUM({dialect.bit('b.bit')}), 0) AS BIGINT) FROM {BITS} b "
        f"WHERE b.facet = %s AND b.value IN ({placeholders(len(values))}))",
        [facet, *values],
    )


def filter_condition(dialect: Dialect, facet: str, values: Sequence[str], alias: str) -> Sql:
    column = f"{alias}.{COLUMNS[facet]}"
    if facet in BIT_FACETS:
        return Sql(f"({column} & ").extend(mask_of(dialect, facet, values)).add(") <> 0")
    if facet == "institution":
        return Sql(
            f"{column} IN (SELECT i.id FROM {INSTITUTION} i "
            f"WHERE i.slug IN ({placeholders(len(values))}))",
            list(values),
        )
    return Sql(f"{column} IN ({placeholders(len(values))})", list(values))


def all_filters(dialect: Dialect, query: SearchQuery, alias: str = "f") -> Sql:
    sql = Sql("1=1")
    for facet, values in query.filters().items():
        if values:
            sql.add(" AND ").extend(filter_condition(dialect, facet, values, alias))
    return sql


def with_clause(*ctes: tuple[str, Sql | None]) -> Sql:
    parts = [(name, cte) for name, cte in ctes if cte is not None]
    sql = Sql()
    for index, (name, cte) in enumerate(parts):
        sql.add("WITH " if index == 0 else ", ").add(f"{name} AS ").extend(cte)
    if parts:
        sql.add(" ")
    return sql


def passes(selected: Sequence[str], alias: str, except_facet: str | None = None) -> str:
    """Condition: the row passes every selected facet but `except_facet`."""
    conditions = [f"{alias}.p_{name}" for name in selected if name != except_facet]
    return " AND ".join(conditions) or "1=1"


# --------------------------------------------------------------------------------------
# Statements
# --------------------------------------------------------------------------------------


def facet_statement(dialect: Dialect, query: SearchQuery, terms: Sequence[str]) -> Sql:
    """Total and disjunctive counts of every facet, in one statement."""
    selected = [name for name, values in query.filters().items() if values]

    inner = Sql("SELECT " + ", ".join(f"f.{COLUMNS[name]}" for name in COLUMNS))
    for name in selected:
        inner.add(", (")
        inner.extend(filter_condition(dialect, name, getattr(query, name), "f"))
        inner.add(f") AS p_{name}")
    inner.add(f" FROM {FACETS_TABLE} f")
    if terms:
        inner.add(" WHERE ").extend(dialect.text_filter(terms))
    if len(selected) == 2:  # the usual case, and a plain OR is cheaper than the sum
        prefilter = f"(x.p_{selected[0]} OR x.p_{selected[1]})"
    elif len(selected) > 2:
        failures = " + ".join(f"CASE WHEN x.p_{name} THEN 0 ELSE 1 END" for name in selected)
        prefilter = f"{failures} <= 1"
    else:
        prefilter = "1=1"

    ctes, body = dialect.counting_pass(inner, prefilter, selected)
    statement = with_clause(("q", dialect.query_cte(terms)), *ctes).extend(body)

    # What the bits stand for, with labels in the active language.
    for facet in ("topic", "language"):
        table, key = LABEL_TABLES[facet]
        statement.add(
            f" UNION ALL SELECT {literal('bit:' + facet)}, CAST(b.bit AS TEXT), b.value, "
            f"{label_column(facet, 'l')}, 0 FROM {BITS} b LEFT JOIN {table} l "
            f"ON l.{key} = b.value WHERE b.facet = %s",
            [facet],
        )
    # Labels of selected values, which are listed even when nothing matches them.
    for facet, (table, key) in LABEL_TABLES.items():
        values = getattr(query, facet)
        if values:
            statement.add(
                f" UNION ALL SELECT {literal('label:' + facet)}, CAST(l.{key} AS TEXT), "
                f"CAST(l.{key} AS TEXT), {label_column(facet, 'l')}, 0 FROM {table} l "
                f"WHERE l.{key} IN ({placeholders(len(values))})",
                values,
            )
    return statement


def hits_statement(dialect: Dialect, query: SearchQuery, terms: Sequence[str]) -> Sql:
    """The requested page of hits, with the fields a hit shows.

    Ranking, filtering and paging read only the narrow facets table (and, on
    SQLite, the FTS5 ranks); the wide documents are joined for the one page of
    rows that is shown. Joining first would read a wide row for every match of a
    broad word before the sort.
    """
    if terms:
        source, matches, ranks = dialect.ranked_hits_from(
            terms, lambda alias: all_filters(dialect, query, alias)
        )
    else:
        source, matches, ranks = Sql(f"{FACETS_TABLE} f"), "1=1", []
    if query.sort == "updated":
        keys = ["updated_at DESC", "researcher_id DESC"]
    elif query.sort == "name" or not terms:
        keys = ["sort_name", "researcher_id"]
    else:
        keys = [f"rank_{i} {direction}" for i, (_e, direction) in enumerate(ranks)]
        keys += ["sort_name", "researcher_id"]
    page = Sql("SELECT f.researcher_id, f.country, f.sort_name, f.updated_at")
    for i, (expression, _direction) in enumerate(ranks):
        page.add(", ").extend(expression).add(f" AS rank_{i}")
    page.add(" FROM ").extend(source).add(f" WHERE {matches} AND ").extend(
        all_filters(dialect, query)
    )
    page.add(
        f" ORDER BY {', '.join(keys)} LIMIT %s OFFSET %s",
        [query.page_size, (query.page - 1) * query.page_size],
    )
    statement = with_clause(("q", dialect.query_cte(terms)))
    statement.add(f"SELECT {HIT_COLUMNS.replace('f.', 'p.')} FROM (").extend(page)
    statement.add(f") p JOIN {DOCUMENT_TABLE} d ON d.researcher_id = p.researcher_id ORDER BY ")
    statement.add(", ".join(f"p.{key}" for key in keys))
    return statement


def similar_statement(
    dialect: Dialect,
    researcher_id: int,
    topic_bits: int,
    keywords: Sequence[str],
    region: str,
    limit: int,
) -> Sql:
    """Researchers sharing topics or keywords, the other region first.

    Score: 3 per shared keyword (specific), 2 per shared topic (broad). Candidates:
    the best `limit` by region and shared topics (which no other researcher
    without a shared keyword can beat), plus up to KEYWORD_CANDIDATES sharing a
    keyword, so the statement never scores every researcher of a popular topic.
    """
    bits = [k for k in range(64) if topic_bits >> k & 1]
    topic_score = " + ".join(f"2 * ((f.topic_bits >> {k}) & 1)" for k in bits) or "0"
    keyword_score = Sql("0")
    for keyword in keywords:
        keyword_score.add(" + 3 * (CASE WHEN ").extend(dialect.json_contains("d.keywords", keyword))
        keyword_score.add(" THEN 1 ELSE 0 END)")
    if region:
        other = "CASE WHEN f.region <> '' AND f.region <> %s THEN 1 ELSE 0 END"
        other_params = [region]
    else:
        other, other_params = "0", []
    # A bare `0` in ORDER BY is a column position (an error on both databases), so a
    # researcher without a region does not sort by it.
    by_region = f"{other} DESC, " if region else ""

    candidates = Sql()
    if bits:
        candidates.add(
            f"SELECT researcher_id FROM (SELECT f.researcher_id FROM {FACETS_TABLE} f "
            "WHERE f.researcher_id <> %s AND (f.topic_bits & %s) <> 0 "
            f"ORDER BY {by_region}{topic_score} DESC, f.sort_name, f.researcher_id "
            "LIMIT %s) t",
            [researcher_id, topic_bits, *other_params, limit],
        )
    if keywords:
        if bits:
            candidates.add(" UNION ")
        candidates.add(
            f"SELECT researcher_id FROM (SELECT d.researcher_id FROM {DOCUMENT_TABLE} d "
            "WHERE d.researcher_id <> %s AND ",
            [researcher_id],
        )
        candidates.extend(dialect.json_contains_any("d.keywords", keywords))
        candidates.add(" LIMIT %s) k", [KEYWORD_CANDIDATES])

    statement = Sql(f"SELECT {HIT_COLUMNS}, {other} AS other, ({topic_score} + ", other_params)
    statement.extend(keyword_score).add(") AS score FROM (").extend(candidates)
    statement.add(
        f") c JOIN {FACETS_TABLE} f ON f.researcher_id = c.researcher_id "
        f"JOIN {DOCUMENT_TABLE} d ON d.researcher_id = c.researcher_id "
        "ORDER BY other DESC, score DESC, f.sort_name, f.researcher_id LIMIT %s",
        [limit],
    )
    return statement


def json_list(value) -> list:
    """A JSON list column as Python: psycopg may hand over text, SQLite always does."""
    if value is None:
        return []
    if isinstance(value, str | bytes):
        return json.loads(value)
    return list(value)
