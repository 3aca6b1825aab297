"""The full-text parts of the index, which differ per database vendor.

SQLite: an FTS5 table over ResearcherDocument (external content, kept in step by
triggers). `unicode61 remove_diacritics 2` folds accents ("Perez" finds "Pérez");
`porter` stems English. FTS5 has no Spanish or Portuguese stemmer, so those are
matched by their exact (folded) forms only; docs/search.md explains.

PostgreSQL: text search configurations that run `unaccent` before the English,
Spanish and Portuguese Snowball stemmers (and a `simple` one for name prefixes),
the functions that build a profile's vectors from them, tsvector columns on the
narrow facets table, and GIN indexes, so that matching never needs a sequential
scan.
"""

from django.db import migrations

DOC = "directory_search_researcherdocument"
FACETS = "directory_search_researcherfacets"
FTS = "directory_search_fts"
TOKEN_TYPES = "asciiword, asciihword, hword_asciipart, word, hword, hword_part"
CONFIGS = {
    "directory_search_en": ("english", "english_stem"),
    "directory_search_es": ("spanish", "spanish_stem"),
    "directory_search_pt": ("portuguese", "portuguese_stem"),
    "directory_search_simple": ("simple", "simple"),
}

SQLITE_FORWARDS = [
    f"""CREATE VIRTUAL TABLE {FTS} USING fts5(
        names, terms, biography, publications,
        content='{DOC}', content_rowid='researcher_id',
        tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')""",
    f"""CREATE TRIGGER {FTS}_ai AFTER INSERT ON {DOC} BEGIN
        INSERT INTO {FTS}(rowid, names, terms, biography, publications)
        VALUES (new.researcher_id, new.names, new.terms, new.biography, new.publications);
    END""",
    f"""CREATE TRIGGER {FTS}_ad AFTER DELETE ON {DOC} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, names, terms, biography, publications)
        VALUES ('delete', old.researcher_id, old.names, old.terms, old.biography, old.publications);
    END""",
    f"""CREATE TRIGGER {FTS}_au AFTER UPDATE ON {DOC} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, names, terms, biography, publications)
        VALUES ('delete', old.researcher_id, old.names, old.terms, old.biography, old.publications);
        INSERT INTO {FTS}(rowid, names, terms, biography, publications)
        VALUES (new.researcher_id, new.names, new.terms, new.biography, new.publications);
    END""",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]
SQLITE_BACKWARDS = [
    f"DROP TRIGGER IF EXISTS {FTS}_au",
    f"DROP TRIGGER IF EXISTS {FTS}_ad",
    f"DROP TRIGGER IF EXISTS {FTS}_ai",
    f"DROP TABLE IF EXISTS {FTS}",
]


def _vector(column: str, configs=("en", "es", "pt")) -> str:
    return " || ".join(
        f"to_tsvector('directory_search_{config}'::regconfig, {column})" for config in configs
    )


_NAMES = _vector("names", ("simple", "en", "es", "pt"))
_TERMS = _vector("terms")

POSTGRES_FORWARDS = ["CREATE EXTENSION IF NOT EXISTS unaccent"]
for _name, (_template, _dictionary) in CONFIGS.items():
    POSTGRES_FORWARDS += [
        f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {_name} CASCADE",
        f"CREATE TEXT SEARCH CONFIGURATION {_name} (COPY = {_template})",
        f"ALTER TEXT SEARCH CONFIGURATION {_name} "
        f"ALTER MAPPING FOR {TOKEN_TYPES} WITH unaccent, {_dictionary}",
    ]
POSTGRES_FORWARDS += [
    # The matching vector of a profile: names (A), job title, institutions, topics,
    # keywords, country and language names (B), biography and publications (C),
    # each through the English, Spanish and Portuguese configurations.
    f"""CREATE OR REPLACE FUNCTION directory_search_vector(names text, terms text, body text)
        RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT setweight({_NAMES}, 'A') || setweight({_TERMS}, 'B')
            || setweight({_vector("body")}, 'C')
        $$""",
    # The names alone (also unstemmed, for prefixes), and the B fields alone: which
    # tier a match is in, and autocomplete.
    f"""CREATE OR REPLACE FUNCTION directory_search_names_vector(names text)
        RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT {_NAMES} $$""",
    f"""CREATE OR REPLACE FUNCTION directory_search_terms_vector(terms text)
        RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT {_TERMS} $$""",
    f"CREATE INDEX dsearch_doc_keywords ON {DOC} USING gin (keywords)",
    # Matching happens on the narrow facets table, so that the rows a broad word
    # matches are read, filtered and counted without touching the wide text, and
    # the vectors (about 1.7 kB) are stored out of line to keep those rows narrow.
    # PostgreSQL only moves values out of line once a row exceeds about 2 kB
    # (TOAST_TUPLE_THRESHOLD, fixed at compile time); toast_tuple_target only sets
    # how small it then makes the row. `toast_padding`, 2,100 spaces, pushes every
    # row over the threshold; the toaster compresses it to about 35 bytes and moves
    # the vectors out: rows of about 150 bytes instead of 2.7 kB, so the 60,000
    # matches of a broad word read a few MB of heap instead of 150 MB. The vectors
    # are only ever read through their GIN indexes.
    f"ALTER TABLE {FACETS} ADD COLUMN search_vector tsvector, "
    "ADD COLUMN vector_a tsvector, ADD COLUMN vector_b tsvector",
    f"ALTER TABLE {FACETS} ALTER COLUMN search_vector SET STORAGE EXTERNAL, "
    "ALTER COLUMN vector_a SET STORAGE EXTERNAL, ALTER COLUMN vector_b SET STORAGE EXTERNAL",
    f"ALTER TABLE {FACETS} ADD COLUMN toast_padding text "
    "GENERATED ALWAYS AS (repeat(' ', 2100)) STORED",
    f"ALTER TABLE {FACETS} SET (toast_tuple_target = 128)",
    f"CREATE INDEX dsearch_facets_vector ON {FACETS} USING gin (search_vector)",
    f"CREATE INDEX dsearch_facets_vector_a ON {FACETS} USING gin (vector_a)",
    f"CREATE INDEX dsearch_facets_vector_b ON {FACETS} USING gin (vector_b)",
]
POSTGRES_BACKWARDS = [
    "DROP INDEX IF EXISTS dsearch_facets_vector_b",
    "DROP INDEX IF EXISTS dsearch_facets_vector_a",
    "DROP INDEX IF EXISTS dsearch_facets_vector",
    f"ALTER TABLE {FACETS} DROP COLUMN IF EXISTS search_vector, "
    "DROP COLUMN IF EXISTS vector_a, DROP COLUMN IF EXISTS vector_b, "
    "DROP COLUMN IF EXISTS toast_padding",
    f"ALTER TABLE {FACETS} RESET (toast_tuple_target)",
    "DROP INDEX IF EXISTS dsearch_doc_keywords",
    "DROP FUNCTION IF EXISTS directory_search_terms_vector(text)",
    "DROP FUNCTION IF EXISTS directory_search_names_vector(text)",
    "DROP FUNCTION IF EXISTS directory_search_vector(text, text, text)",
] + [f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}" for name in CONFIGS]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("directory_search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARDS, "postgresql": POSTGRES_FORWARDS}),
            _run({"sqlite": SQLITE_BACKWARDS, "postgresql": POSTGRES_BACKWARDS}),
        )
    ]
