"""Cross-language search on the Elasticsearch engine, without a server.

The same CASES as test_cross_language.py (which runs them on a live cluster when
ELASTICSEARCH_URL is set), checked on what would go over the wire: the request the
engine sends for each query, recorded by the fake transport, is evaluated against
the documents the engine would index for the world. The evaluation models only
the request's folded `cross_fields` clause (every term a folded word of one of its
fields), which is enough for these cases: each matches the topic's own words, not
a stem. It reads the field list from the request itself, so a field dropped from
the query or a name left out of the document fails here.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from directory.models import ResearcherPage, Topic
from search.engines.es_documents import LABEL_FIELDS, documents_for, researcher_index
from search.engines.es_queries import autocomplete_body
from search.engines.es_results import facets_from, suggestions
from search.query import words
from search.types import SearchQuery
from tests.fakes.elasticsearch import FakeCluster, search_response
from tests.search.es_support import ALIAS, engine_on
from tests.search.test_cross_language import CASE_IDS, CASES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signals_on_database_engine")]


@pytest.fixture
def documents(world) -> dict[int, dict[str, Any]]:
    return documents_for([page.pk for page in world.r.values()])


def sent_query(fake, text: str) -> dict[str, Any]:
    fake.on("POST", f"/{ALIAS}/_search", search_response())
    engine_on(fake).search(SearchQuery(text=text))
    return fake.last("POST", f"/{ALIAS}/_search").body["query"]


def folded_clause(query: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(terms, fields) of the request's folded cross_fields clause, AND'd."""
    main = query["bool"]["should"][0]["multi_match"]
    assert (main["type"], main["operator"]) == ("cross_fields", "and")
    return main["query"].split(), [field.split("^")[0] for field in main["fields"]]


def matching(documents: dict[int, dict[str, Any]], terms: list[str], fields: list[str]) -> set:
    found = set()
    for pk, doc in documents.items():
        tokens: set[str] = set()
        for field in fields:
            values = doc.get(field) or []
            for value in [values] if isinstance(values, str) else values:
                tokens.update(words(value))
        if all(term in tokens for term in terms):
            found.add(pk)
    return found


@pytest.mark.parametrize(("text", "tagged", "text_matches"), CASES, ids=CASE_IDS)
def test_the_request_finds_the_topic_in_any_language(
    fake, world, documents, text, tagged, text_matches
):
    terms, fields = folded_clause(sent_query(fake, text))
    assert "topics" in fields and "terms" in fields
    assert matching(documents, terms, fields) == world.ids(*tagged, *text_matches)


def test_documents_carry_every_name_and_synonym_of_their_topics(world, documents):
    ana = documents[world.r["ana"].pk]
    assert ana["topic"] == ["recycling-and-circular-supply-chains"]  # the slug, unchanged
    assert {
        "Recycling and circular supply chains",
        "Reciclaje y cadenas de suministro circulares",
        "Reciclagem e cadeias de suprimentos circulares",
        "black mass",
    } <= set(ana["topics"])
    # The parent topic's names are searched too ("terms"), in all three languages.
    assert {"Circular economy", "Economía circular", "Economia circular"} <= set(ana["terms"])
    (entry,) = ana["topic_entries"]
    assert entry["slug"] == "recycling-and-circular-supply-chains"
    assert entry["name_es"] == "Reciclaje y cadenas de suministro circulares"
    assert entry["name_pt"] == "Reciclagem e cadeias de suprimentos circulares"
    assert "Reciclaje y cadenas de suministro circulares" in entry["suggest"]
    assert "masa negra" in entry["suggest"]
    # Every field the builder writes is mapped (the mapping is strict).
    mapping = researcher_index("x").to_dict()["mappings"]["properties"]
    assert set(entry) <= set(mapping["topic_entries"]["properties"])


