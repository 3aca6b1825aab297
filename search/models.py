"""The database engine's index: two denormalised rows per live researcher profile.

Why two tables: counting facets reads every row that matches the text, and at
100,000 profiles a broad word ("lithium") matches most of them. So the rows that
are counted must be as narrow as possible: `ResearcherFacets` holds small integers
and short codes (about 100 bytes a row; its PostgreSQL tsvector is stored out of
line), and `ResearcherDocument` holds everything wide, the text that is searched
and shown, read only for the page of hits being shown.

The list-valued facets (topics, languages, open to) are stored as bit masks, one
bit per value, allocated in `FacetBit`: filtering is `bits & mask <> 0`, and
counting groups by the mask (a few hundred distinct combinations) and adds the
bits up in Python, which is far cheaper than unnesting lists row by row. A facet
can have at most 63 values in use (bit 63 would make the integer negative).

Vendor-specific parts are created by migration 0002, not declared here:

* SQLite: `directory_search_fts`, an FTS5 table over ResearcherDocument's text
  (external content, kept in step by triggers).
* PostgreSQL: `ResearcherFacets.search_vector` (GIN-indexed, stored out of line,
  written by the engine), `ResearcherDocument.vector_a` and `vector_b` (generated;
  ranking, and name prefixes for autocomplete), the `directory_search_*` text
  search configurations, and a GIN index on `ResearcherDocument.keywords`.
"""

from __future__ import annotations

from django.db import models

#: Bits 0..62 of a signed 64-bit integer.
MAX_FACET_BITS = 63


class ResearcherDocument(models.Model):
    """What is searched (weighted text) and what a hit shows (display fields)."""

    researcher = models.OneToOneField(
        "directory.ResearcherPage",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    # Shown in hits
    name = models.CharField(max_length=255)
    url = models.CharField(max_length=500, blank=True)
    job_title = models.CharField(max_length=255, blank=True)
    institution_name = models.CharField(max_length=255, blank=True)
    topics = models.JSONField(default=list, help_text="Topic slugs.")
    keywords = models.JSONField(default=list, help_text="Keyword names (similarity, snippets).")
    # Searched. Weight A: names; B: job title, institutions, topics, keywords,
    # country and language names; C: biography and publication titles.
    names = models.TextField(blank=True)
    terms = models.TextField(blank=True)
    biography = models.TextField(blank=True, help_text="Plain text of the biography.")
    publications = models.TextField(blank=True, help_text="Publication titles, one a line.")

    class Meta:
        verbose_name = "researcher search document"

    def __str__(self) -> str:
        return self.name


class ResearcherFacets(models.Model):
    """Everything filtered, counted and sorted on, and nothing else."""

    researcher = models.OneToOneField(
        "directory.ResearcherPage",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    sort_name = models.CharField(max_length=255, help_text="Folded 'family given'.")
    updated_at = models.DateTimeField()
    country = models.CharField(max_length=2, blank=True)
    region = models.CharField(max_length=10, blank=True, help_text="'uk', 'latam' or ''.")
    career_stage = models.CharField(max_length=20, blank=True)
    institution_id = models.BigIntegerField(null=True, blank=True)
    topic_bits = models.BigIntegerField(default=0)
    language_bits = models.BigIntegerField(default=0)
    open_to_bits = models.IntegerField(default=0)

    class Meta:
        verbose_name = "researcher search facets"
        verbose_name_plural = "researcher search facets"
        indexes = [
            models.Index(fields=["sort_name", "researcher"], name="dsearch_facets_name"),
            models.Index(fields=["-updated_at", "-researcher"], name="dsearch_facets_updated"),
            models.Index(fields=["country"], name="dsearch_facets_country"),
            models.Index(fields=["career_stage"], name="dsearch_facets_stage"),
            models.Index(fields=["institution_id"], name="dsearch_facets_institution"),
        ]

    def __str__(self) -> str:
        return self.sort_name


class FacetBit(models.Model):
    """Which bit of a mask column stands for which value of a list-valued facet.

    Allocated when a value is first indexed and never reused; `open_to` needs no
    rows (its five values have fixed bits, see `search.documents.OPEN_TO_BITS`).
    """

    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=120)
    bit = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["facet", "value"], name="dsearch_facetbit_value"),
            models.UniqueConstraint(fields=["facet", "bit"], name="dsearch_facetbit_bit"),
        ]

    def __str__(self) -> str:
        return f"{self.facet}:{self.value}={self.bit}"


class IndexGeneration(models.Model):
    """A number that every write to the index replaces (one row, id 1).

    Facet counts of searches without text are kept in the cache under this
    number (`search.engines.facet_cache`), so a write in any process retires
    them in every process. A writer replaces it, with a random number, in the
    transaction that changes the index; a count made after reading the number is
    kept under a number that is already out of date if the index changed
    meanwhile, never the reverse.
    """

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "search index generation"

    def __str__(self) -> str:
        return str(self.value)
