"""The requests the Elasticsearch engine sends: search, autocomplete and similar
researchers (search/engines/es_queries.py), recorded by a fake transport under the
real client. Shared fixtures are in conftest.py.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from search.engines.elasticsearch import ElasticsearchEngine
from search.engines.es_documents import MARK_END, MARK_START
from search.engines.es_queries import OTHER_REGION_BOOST
from search.types import MAX_PAGE_SIZE, SearchQuery
from tests.fakes.elasticsearch import FakeElasticsearch, search_response
from tests.search.es_support import ALIAS, engine_on

pytestmark = pytest.mark.usefixtures("signals_on_database_engine")


@pytest.fixture
def engine(fake) -> ElasticsearchEngine:
    return engine_on(fake)


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
def test_the_last_word_also_matches_as_a_prefix_with_a_lower_boost(fake, engine):
    fake.on("POST", f"/{ALIAS}/_search", search_response())
    engine.search(SearchQuery(text="lithium catho"))
    should = sent_search(fake)["query"]["bool"]["should"]
    assert should[0]["multi_match"]["query"] == "lithium catho"  # the normal match
    prefix = should[-1]["bool"]
    assert prefix["boost"] < 1
    leading, last = prefix["must"]
    # Earlier words are whole words, required as in the normal match.
    assert leading["multi_match"]["query"] == "lithium"
    assert leading["multi_match"]["operator"] == "and"
    assert leading["multi_match"]["type"] == "cross_fields"
    # The last word begins a word of a name, topic, keyword, biography...
    assert last["multi_match"]["query"] == "catho"
    assert last["multi_match"]["type"] == "phrase_prefix"
    assert {"name", "family_name", "topics", "keywords", "biography"} <= set(
        last["multi_match"]["fields"]
    )


@pytest.mark.django_db
def test_one_word_is_a_prefix_on_its_own(fake, engine):
    fake.on("POST", f"/{ALIAS}/_search", search_response())
    engine.search(SearchQuery(text="Acost"))
    prefix = sent_search(fake)["query"]["bool"]["should"][-1]["bool"]
    assert [clause["multi_match"]["query"] for clause in prefix["must"]] == ["acost"]


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
