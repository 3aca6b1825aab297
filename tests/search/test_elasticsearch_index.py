"""The Elasticsearch engine at the HTTP layer, with a fake transport (always run),
and against a real cluster (only when ELASTICSEARCH_URL is set and answers).

The fake (`tests.fakes.elasticsearch`) stands in for the server under the real
client, so these tests see exactly what would go over the wire: the index
definition, the queries, the bulk writes and the alias swaps, and they feed canned
responses back through the engine's parsing.
"""

from __future__ import annotations

import json
import os
import uuid
from typing import Any

import pytest
from django.urls import reverse
from wagtail.models import PageViewRestriction

from directory.choices import CareerStage
from directory.models import Language, ResearcherPage
from search.engines.elasticsearch import ElasticsearchEngine
from search.engines.es_documents import (
    MARK_END,
    MARK_START,
    document_for,
    documents_for,
    researcher_index,
)
from search.engines.es_index import IndexWriteError
from search.engines.es_queries import OTHER_REGION_BOOST
from search.types import FACETS, MAX_PAGE_SIZE, FacetValue, Hit, SearchQuery, SearchResults
from tests.factories import (
    InstitutionFactory,
    ResearcherPageFactory,
    ResearcherPublicationFactory,
    TopicFactory,
)
from tests.fakes.elasticsearch import (
    FakeCluster,
    FakeElasticsearch,
    FakeResponse,
    bulk_ok,
    search_response,
)

ALIAS = "researchers"
REBUILDING = "researchers-rebuilding"


@pytest.fixture(autouse=True)
def _database_engine_for_signals(request, settings):
    """Saving a profile indexes it through `get_engine()`: keep that on the database
    engine here, so a real cluster named in the environment is never written to by
    the fake-transport tests."""
    if request.node.get_closest_marker("live_elasticsearch") is None:
        settings.ELASTICSEARCH_URL = ""


@pytest.fixture
def fake() -> FakeElasticsearch:
    return FakeElasticsearch()


@pytest.fixture
def engine(fake) -> ElasticsearchEngine:
    return ElasticsearchEngine(client=fake.client(), index=ALIAS)


@pytest.fixture
def cluster(fake) -> FakeCluster:
    """A cluster whose live alias points at an index built earlier."""
    cluster = FakeCluster(fake)
    cluster.create("researchers-old", aliases=[ALIAS])
    cluster.docs["researchers-old"]["999999"] = {"name": "Someone long gone"}
    return cluster


@pytest.fixture
def people(db) -> dict[str, ResearcherPage]:
    """Three profiles: two in Chile, one in the UK."""
    electrolytes = TopicFactory(name="Solid-state electrolytes", slug="es-electrolytes")
    brines = TopicFactory(name="Lithium brines", slug="es-brines")
    chile = InstitutionFactory(name="Universidad de Chile", acronym="UCH", country="CL")
    oxford = InstitutionFactory(name="University of Oxford", acronym="", country="GB")
    jose = ResearcherPageFactory(
        given_name="José",
        family_name="Pérez",
        title="José Pérez",
        job_title="Investigador",
        institution=chile,
        career_stage=CareerStage.EARLY,
        topics=[electrolytes, brines],
        languages=[Language.objects.get(code="es")],
        biography="<p>Trabaja en <b>baterías</b> de litio &amp; sodio.</p><p>Segundo</p>",
        open_to_collaboration=True,
    )
    jose.keywords.add("salmueras")
    jose.save()
    ResearcherPublicationFactory(page=jose, title="Brines of the Atacama")
    ana = ResearcherPageFactory(
        given_name="Ana",
        family_name="Álvarez",
        title="Ana Álvarez",
        institution=chile,
        topics=[brines],
    )
    emily = ResearcherPageFactory(
        given_name="Emily",
        family_name="Clarke",
        title="Emily Clarke",
        institution=oxford,
        topics=[electrolytes],
    )
    return {"jose": jose, "ana": ana, "emily": emily}


def mapping_of(index_dict: dict[str, Any]) -> dict[str, Any]:
    return index_dict["mappings"]["properties"]


# --------------------------------------------------------------------------------------
# The index definition
# --------------------------------------------------------------------------------------


def test_index_settings_have_folding_and_language_analyzers():
    definition = researcher_index("researchers-1").to_dict()
    analysis = definition["settings"]["analysis"]
    analyzers, filters = analysis["analyzer"], analysis["filter"]

    assert analyzers["folding"] == {
        "type": "custom",
        "tokenizer": "standard",
        "filter": ["lowercase", "asciifolding"],
    }
    stemmers = {
        "english_folding": "english",
        "spanish_folding": "spanish",
        "portuguese_folding": "portuguese",
    }
    for name, language in stemmers.items():
        chain = analyzers[name]["filter"]
        assert chain[-1] == "asciifolding", "stemmed sub-fields fold accents too"
        stemmer = next(
            f
            for f in chain
            if filters.get(f, {}).get("type") == "stemmer" and filters[f]["language"] == language
        )
        assert stemmer
        assert any(filters.get(f, {}).get("type") == "stop" for f in chain)
    assert analysis["normalizer"]["keyword_folding"] == {
        "type": "custom",
        "filter": ["lowercase", "asciifolding"],
    }
    assert definition["settings"]["number_of_shards"] == 1


