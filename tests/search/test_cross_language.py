"""Cross-language search, the contract every engine meets (issue 9, point 7).

A query in English, Spanish or Portuguese finds everyone tagged with the topic it
names (by any of its three names or its synonyms, accents optional), plus the
people whose own text has the word. Each test runs once per engine (`engine`):
the database engine on the run's database (SQLite FTS5 or PostgreSQL) and a live
Elasticsearch when ELASTICSEARCH_URL is set. The same CASES are checked against
the Elasticsearch documents and requests without a server in
test_cross_language_elasticsearch.py.

The world is conftest.World: Ana (São Paulo) and Emily (UK) are tagged
"Recycling and circular supply chains"; José, Tom and María "Direct lithium
extraction". Ana's biography says "íon-lítio", Emily's "recycling", Tom's
"lithium": those are the text matches.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from directory.labels import choice_label
from directory.models import Language, Topic
from directory.models.taxonomy import VocabularyLabel
from search.types import SearchQuery

pytestmark = pytest.mark.django_db

RECYCLING = ("ana", "emily")
LITHIUM = ("jose", "tom", "maria")

# (query, the researchers tagged with the topic it names, the others whose text has it)
CASES = [
    ("recycling", RECYCLING, ()),
    ("reciclaje", RECYCLING, ()),
    ("reciclagem", RECYCLING, ()),
    ("RECICLAJE", RECYCLING, ()),
    ("lithium", LITHIUM, ()),
    ("litio", LITHIUM, ("ana",)),  # "íon-lítio" in Ana's biography
    ("lítio", LITHIUM, ("ana",)),
    # Names in full, with or without accents, and the synonyms of the standard topics.
    ("extracción directa de litio", LITHIUM, ()),
    ("extraccion directa", LITHIUM, ()),
    ("extração direta de lítio", LITHIUM, ()),
    ("DLE", LITHIUM, ()),
    ("EDL", LITHIUM, ()),
    ("cadenas de suministro circulares", RECYCLING, ()),
    # A parent topic's names find everyone tagged with its sub-topics.
    (
        "economía circular",
        (*RECYCLING, "halvorsen_name", "halvorsen_institution", "halvorsen_bio"),
        (),
    ),
    # Spoken languages by their names in the three languages.
    ("espanhol", ("jose", "tom", "maria", "halvorsen_bio"), ()),
    ("portugués", ("ana",), ()),
]
CASE_IDS = [case[0] for case in CASES]


def ids(results) -> set[int]:
    return {hit.id for hit in results.hits}


@pytest.fixture
def indexed(engine, world):
    assert engine.rebuild() == 8
    return world


@pytest.mark.parametrize(("text", "tagged", "text_matches"), CASES, ids=CASE_IDS)
def test_a_topic_is_found_in_any_of_its_languages(engine, indexed, text, tagged, text_matches):
    found = ids(engine.search(SearchQuery(text=text, page_size=100)))
    assert indexed.ids(*tagged) <= found, "everyone tagged with the topic"
    assert found == indexed.ids(*tagged, *text_matches), "and the text matches, no one else"


@pytest.mark.parametrize(
    "words", [("recycling", "reciclaje", "reciclagem"), ("litio", "lítio")], ids=str
)
def test_the_same_researchers_in_every_language(engine, indexed, words):
    results = [ids(engine.search(SearchQuery(text=word, page_size=100))) for word in words]
    assert all(result == results[0] for result in results)


def test_a_topic_word_combines_with_other_words(engine, indexed):
    """Every term must still match: the topic's Spanish name and a place."""
    found = ids(engine.search(SearchQuery(text="reciclaje São Paulo")))
    assert found == indexed.ids("ana")


def test_cross_language_queries_keep_the_facets(engine, indexed):
    results = engine.search(SearchQuery(text="reciclagem", country=("GB",)))
    assert ids(results) == indexed.ids("emily")
    countries = {value.value: value.count for value in results.facets["country"]}
    assert countries == {"GB": 1, "BR": 1}


