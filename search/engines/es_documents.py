"""The researcher document of the Elasticsearch engine: analysis, mapping and source.

Kept apart from the engine so that the index definition can be read (and tested,
as serialised JSON) on its own, and so that the one place turning a profile into
a JSON document is easy to find. The text comes from
`search.documents.ResearcherData`, which the database engine indexes too, so both
engines search the same words.

Analysis, and why:

* ``folding`` (standard tokenizer, lowercase, asciifolding) is the analyzer of
  every text field, so "Jose Perez" finds "José Pérez" and "Sao Paulo" finds
  "São Paulo": the network's names, institutions and places are Spanish and
  Portuguese while many people type without accents.
* Each free-text field has ``english``, ``spanish`` and ``portuguese``
  sub-fields that stem (and fold), so "batteries" finds "battery" and
  "baterías" finds "batería". A profile may be written in any of the three
  languages, so all three are indexed rather than guessing one per document.
  Spanish and Portuguese use the Snowball stemmers (as PostgreSQL does for the
  database engine), not the "light" ones: only they bring "catódicos" and
  "cátodo", or "hidrometalúrgicos" and "hidrometalurgia", to one stem.
* Facet fields are keywords with the ``keyword_folding`` normalizer
  (lowercase + asciifolding) so a stray capital or accent in a value never
  splits a facet into two buckets. Bucket keys come back folded: the engine
  maps them back to the values as selected, and countries to upper case.
* Autocomplete uses ``search_as_you_type`` fields (folded). A prefix query on
  such a field is answered from its ``_index_prefix`` sub-field, which holds the
  prefixes of every word, so one prefix query per typed word finds "José Pérez"
  for "jo per": every typed word must begin a word, as on the database engine.
  The completion suggester only completes the whole input from its start, and
  ``bool_prefix`` needs all but the last word complete; neither can do that.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from elasticsearch.dsl import (
    Date,
    Document,
    Index,
    InnerDoc,
    Integer,
    Keyword,
    MetaField,
    Nested,
    SearchAsYouType,
    Text,
    analyzer,
    normalizer,
    token_filter,
)

from directory.models import ResearcherPage, Topic
from search.documents import (
    ResearcherData,
    listed_researchers,
    load_listed_researchers,
    region_of,
)

# Highlight markers. Elasticsearch wraps matched terms in these instead of HTML
# tags, so the engine can escape the whole fragment itself and only then turn the
# markers into <mark>: snippets stay safe whatever the profile text contains.
# Private-use code points never occur in real text; they are stripped on indexing.
MARK_START = "\ue000"
MARK_END = "\ue001"

LANGUAGES = ("english", "spanish", "portuguese")

folding = analyzer(
    "folding",
    tokenizer="standard",
    filter=["lowercase", "asciifolding"],
)
english_folding = analyzer(
    "english_folding",
    tokenizer="standard",
    filter=[
        token_filter("english_possessive_stemmer", "stemmer", language="possessive_english"),
        "lowercase",
        token_filter("english_stop", "stop", stopwords="_english_"),
        token_filter("english_stemmer", "stemmer", language="english"),
        "asciifolding",
    ],
)
spanish_folding = analyzer(
    "spanish_folding",
    tokenizer="standard",
    filter=[
        "lowercase",
        token_filter("spanish_stop", "stop", stopwords="_spanish_"),
        token_filter("spanish_stemmer", "stemmer", language="spanish"),
        "asciifolding",
    ],
)
portuguese_folding = analyzer(
    "portuguese_folding",
    tokenizer="standard",
    filter=[
        "lowercase",
        token_filter("portuguese_stop", "stop", stopwords="_portuguese_"),
        token_filter("portuguese_stemmer", "stemmer", language="portuguese"),
        "asciifolding",
    ],
)
keyword_folding = normalizer("keyword_folding", filter=["lowercase", "asciifolding"])

LANGUAGE_ANALYZERS = {
    "english": english_folding,
    "spanish": spanish_folding,
    "portuguese": portuguese_folding,
}


def multilingual_text() -> Text:
    """A folded text field with one stemmed sub-field per language of the network."""
    return Text(
        analyzer=folding,
        fields={lang: Text(analyzer=an) for lang, an in LANGUAGE_ANALYZERS.items()},
    )


def facet_keyword() -> Keyword:
    return Keyword(normalizer=keyword_folding)


def as_you_type() -> SearchAsYouType:
    return SearchAsYouType(analyzer=folding)


class TopicEntry(InnerDoc):
    """One topic of a profile, nested so that autocomplete can tell topics apart.

    `suggest` holds every name and synonym, so typing in any language finds the
    topic; the label read back from the aggregation is the field of the visitor's
    language (`LABEL_FIELDS`), English where a translation is missing.
    """

    slug = Keyword()
    name = Keyword()
    name_es = Keyword()
    name_pt = Keyword()
    suggest = as_you_type()


#: Interface language -> TopicEntry field holding the topic's label in it.
LABEL_FIELDS = {"en": "name", "es": "name_es", "pt-br": "name_pt"}


class ResearcherMapping(Document):
    """The mapping of a researcher's Elasticsearch document: its fields and analysis.

    Only the index definition uses it (`researcher_index`); the documents
    themselves are plain dicts from `document_for`. Not to be confused with
    `search.models.ResearcherDocument`, the database engine's row.
    """

    id = Integer()
    url = Keyword(index=False)

    # Searched text. `name`: the displayed name (the page title; given and family
    # names have fields of their own). `terms`: job title, institutions and
    # affiliations (names, acronyms, cities), topics with their parents, keywords,
    # country names in three languages and spoken languages: what the database
    # engine weighs "B".
    name = multilingual_text()
    given_name = Text(analyzer=folding)
    family_name = Text(analyzer=folding)
    job_title = multilingual_text()
    institution_name = multilingual_text()
    topics = multilingual_text()  # names in three languages, and synonyms
    keywords = multilingual_text()
    terms = multilingual_text()
    biography = multilingual_text()  # plain text, HTML stripped
    publications = multilingual_text()  # titles

    # Facets (keyword, folded): topic and institution slugs, ISO codes, choice values.
    topic = facet_keyword()
    country = facet_keyword()
    institution = facet_keyword()
    career_stage = facet_keyword()
    language = facet_keyword()
    open_to = facet_keyword()

    keyword = facet_keyword()  # keyword names: `similar` candidates share one (or a topic)
    region = Keyword()  # "uk", "latam" or "": `similar` puts the other region first
    updated = Date()
    name_sort = Keyword(normalizer=keyword_folding)  # folded "family given"

    # Autocomplete: names, and the profile's topics and institution with labels.
    name_suggest = as_you_type()  # displayed name and "given family"
    topic_entries = Nested(TopicEntry)
    institution_suggest = as_you_type()  # "name acronym"
    institution_label = Keyword()

    class Meta:
        # A typo in the document builder fails loudly instead of creating a
        # dynamically mapped field that no query ever looks at.
        dynamic = MetaField("strict")


# Fields returned with each hit: what `Hit` needs, nothing bulky.
HIT_SOURCE = ["id", "url", "name", "job_title", "institution_name", "country", "topic"]

OTHER_REGION = {"uk": "latam", "latam": "uk"}


def researcher_index(name: str) -> Index:
    """The index definition (settings, analysis, mapping) under the concrete `name`."""
    index = Index(name)
    # One shard: the directory is small (thousands of documents) and one shard
    # keeps relevance statistics exact, so scores do not depend on routing.
    index.settings(number_of_shards=1, max_result_window=10_000)
    index.document(ResearcherMapping)
    return index


def _clean(text: str | None) -> str:
    """Strip the highlight markers (and surrounding blanks) from indexed text."""
    if not text:
        return ""
    return text.replace(MARK_START, "").replace(MARK_END, "").strip()


def _lines(text: str) -> list[str]:
    return [line for line in (_clean(part) for part in text.split("\n")) if line]


def indexable_researchers() -> QuerySet[ResearcherPage]:
    """Profiles that belong in the index: the listed ones (published, no view
    restriction), as for the database engine."""
    return listed_researchers()


def document_for(page: ResearcherPage) -> dict[str, Any]:
    """The JSON source of `page`'s document. Needs what `load_researchers` prefetches.

    The searched text comes from the shared `ResearcherData`; keys (slugs, codes)
    are read from the page and its prefetched relations directly.
    """
    data = ResearcherData.from_page(page)
    institution = page.institution if page.institution_id else None
    topics = list(page.topics.all())
    given, family = _clean(page.given_name), _clean(page.family_name)
    name = _clean(data.name) or f"{given} {family}".strip()
    institution_name = _clean(institution.name) if institution else ""
    acronym = _clean(institution.acronym) if institution else ""
    return {
        "id": data.id,
        "url": data.url,
        "name": name,
        "given_name": given,
        "family_name": family,
        "job_title": _clean(data.job_title),
        "institution_name": institution_name,
        "topics": [_clean(name) for name in data.topic_names],
        "keywords": [_clean(k) for k in data.keywords],
        "terms": _lines(data.terms),
        "biography": _clean(data.biography),
        "publications": _lines(data.publications),
        "topic": [topic.slug for topic in topics],
        "country": data.country or None,
        "institution": institution.slug if institution else None,
        "career_stage": data.career_stage or None,
        "language": list(data.languages),
        "open_to": [str(value) for value in data.open_to],
        "keyword": [_clean(k) for k in data.keywords],
        "region": region_of(data.country),
        "updated": data.updated_at.isoformat(),
        "name_sort": data.sort_name,
        "name_suggest": _lines(data.names) or [name],
        "topic_entries": [topic_entry(topic) for topic in topics],
        "institution_suggest": f"{institution_name} {acronym}".strip() or None,
        "institution_label": institution_name or None,
    }


def topic_entry(topic: Topic) -> dict[str, Any]:
    """A topic as autocomplete finds it (any name) and shows it (the visitor's name)."""
    name = _clean(topic.name)
    return {
        "slug": topic.slug,
        "name": name,
        "name_es": _clean(topic.name_es) or name,
        "name_pt": _clean(topic.name_pt) or name,
        "suggest": [_clean(n) for n in topic.search_names],
    }


def documents_for(pks: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Documents of the listed profiles among `pks`; the others (unpublished,
    restricted, deleted) leave the index."""
    return {page.pk: document_for(page) for page in load_listed_researchers(list(pks))}


def iter_all_documents(batch_size: int = 500) -> Iterator[list[dict[str, Any]]]:
    """Every indexable profile, a batch at a time, by ascending primary key.

    Keyset pagination (pk > last) rather than OFFSET keeps each batch query cheap
    and never skips or repeats a row when profiles are added during the walk.
    """
    last = 0
    while True:
        pks = list(
            indexable_researchers()
            .filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not pks:
            return
        last = pks[-1]
        yield [document_for(page) for page in load_listed_researchers(pks)]


def topic_url(slug: str) -> str:
    return reverse("directory:topic", kwargs={"slug": slug})


def institution_url(slug: str) -> str:
    return reverse("directory:institution", kwargs={"slug": slug})