def test_mapping_fields():
    definition = researcher_index("researchers-1").to_dict()
    assert definition["mappings"]["dynamic"] == "strict"
    fields = mapping_of(definition)

    for name in (
        "name",
        "job_title",
        "institution_name",
        "topics",
        "keywords",
        "terms",
        "biography",
        "publications",
    ):
        assert fields[name]["type"] == "text"
        assert fields[name]["analyzer"] == "folding"
        assert {k: v["analyzer"] for k, v in fields[name]["fields"].items()} == {
            "english": "english_folding",
            "spanish": "spanish_folding",
            "portuguese": "portuguese_folding",
        }
    for name in ("given_name", "family_name"):
        assert fields[name] == {"type": "text", "analyzer": "folding"}
    for facet in FACETS:
        assert fields[facet] == {"type": "keyword", "normalizer": "keyword_folding"}
    assert fields["name_sort"] == {"type": "keyword", "normalizer": "keyword_folding"}
    assert fields["updated"] == {"type": "date"}
    assert fields["region"] == {"type": "keyword"}
    # Autocomplete: search-as-you-type fields, folded; topics nested to tell them apart.
    assert fields["name_suggest"] == {"type": "search_as_you_type", "analyzer": "folding"}
    assert fields["institution_suggest"] == {"type": "search_as_you_type", "analyzer": "folding"}
    assert fields["topic_entries"]["type"] == "nested"
    assert fields["topic_entries"]["properties"]["suggest"]["type"] == "search_as_you_type"


# --------------------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_document_from_profile(people):
    jose = ResearcherPage.objects.get(pk=people["jose"].pk)
    doc = documents_for([jose.pk])[jose.pk]

    assert doc["id"] == jose.pk
    assert doc["url"] == jose.get_url()
    assert doc["name"] == "José Pérez"
    assert (doc["given_name"], doc["family_name"]) == ("José", "Pérez")
    assert doc["biography"] == "Trabaja en baterías de litio & sodio. Segundo"
    assert doc["topic"] == ["es-brines", "es-electrolytes"] or doc["topic"] == [
        "es-electrolytes",
        "es-brines",
    ]
    assert dict(zip(doc["topic"], doc["topics"], strict=True)) == {
        "es-electrolytes": "Solid-state electrolytes",
        "es-brines": "Lithium brines",
    }
    assert doc["keywords"] == ["salmueras"] == doc["keyword"]
    assert doc["publications"] == ["Brines of the Atacama"]
    assert doc["country"] == "CL"
    assert doc["region"] == "latam"
    assert doc["institution"] == jose.institution.slug
    assert doc["career_stage"] == "early-career"
    assert doc["language"] == ["es"]
    assert doc["open_to"] == ["collaboration"]
    assert doc["name_sort"] == "perez jose"
    assert "Chile" in doc["terms"] and "Universidad de Chile" in doc["terms"]
    assert doc["name_suggest"][0] == "José Pérez"
    assert doc["institution_suggest"] == "Universidad de Chile UCH"
    assert {e["slug"]: e["name"] for e in doc["topic_entries"]}["es-brines"] == "Lithium brines"
    # The mapping is strict: every field the builder writes must be mapped.
    assert set(doc) <= set(mapping_of(researcher_index("x").to_dict()))


@pytest.mark.django_db
def test_documents_skip_unpublished_profiles(people):
    people["ana"].unpublish()
    docs = documents_for([people["jose"].pk, people["ana"].pk, 987654])
    assert set(docs) == {people["jose"].pk}


