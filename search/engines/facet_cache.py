"""Facet counts of searches without text, kept until the index changes.

The landing page counts every profile for every facet: 75 ms on PostgreSQL and
240 ms on SQLite at 100,000 profiles, on every visit, for the same answer. A
search with filters but no text (a topic's page, an institution's, a country's)
is the same kind of work. Their rows are kept in Django's cache (Redis when
`REDIS_URL` is set, shared by every process; local memory otherwise) under the
`IndexGeneration` read *before* they were counted:

* every write to the index replaces the generation in its own transaction
  (`index_changed`), so kept counts are used only while nothing they cover has
  changed, in every process, whichever cache holds them; a count made while a
  write was committing is kept under the old number and never used; the
  numbers are random, so they never come round again;
* reading the number is one primary-key lookup, and nothing is written to the
  database when a search is served, so readers never wait for a writer;
* searches with text are not kept: there are too many, each seen rarely, and the
  page cache keeps the pages that are asked for again.

Labels are part of the rows (topic and language names in the visitor's
language, institution names), so the language is part of the key, and a change
to a topic, language or institution replaces the generation too (search.signals).
"""

from __future__ import annotations

import hashlib
import json
import secrets

from django.core.cache import cache
from django.utils import translation

from search.models import IndexGeneration
from search.types import SearchQuery

GENERATION = IndexGeneration._meta.db_table
#: Long enough to matter, short enough that an abandoned generation's rows go.
KEEP_SECONDS = 24 * 60 * 60


def cache_key(query: SearchQuery, generation: int) -> str:
    """The generation, the filters (in any order) and the active language."""
    filters = {name: sorted(values) for name, values in query.filters().items() if values}
    text = json.dumps([translation.get_language() or "", filters], sort_keys=True)
    return f"search:facets:{generation}:{hashlib.sha256(text.encode()).hexdigest()}"


def generation(cursor) -> int | None:
    """The index's generation, or None if its row is missing (nothing is kept then)."""
    cursor.execute(f"SELECT value FROM {GENERATION} WHERE id = 1")
    row = cursor.fetchone()
    return None if row is None else int(row[0])


def kept(key: str) -> list | None:
    return cache.get(key)


def keep(key: str, rows: list) -> None:
    cache.set(key, [list(row) for row in rows], KEEP_SECONDS)


def index_changed(cursor) -> None:
    """Retire every kept count: call inside the transaction that writes the index.

    The new generation is random, not the old one plus one: a database restored
    from a backup, or a rolled-back write, would otherwise reach a number again
    whose counts Redis still holds from the other timeline.
    """
    cursor.execute(
        f"INSERT INTO {GENERATION} (id, value) VALUES (1, %s) "
        "ON CONFLICT (id) DO UPDATE SET value = excluded.value",
        [secrets.randbits(62)],
    )
