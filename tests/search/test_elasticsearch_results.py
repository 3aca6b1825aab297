"""The Elasticsearch engine's answers: canned responses parsed into search results
(search/engines/es_results.py) through a fake transport, and the whole engine
against a real cluster (only when ELASTICSEARCH_URL is set and answers).
Shared fixtures are in conftest.py.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest

from directory.models import Language, ResearcherPage
from search.engines.elasticsearch import ElasticsearchEngine
from search.engines.es_documents import MARK_END, MARK_START, documents_for
from search.types import FACETS, FacetValue, Hit, SearchQuery, SearchResults
from tests.fakes.elasticsearch import FakeResponse, bulk_ok, search_response
from tests.search.es_support import ALIAS, engine_on

pytestmark = pytest.mark.usefixtures("signals_on_database_engine")


@pytest.fixture
def engine(fake) -> ElasticsearchEngine:
    return engine_on(fake)


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
# The fake transport answers as a server would
# --------------------------------------------------------------------------------------


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