def test_an_untranslated_topic_is_labelled_in_english(world, documents):
    topic = Topic.objects.create(name="Thermal runaway", slug="thermal-runaway")
    page = ResearcherPage.objects.get(pk=world.r["emily"].pk)
    page.topics.add(topic)
    page.save()
    (entry,) = [
        e
        for e in documents_for([page.pk])[page.pk]["topic_entries"]
        if e["slug"] == "thermal-runaway"
    ]
    assert entry["name_es"] == entry["name_pt"] == "Thermal runaway"


@pytest.mark.parametrize(("language", "field"), list(LABEL_FIELDS.items()))
def test_autocomplete_asks_for_labels_in_the_visitors_language(language, field):
    with translation.override(language):
        body = autocomplete_body(["recic"], 8)
    values = body["aggs"]["topic"]["aggs"]["entries"]["aggs"]["matching"]["aggs"]["values"]
    assert values["terms"]["field"] == "topic_entries.slug"
    assert values["aggs"]["label"]["terms"]["field"] == f"topic_entries.{field}"
    matching_filter = body["aggs"]["topic"]["aggs"]["entries"]["aggs"]["matching"]["filter"]
    assert "topic_entries.suggest" in str(matching_filter)  # any name, any language


def test_autocomplete_answer_is_labelled_as_the_cluster_says(fake):
    with translation.override("es"):
        fake.on(
            "POST",
            f"/{ALIAS}/_search",
            search_response(
                aggregations={
                    "topic": {
                        "entries": {
                            "matching": {
                                "values": {
                                    "buckets": [
                                        {
                                            "key": "recycling-and-circular-supply-chains",
                                            "doc_count": 2,
                                            "label": {
                                                "buckets": [
                                                    {
                                                        "key": "Reciclaje y cadenas de "
                                                        "suministro circulares",
                                                        "doc_count": 2,
                                                    }
                                                ]
                                            },
                                        }
                                    ]
                                }
                            }
                        }
                    }
                }
            ),
        )
        found = engine_on(fake).autocomplete("recyc")
    (topic,) = [s for s in found if s.kind == "topic"]
    assert topic.label == "Reciclaje y cadenas de suministro circulares"
    assert topic.url.endswith("/recycling-and-circular-supply-chains/")
    assert suggestions({}, 8) == []


@pytest.mark.parametrize(
    ("language", "topic", "spoken", "country"),
    [
        ("en", "Direct lithium extraction", "Spanish", "Chile"),
        ("es", "Extracción directa de litio", "Español", "Chile"),
        ("pt-br", "Extração direta de lítio", "Espanhol", "Chile"),
    ],
)
def test_facet_labels_follow_the_language(language, topic, spoken, country):
    aggregations = {
        "_filter_topic": {
            "topic": {"buckets": [{"key": "direct-lithium-extraction", "doc_count": 3}]}
        },
        "_filter_language": {"language": {"buckets": [{"key": "es", "doc_count": 4}]}},
        "_filter_country": {"country": {"buckets": [{"key": "cl", "doc_count": 2}]}},
    }
    with translation.override(language):
        facets = facets_from(aggregations, SearchQuery())
    assert [(v.value, v.label) for v in facets["topic"]] == [("direct-lithium-extraction", topic)]
    assert [(v.value, v.label) for v in facets["language"]] == [("es", spoken)]
    assert [(v.value, v.label) for v in facets["country"]] == [("CL", country)]


def test_renaming_a_topic_reindexes_its_researchers_in_elasticsearch(fake, world, monkeypatch):
    """A topic's new synonym reaches the documents of everyone tagged with it, through
    the re-index task (batched index tasks), on the configured engine."""
    cluster = FakeCluster(fake)
    cluster.create("researchers-old", aliases=[ALIAS])
    monkeypatch.setattr("search.tasks.get_engine", lambda: engine_on(fake))
    topic = Topic.objects.get(slug="second-life")
    topic.synonyms += "\nalmacenamiento estacionario"
    topic.save()
    written = cluster.docs_behind(ALIAS)
    second_life = world.ids("halvorsen_name", "halvorsen_institution", "halvorsen_bio")
    assert {int(pk) for pk in written} == second_life
    for doc in written.values():
        assert "almacenamiento estacionario" in doc["topics"]