@pytest.mark.django_db
def test_documents_are_built_with_a_fixed_number_of_queries(people, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pks = [p.pk for p in people.values()]
    with CaptureQueriesContext(connection) as one:
        documents_for(pks[:1])
    with CaptureQueriesContext(connection) as three:
        documents_for(pks)
    assert len(three) == len(one)


@pytest.mark.django_db
def test_highlight_markers_are_stripped_from_indexed_text(people):
    jose = people["jose"]
    jose.job_title = f"Evil {MARK_START}title{MARK_END}"
    jose.save()
    doc = document_for(ResearcherPage.objects.get(pk=jose.pk))
    assert doc["job_title"] == "Evil title"


# --------------------------------------------------------------------------------------
# The search request
# --------------------------------------------------------------------------------------


def sent_search(fake: FakeElasticsearch) -> dict[str, Any]:
    return fake.last("POST", f"/{ALIAS}/_search").body


@pytest.mark.django_db
def test_search_request_for_text_and_two_facets(fake, engine):
    fake.on("POST", f"/{ALIAS}/_search", search_response())
    engine.search(
        SearchQuery(
            text="Who works on baterías in Chile?",
            topic=("es-electrolytes",),
            country=("CL", "GB"),
            page=2,
            page_size=10,
        )
    )
    body = sent_search(fake)
    topic_filter = {"terms": {"topic": ["es-electrolytes"]}}
    country_filter = {"terms": {"country": ["CL", "GB"]}}

    # Hits: post-filtered by every selected facet.
    assert body["post_filter"] == {"bool": {"must": [topic_filter, country_filter]}}
    # Each facet's counts: filtered by the *other* selected facets only.
    aggs = body["aggs"]
    assert aggs["_filter_topic"]["filter"] == country_filter
    assert aggs["_filter_country"]["filter"] == topic_filter
    assert aggs["_filter_career_stage"]["filter"] == {
        "bool": {"must": [topic_filter, country_filter]}
    }
    assert aggs["_filter_topic"]["aggs"]["topic"]["terms"]["field"] == "topic"
    # Selected values get exact counts even outside the top buckets (folded keys).
    assert aggs["_filter_country"]["aggs"]["country_selected"]["terms"]["include"] == ["cl", "gb"]

    # Text: the shared search terms (question filler dropped), every term required,
    # on boosted fields; names above topics/institutions/keywords above biography.
    should = body["query"]["bool"]["should"]
    main = should[0]["multi_match"]
    assert main["query"] == "baterias chile"
    assert main["operator"] == "and"
    boosts = {f.split("^")[0]: float(f.split("^")[1]) if "^" in f else 1.0 for f in main["fields"]}
    assert boosts["name"] > boosts["topics"] == boosts["institution_name"] == boosts["keywords"]
    assert boosts["keywords"] > boosts["job_title"] > boosts["biography"]
    stemmed = [c["multi_match"]["fields"] for c in should[1:4]]
    assert [fields[0] for fields in stemmed] == [
        "name.english^10",
        "name.spanish^10",
        "name.portuguese^10",
    ]
    assert not json.dumps(body["query"]).count("query_string"), "no Lucene syntax parsing"

    assert body["highlight"]["pre_tags"] == [MARK_START]
    assert body["highlight"]["post_tags"] == [MARK_END]
    assert "biography" in body["highlight"]["fields"]
    assert body["sort"] == ["_score", {"name_sort": "asc"}, {"id": "asc"}]
    assert (body["from"], body["size"]) == (10, 10)
    assert body["track_total_hits"] is True


@pytest.mark.django_db
def test_search_without_text_matches_all_and_sorts_by_name(fake, engine):
    fake.on("POST", f"/{ALIAS}/_search", search_response())
    engine.search(SearchQuery(text="the of", sort="relevance"))
    body = sent_search(fake)
    assert "query" not in body
    assert "post_filter" not in body
    assert body["sort"] == [{"name_sort": "asc"}, {"id": "asc"}]


@pytest.mark.django_db
def test_search_sort_by_updated(fake, engine):
    fake.on("POST", f"/{ALIAS}/_search", search_response())
    engine.search(SearchQuery(text="lithium", sort="updated"))
    assert sent_search(fake)["sort"][0] == {"updated": {"order": "desc", "missing": "_last"}}


@pytest.mark.django_db
def test_page_size_and_result_window_are_capped(fake, engine):
    fake.on("POST", f"/{ALIAS}/_search", search_response())
    results = engine.search(SearchQuery(page_size=5000))
    assert sent_search(fake)["size"] == MAX_PAGE_SIZE
    assert results.query.page_size == MAX_PAGE_SIZE

    engine.search(SearchQuery(page=101, page_size=100))
    body = sent_search(fake)
    assert body["from"] + body["size"] <= 10_000
    assert body["size"] == 0  # past the window: counts and facets, no page of hits


# --------------------------------------------------------------------------------------
# Parsing a response
# --------------------------------------------------------------------------------------


def canned_hit(doc: dict[str, Any], highlight: dict[str, list[str]] | None = None) -> dict:
    source = {
        k: doc[k]
        for k in ("id", "url", "name", "job_title", "institution_name", "country", "topic")
    }
    hit = {"_index": "researchers-1", "_id": str(doc["id"]), "_score": 3.2, "_source": source}
    if highlight is not None:
        hit["highlight"] = highlight
    return hit


def buckets(*pairs: tuple[str, int]) -> dict[str, Any]:
    return {"buckets": [{"key": key, "doc_count": count} for key, count in pairs]}


@pytest.mark.django_db
def test_canned_response_is_parsed_into_search_results(fake, engine, people):
    jose = people["jose"]
    doc = documents_for([jose.pk])[jose.pk]
    fragment = f"Trabaja en {MARK_START}baterías{MARK_END} <script>alert(1)</script>"
    aggregations = {
        "_filter_topic": {
            "doc_count": 3,
            "topic": buckets(("es-brines", 2), ("es-electrolytes", 2), ("gone-topic", 1)),
        },
        "_filter_country": {
            "doc_count": 3,
            "country": buckets(("cl", 2), ("gb", 1)),
            "country_selected": buckets(("cl", 2)),
        },
        "_filter_institution": {"doc_count": 3, "institution": buckets((doc["institution"], 2))},
        "_filter_career_stage": {"doc_count": 3, "career_stage": buckets(("early-career", 3))},
        "_filter_language": {"doc_count": 3, "language": buckets(("es", 1))},
        "_filter_open_to": {
            "doc_count": 3,
            "open_to": buckets(("collaboration", 1)),
            "open_to_selected": buckets(),
        },
    }
    fake.on(
        "POST",
        f"/{ALIAS}/_search",
        search_response(
            hits=[canned_hit(doc, {"biography": [fragment]})], total=42, aggregations=aggregations
        ),
    )
    results = engine.search(SearchQuery(text="baterias", country=("CL",), open_to=("mentoring",)))

    assert isinstance(results, SearchResults)
    assert results.engine == "elasticsearch"
    assert results.total == 42
    assert results.hits == [
        Hit(
            id=jose.pk,
            name="José Pérez",
            url=jose.get_url(),
            job_title="Investigador",
            institution="Universidad de Chile",
            country="CL",
            topics=doc["topic"],
            snippet="Trabaja en <mark>baterías</mark> &lt;script&gt;alert(1)&lt;/script&gt;",
        )
    ]
    assert list(results.facets) == list(FACETS)
    assert results.facets["country"] == [
        FacetValue("CL", "Chile", 2, True),
        FacetValue("GB", "United Kingdom", 1, False),
    ]
    # Count first, then label; an unknown value is its own label.
    assert results.facets["topic"] == [
        FacetValue("es-brines", "Lithium brines", 2, False),
        FacetValue("es-electrolytes", "Solid-state electrolytes", 2, False),
        FacetValue("gone-topic", "gone-topic", 1, False),
    ]
    assert results.facets["institution"] == [
        FacetValue(doc["institution"], "Universidad de Chile", 2, False)
    ]
    assert results.facets["career_stage"] == [
        FacetValue("early-career", "Early-career researcher", 3, False)
    ]
    assert results.facets["language"][0].label == Language.objects.get(code="es").name
    # A selected value without hits is still listed, so it can be unselected.
    assert results.facets["open_to"] == [
        FacetValue("collaboration", "Collaboration", 1, False),
        FacetValue("mentoring", "Mentoring", 0, True),
    ]


@pytest.mark.django_db
def test_snippet_without_a_match_is_the_start_of_the_biography(fake, engine, people):
    doc = documents_for([people["jose"].pk])[people["jose"].pk]
    fake.on(
        "POST",
        f"/{ALIAS}/_search",
        search_response(hits=[canned_hit(doc, {"biography": ["Trabaja en <b>x</b>"]})]),
    )
    [hit] = engine.search(SearchQuery(text="Pérez")).hits
    assert hit.snippet == "Trabaja en &lt;b&gt;x&lt;/b&gt;"


@pytest.mark.django_db
def test_hits_have_the_shape_the_database_engine_gives(fake, engine, people):
    """Same profiles, same fields: the database engine's hits and ours agree."""
    from search.engines.database import DatabaseEngine

    database = DatabaseEngine()
    database.rebuild()
    expected = database.search(SearchQuery(sort="name"))

    docs = documents_for([p.pk for p in people.values()])
    ordered = sorted(docs.values(), key=lambda d: (d["name_sort"], d["id"]))
    fake.on("POST", f"/{ALIAS}/_search", search_response(hits=[canned_hit(d) for d in ordered]))
    ours = engine.search(SearchQuery(sort="name"))

    def shape(hit: Hit) -> tuple:
        return (
            hit.id,
            hit.name,
            hit.url,
            hit.job_title,
            hit.institution,
            hit.country,
            sorted(hit.topics),
        )

    assert [shape(h) for h in ours.hits] == [shape(h) for h in expected.hits]
    assert set(ours.facets) == set(expected.facets)


# --------------------------------------------------------------------------------------
# Autocomplete
# --------------------------------------------------------------------------------------


def test_autocomplete_request(fake, engine):
    fake.on("POST", f"/{ALIAS}/_search", search_response())
    engine.autocomplete("Jo Pér", limit=5)
    body = sent_search(fake)
    # Every typed word must begin a word of the name ("jo per" finds José Pérez).
    assert body["query"] == {
        "bool": {
            "must": [
                {"match_bool_prefix": {"name_suggest": {"query": "jo", "operator": "and"}}},
                {"match_bool_prefix": {"name_suggest": {"query": "per", "operator": "and"}}},
            ]
        }
    }
    assert body["size"] == 5
    topics = body["aggs"]["topic"]
    assert topics["global"] == {}
    nested = topics["aggs"]["entries"]
    assert nested["nested"] == {"path": "topic_entries"}
    assert nested["aggs"]["matching"]["filter"]["bool"]["must"][0] == {
        "match_bool_prefix": {"topic_entries.suggest": {"query": "jo", "operator": "and"}}
    }
    institutions = body["aggs"]["institution"]["aggs"]["matching"]
    assert institutions["aggs"]["values"]["terms"]["field"] == "institution"


def test_autocomplete_parses_names_topics_and_institutions(fake, engine):
    def label(name: str) -> dict:
        return {"buckets": [{"key": name, "doc_count": 1}]}

    response = search_response(
        hits=[
            {"_id": "1", "_source": {"name": "José Pérez", "url": "/directory/jose-perez/"}},
            {"_id": "2", "_source": {"name": "Josefa Lima", "url": "/directory/josefa-lima/"}},
            {"_id": "3", "_source": {"name": "Jost Pe", "url": "/directory/jost-pe/"}},
        ],
        aggregations={
            "topic": {
                "doc_count": 9,
                "entries": {
                    "doc_count": 12,
                    "matching": {
                        "doc_count": 3,
                        "values": {
                            "buckets": [
                                {"key": "zinc", "doc_count": 5, "label": label("Zinc joints")},
                                {"key": "jo-a", "doc_count": 1, "label": label("Joining")},
                                {"key": "jo-b", "doc_count": 1, "label": label("Jolts")},
                            ]
                        },
                    },
                },
            },
            "institution": {
                "doc_count": 9,
                "matching": {
                    "doc_count": 2,
                    "values": {
                        "buckets": [
                            {"key": "uj", "doc_count": 2, "label": label("Universidad de Jo")}
                        ]
                    },
                },
            },
        },
    )
    fake.on("POST", f"/{ALIAS}/_search", response)
    suggestions = engine.autocomplete("jo", limit=5)
    assert [(s.kind, s.label, s.url) for s in suggestions] == [
        ("researcher", "José Pérez", "/directory/jose-perez/"),
        ("researcher", "Josefa Lima", "/directory/josefa-lima/"),
        ("topic", "Joining", reverse("directory:topic", kwargs={"slug": "jo-a"})),
        ("topic", "Jolts", reverse("directory:topic", kwargs={"slug": "jo-b"})),
        ("institution", "Universidad de Jo", reverse("directory:institution", args=["uj"])),
    ]


def test_autocomplete_of_too_little_text_asks_nothing(fake, engine):
    assert engine.autocomplete("j") == []
    assert engine.autocomplete("  ¿? ") == []
    assert fake.requests == []


# --------------------------------------------------------------------------------------
# Similar researchers
# --------------------------------------------------------------------------------------


def test_similar_excludes_self_and_puts_the_other_region_first(fake, engine):
    fake.on(
        "GET",
        f"/{ALIAS}/_doc/7",
        {
            "_id": "7",
            "found": True,
            "_source": {"topic": ["es-brines"], "keyword": ["salmueras"], "region": "uk"},
        },
    )
    hit = {"_source": {"id": 8, "name": "Ana", "url": "/a/", "topic": ["es-brines"]}}
    fake.on(
        "POST",
        f"/{ALIAS}/_search",
        search_response(hits=[{"_id": "7", "_source": {"id": 7}}, {"_id": "8", **hit}]),
    )
    similar = engine.similar(7, limit=4)
    assert [h.id for h in similar] == [8]

    body = sent_search(fake)
    assert body["size"] == 4
    score = body["query"]["function_score"]
    assert score["functions"] == [
        {"filter": {"term": {"region": "latam"}}, "weight": OTHER_REGION_BOOST}
    ]
    assert score["boost_mode"] == "sum"
    inner = score["query"]["bool"]
    assert inner["must_not"] == [{"ids": {"values": ["7"]}}]
    mlt = inner["should"][0]["more_like_this"]
    assert mlt["like"] == [{"_index": ALIAS, "_id": "7"}]
    assert set(mlt["fields"]) == {"topic", "topics", "keywords", "biography"}
    assert mlt["min_term_freq"] == mlt["min_doc_freq"] == 1
    # Candidates share a topic or a keyword, as on the database engine.
    assert inner["filter"] == [
        {
            "bool": {
                "should": [
                    {"terms": {"topic": ["es-brines"]}},
                    {"terms": {"keyword": ["salmueras"]}},
                ],
                "minimum_should_match": 1,
            }
        }
    ]


def test_similar_for_latin_america_favours_the_uk(fake, engine):
    fake.on(
        "GET", f"/{ALIAS}/_doc/3", {"found": True, "_source": {"topic": ["x"], "region": "latam"}}
    )
    fake.on("POST", f"/{ALIAS}/_search", search_response())
    engine.similar(3)
    functions = sent_search(fake)["query"]["function_score"]["functions"]
    assert functions[0]["filter"] == {"term": {"region": "uk"}}


def test_similar_outside_both_regions_has_no_region_boost(fake, engine):
    fake.on("GET", f"/{ALIAS}/_doc/3", {"found": True, "_source": {"topic": ["x"], "region": ""}})
    fake.on("POST", f"/{ALIAS}/_search", search_response())
    engine.similar(3)
    assert "bool" in sent_search(fake)["query"]


def test_similar_of_an_unindexed_or_unconnected_researcher_is_empty(fake, engine):
    fake.on("GET", f"/{ALIAS}/_doc/5", {"_id": "5", "found": False}, status=404)
    fake.on("GET", f"/{ALIAS}/_doc/6", {"found": True, "_source": {"topic": [], "region": "uk"}})
    assert engine.similar(5) == []
    assert engine.similar(6) == []
    assert fake.find("POST") == []


# --------------------------------------------------------------------------------------
# Index writes
# --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_index_researchers_writes_through_the_live_alias(fake, engine, cluster, people):
    people["ana"].unpublish()
    engine.index_researchers([people["jose"].pk, people["ana"].pk])

    assert fake.last("HEAD", f"/_alias/{REBUILDING}")
    bulk = fake.last("*", "/_bulk")
    assert bulk.params["require_alias"] == "true"
    assert bulk.params["refresh"] == "wait_for"  # searchable when the task ends
    operations = [(op, meta["_index"], meta["_id"]) for op, meta, _ in bulk.bulk_operations()]
    assert operations == [
        ("index", ALIAS, str(people["jose"].pk)),
        ("delete", ALIAS, str(people["ana"].pk)),  # unpublished: out of the index
    ]
    live = cluster.docs_behind(ALIAS)
    assert live[str(people["jose"].pk)]["name"] == "José Pérez"
    assert str(people["ana"].pk) not in live


@pytest.mark.django_db
def test_remove_researchers_of_unknown_documents_is_fine(fake, engine, cluster):
    engine.remove_researchers([123456])
    [(op, meta, _)] = fake.last("*", "/_bulk").bulk_operations()
    assert (op, meta["_index"]) == ("delete", ALIAS)


@pytest.mark.django_db
def test_rejected_documents_raise_so_the_task_fails(fake, engine, cluster, people):
    cluster.bulk_outcome = lambda op, meta, source: (
        400,
        {"error": {"type": "document_parsing_exception", "reason": "bad"}},
    )
    with pytest.raises(IndexWriteError, match="document_parsing_exception"):
        engine.index_researchers([people["jose"].pk])


@pytest.mark.django_db
def test_writes_when_elasticsearch_is_down_raise(fake, engine, people):
    from elastic_transport import ConnectionError

    fake.fail()
    with pytest.raises(ConnectionError):
        engine.index_researchers([people["jose"].pk])


@pytest.mark.django_db
def test_writes_before_any_index_exists_are_skipped_with_a_warning(fake, engine, people, caplog):
    FakeCluster(fake)  # nothing built yet
    engine.index_researchers([people["jose"].pk])
    assert "search_index --rebuild" in caplog.text


@pytest.mark.django_db
def test_index_researchers_deletes_profiles_behind_a_view_restriction(
    fake, engine, cluster, people
):
    PageViewRestriction.objects.create(
        page=people["ana"], restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    engine.index_researchers([people["jose"].pk, people["ana"].pk])

    operations = [(op, meta["_id"]) for op, meta, _ in fake.last("*", "/_bulk").bulk_operations()]
    assert operations == [("index", str(people["jose"].pk)), ("delete", str(people["ana"].pk))]
    assert str(people["ana"].pk) not in cluster.docs_behind(ALIAS)


@pytest.mark.django_db
def test_restriction_signals_reindex_the_subtree_in_elasticsearch(
    fake, engine, cluster, people, monkeypatch
):
    """Saving or deleting a restriction reaches the configured engine: here the
    Elasticsearch engine, on the fake transport."""
    monkeypatch.setattr("search.tasks.get_engine", lambda: engine)
    ana = people["ana"]
    restriction = PageViewRestriction.objects.create(
        page=ana, restriction_type=PageViewRestriction.LOGIN
    )
    assert [(op, meta["_id"]) for op, meta, _ in fake.last("*", "/_bulk").bulk_operations()] == [
        ("delete", str(ana.pk))
    ]
    restriction.delete()
    assert cluster.docs_behind(ALIAS)[str(ana.pk)]["name"] == "Ana Álvarez"

    PageViewRestriction.objects.create(
        page=ana.get_parent(), restriction_type=PageViewRestriction.LOGIN
    )
    deleted = {meta["_id"] for op, meta, _ in fake.last("*", "/_bulk").bulk_operations()}
    assert deleted == {str(page.pk) for page in people.values()}
    assert not set(cluster.docs_behind(ALIAS)) & deleted


# --------------------------------------------------------------------------------------
# Rebuild: a new index, loaded, then the alias swapped in one request
# --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rebuild_builds_a_new_index_and_swaps_the_alias_atomically(fake, engine, cluster, people):
    progress: list[tuple[int, int]] = []
    count = engine.rebuild(lambda done, total: progress.append((done, total)))

    assert count == 3
    assert progress[0] == (0, 3) and progress[-1] == (3, 3)
    [new] = cluster.behind(ALIAS)
    assert new.startswith("researchers-") and new != "researchers-old"
    assert fake.summary() == [
        f"GET /{REBUILDING}/_alias",  # an unfinished rebuild to take over?
        f"PUT /{new}",  # the new index
        "POST /_aliases",  # reachable for live writes while loading
        "PUT /_bulk",  # the load
        f"PUT /{new}/_settings",  # refreshes back on
        f"POST /{new}/_refresh",
        f"GET /{ALIAS}/_alias",  # what the alias points at now
        "POST /_aliases",  # the swap
        "DELETE /researchers-old",
    ]
    created = fake.last("PUT", f"/{new}").body
    expected = researcher_index(new).to_dict()
    assert created["mappings"] == expected["mappings"]
    assert created["settings"] == {**expected["settings"], "refresh_interval": "-1"}

    loading = fake.find("POST", "/_aliases")[0].body["actions"]
    assert loading == [{"add": {"index": new, "alias": REBUILDING}}]
    bulk = fake.last("*", "/_bulk")
    assert bulk.params["require_alias"] == "true"
    assert {(op, meta["_index"]) for op, meta, _ in bulk.bulk_operations()} == {
        ("create", REBUILDING)
    }
    # remove + add (+ the rebuild marker) in ONE request: no moment without an index.
    swap = fake.find("POST", "/_aliases")[1].body["actions"]
    assert swap == [
        {"remove": {"index": "researchers-old", "alias": ALIAS}},
        {"add": {"index": new, "alias": ALIAS}},
        {"remove": {"index": new, "alias": REBUILDING, "must_exist": True}},
    ]
    assert set(cluster.indices) == {new}
    assert set(cluster.docs[new]) == {str(p.pk) for p in people.values()}
    assert cluster.behind(REBUILDING) == set()


@pytest.mark.django_db
def test_rebuild_leaves_out_profiles_behind_a_view_restriction(fake, engine, cluster, people):
    PageViewRestriction.objects.create(
        page=people["emily"], restriction_type=PageViewRestriction.LOGIN
    )
    assert engine.rebuild() == 2
    assert set(cluster.docs_behind(ALIAS)) == {str(people["jose"].pk), str(people["ana"].pk)}


@pytest.mark.django_db
def test_changes_during_a_rebuild_reach_the_new_index(fake, engine, cluster, people):
    """An edit and an unpublish land while the rebuild's batch is in flight.

    The batch was read before both: the edit's write must survive the batch's
    stale copy (create: 409), and the unpublished profile must not reappear.
    """
    jose, ana = people["jose"], people["ana"]

    def edit_while_loading(request):
        # The rebuild's own load carries no refresh parameter; live writes do.
        if request.params.get("refresh") is None:
            ResearcherPage.objects.filter(pk=jose.pk).update(job_title="Profesor titular")
            engine.index_researchers([jose.pk])
            ResearcherPage.objects.filter(pk=ana.pk).update(live=False)
            engine.remove_researchers([ana.pk])
        return cluster._bulk(request)

    fake.on("*", "/_bulk", edit_while_loading, times=1)
    engine.rebuild()

    writes = [r for r in fake.find("*", "/_bulk") if r.params.get("refresh") == "false"]
    assert [
        [(op, meta["_index"], meta["_id"]) for op, meta, _ in r.bulk_operations()] for r in writes
    ] == [
        # The live writes went to both indices, through both aliases...
        [("index", ALIAS, str(jose.pk)), ("index", REBUILDING, str(jose.pk))],
        [("delete", ALIAS, str(ana.pk)), ("delete", REBUILDING, str(ana.pk))],
        # ...and before the swap the rebuild dropped the profile its batch revived.
        [("delete", REBUILDING, str(ana.pk))],
    ]
    live = cluster.docs_behind(ALIAS)
    assert live[str(jose.pk)]["job_title"] == "Profesor titular"
    assert str(ana.pk) not in live
    assert str(people["emily"].pk) in live


@pytest.mark.django_db
def test_failed_rebuild_leaves_the_live_index_alone(fake, engine, cluster, people):
    cluster.bulk_outcome = lambda op, meta, source: (
        (400, {"error": {"type": "document_parsing_exception", "reason": "bad"}})
        if op == "create"
        else None
    )
    with pytest.raises(IndexWriteError):
        engine.rebuild()
    assert cluster.behind(ALIAS) == {"researchers-old"}
    assert set(cluster.indices) == {"researchers-old"}
    assert cluster.behind(REBUILDING) == set()


@pytest.mark.django_db
def test_rebuild_taken_over_by_another_does_not_swap(fake, engine, cluster, people):
    def stolen(request):
        # Another rebuild moved the marker to its own index meanwhile.
        cluster.create("researchers-other")
        cluster.aliases[REBUILDING] = {"researchers-other"}
        return cluster._bulk(request)

    fake.on("*", "/_bulk", stolen, times=1)
    with pytest.raises(Exception, match="aliases_not_found|404"):
        engine.rebuild()
    assert cluster.behind(ALIAS) == {"researchers-old"}
    assert cluster.behind(REBUILDING) == {"researchers-other"}


@pytest.mark.django_db
def test_rebuild_takes_over_an_unfinished_rebuild(fake, engine, cluster, people, caplog):
    cluster.create("researchers-crashed", aliases=[REBUILDING])
    engine.rebuild()
    assert "researchers-crashed" not in cluster.indices
    assert "unfinished rebuild" in caplog.text
    first_aliases = fake.find("POST", "/_aliases")[0].body["actions"]
    assert first_aliases[0] == {"remove_index": {"index": "researchers-crashed"}}


@pytest.mark.django_db
def test_first_rebuild_replaces_an_index_named_like_the_alias(fake, engine, people):
    cluster = FakeCluster(fake)
    cluster.create(ALIAS)  # e.g. auto-created by a stray write before any rebuild
    engine.rebuild()
    swap = fake.find("POST", "/_aliases")[-1].body["actions"]
    assert swap[0] == {"remove_index": {"index": ALIAS}}
    [new] = cluster.behind(ALIAS)
    assert set(cluster.indices) == {new}


@pytest.mark.django_db
def test_rebuild_progress_for_more_than_one_batch(fake, engine, cluster, people, monkeypatch):
    monkeypatch.setattr("search.engines.es_index.BATCH_SIZE", 2)
    monkeypatch.setattr(
        "search.engines.es_index.iter_all_documents",
        lambda batch_size: iter([list(documents_for([p.pk for p in people.values()]).values())]),
    )
    progress: list[tuple[int, int]] = []
    engine.rebuild(lambda done, total: progress.append((done, total)))
    assert progress == [(0, 3), (2, 3), (3, 3)]


def test_response_headers_satisfy_the_client_product_check(fake):
    fake.on("GET", "/", {"version": {"number": "8.19.0"}, "tagline": "You Know, for Search"})
    assert fake.client().info()["version"]["number"] == "8.19.0"


def test_unscripted_requests_fail_loudly(fake):
    with pytest.raises(AssertionError, match="no route"):
        fake.client().info()


def test_fake_responses_can_carry_errors(fake):
    from elasticsearch import NotFoundError

    fake.on("GET", "/", FakeResponse(404, {"error": {"type": "x"}, "status": 404}))
    with pytest.raises(NotFoundError):
        fake.client().info()
    fake.on("*", "/_bulk", bulk_ok)
    result = fake.client().bulk(operations=[{"delete": {"_index": "a", "_id": "1"}}])
    assert result["items"][0]["delete"]["status"] == 200


# --------------------------------------------------------------------------------------
# Live: a real cluster, only when ELASTICSEARCH_URL is set and answers
# --------------------------------------------------------------------------------------

LIVE_SKIP = "ELASTICSEARCH_URL is not set: live Elasticsearch tests skipped"


@pytest.fixture
def live_engine(settings) -> ElasticsearchEngine:
    url = os.environ.get("ELASTICSEARCH_URL", "")
    if not url:
        pytest.skip(LIVE_SKIP)
    alias = f"test-researchers-{uuid.uuid4().hex[:8]}"
    engine = ElasticsearchEngine(url=url, index=alias, timeout=10)
    if not engine.client.ping():
        pytest.skip(f"Elasticsearch at {url} does not answer: live tests skipped")
    # Profiles saved by the tests are indexed by the signals through get_engine():
    # point that at the database, and index explicitly below.
    settings.ELASTICSEARCH_URL = ""
    yield engine
    # Wildcard deletes are refused by default (action.destructive_requires_name).
    for name in engine.client.indices.get(index=f"{alias}-*", expand_wildcards="all"):
        engine.client.options(ignore_status=404).indices.delete(index=name)


@pytest.mark.live_elasticsearch
@pytest.mark.django_db
class TestLiveElasticsearch:
    def test_rebuild_and_search_with_accents(self, live_engine, people):
        assert live_engine.rebuild() == 3
        results = live_engine.search(SearchQuery(text="Jose Perez"))
        assert [h.id for h in results.hits][:1] == [people["jose"].pk]
        assert results.engine == "elasticsearch"
        results = live_engine.search(SearchQuery(text="baterias", country=("CL",)))
        assert people["jose"].pk in [h.id for h in results.hits]
        assert "<mark>" in results.hits[0].snippet

    def test_facets_are_disjunctive(self, live_engine, people):
        live_engine.rebuild()
        results = live_engine.search(SearchQuery(country=("CL",)))
        assert results.total == 2
        counts = {v.value: v.count for v in results.facets["country"]}
        assert counts == {"CL": 2, "GB": 1}

    def test_autocomplete_and_similar(self, live_engine, people):
        live_engine.rebuild()
        labels = [s.label for s in live_engine.autocomplete("jo per")]
        assert "José Pérez" in labels
        assert "Lithium brines" in [s.label for s in live_engine.autocomplete("lith")]
        similar = live_engine.similar(people["emily"].pk)
        assert similar and similar[0].country == "CL"

    def test_index_update_and_rebuild_keep_one_alias(self, live_engine, people):
        live_engine.rebuild()
        jose = people["jose"]
        ResearcherPage.objects.filter(pk=jose.pk).update(job_title="Profesor titular")
        live_engine.index_researchers([jose.pk])
        [hit] = live_engine.search(SearchQuery(text="titular")).hits
        assert hit.id == jose.pk
        live_engine.remove_researchers([jose.pk])
        assert live_engine.search(SearchQuery(text="titular")).total == 0
        live_engine.rebuild()
        assert len(live_engine.aliased_index.indices_behind(live_engine.alias)) == 1