def test_editing_a_topics_names_or_synonyms_reindexes_its_researchers(engine, indexed):
    topic = Topic.objects.get(slug="second-life")
    assert ids(engine.search(SearchQuery(text="estacionario"))) == set()
    topic.synonyms += "\nalmacenamiento estacionario"
    topic.save()
    second_life = indexed.ids("halvorsen_name", "halvorsen_institution", "halvorsen_bio")
    assert ids(engine.search(SearchQuery(text="estacionario"))) == second_life

    topic.name_pt = "Baterias de segunda vida"
    topic.save()
    assert ids(engine.search(SearchQuery(text="baterias segunda vida"))) == second_life


def test_editing_a_languages_names_reindexes_its_speakers(engine, indexed):
    assert ids(engine.search(SearchQuery(text="Espagnol"))) == set()
    spanish = Language.objects.get(code="es")
    spanish.name_pt = "Espagnol"  # any edit will do
    spanish.save()
    found = ids(engine.search(SearchQuery(text="espagnol")))
    assert found == indexed.ids("jose", "tom", "maria", "halvorsen_bio")


# --------------------------------------------------------------------------------------
# Labels and suggestions follow the visitor's language
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "topic", "country", "spoken"),
    [
        ("en", "Recycling and circular supply chains", "Brazil", "Portuguese"),
        ("es", "Reciclaje y cadenas de suministro circulares", "Brasil", "Portugués"),
        ("pt-br", "Reciclagem e cadeias de suprimentos circulares", "Brasil", "Português"),
    ],
)
def test_facet_labels_are_in_the_visitors_language(
    engine, indexed, language, topic, country, spoken
):
    with translation.override(language):
        results = engine.search(SearchQuery(text="Souza"))
    labels = {name: {v.value: v.label for v in values} for name, values in results.facets.items()}
    assert labels["topic"]["recycling-and-circular-supply-chains"] == topic
    assert labels["country"]["BR"] == country
    assert labels["language"]["pt"] == spoken
    # Career stages and "open to" come from the catalogues, in the same language.
    assert labels["career_stage"]["mid-career"] == choice_label(
        "career_stage", "mid-career", language
    )
    assert labels["open_to"]["collaboration"] == choice_label("open_to", "collaboration", language)
    # Values never change with the language.
    assert {hit.topics[0] for hit in results.hits} == {"recycling-and-circular-supply-chains"}


def test_an_editors_label_reaches_the_facets(engine, indexed, fresh_labels):
    VocabularyLabel.objects.create(
        vocabulary="career_stage", value="mid-career", name_es="Investigador/a de trayectoria media"
    )
    with translation.override("es"):
        results = engine.search(SearchQuery(text="Souza"))
    stages = {v.value: v.label for v in results.facets["career_stage"]}
    assert stages == {"mid-career": "Investigador/a de trayectoria media"}
    with translation.override("en"):
        results = engine.search(SearchQuery(text="Souza"))
    assert results.facets["career_stage"][0].label == "Mid-career researcher"


@pytest.mark.parametrize(
    ("language", "typed", "label"),
    [
        ("en", "recic", "Recycling and circular supply chains"),
        ("es", "recyc", "Reciclaje y cadenas de suministro circulares"),
        ("es", "recic", "Reciclaje y cadenas de suministro circulares"),
        ("pt-br", "recic", "Reciclagem e cadeias de suprimentos circulares"),
        ("es", "DLE", "Extracción directa de litio"),
        ("pt-br", "extraccion dir", "Extração direta de lítio"),
    ],
)
def test_autocomplete_suggests_topics_in_the_visitors_language(
    engine, indexed, language, typed, label
):
    with translation.override(language):
        suggestions = engine.autocomplete(typed)
    topics = [s.label for s in suggestions if s.kind == "topic"]
    assert label in topics
