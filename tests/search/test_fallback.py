"""When Elasticsearch fails, the database answers, a WARNING says why, nothing raises.

Reads fall back; writes go to both engines and raise, so the index-update task is
recorded as failed (docs/elasticsearch.md explains the choice).
"""

from __future__ import annotations

import logging

import pytest
from elastic_transport import ConnectionError, ConnectionTimeout

from search.engines.database import DatabaseEngine
from search.engines.elasticsearch import ElasticsearchEngine
from search.engines.fallback import FallbackEngine
from search.types import Hit, SearchQuery, SearchResults, Suggestion
from tests.factories import ResearcherPageFactory
from tests.fakes.elasticsearch import FakeElasticsearch, FakeResponse, search_response

ALIAS = "researchers"
FALLBACK_LOGGER = "search.engines.fallback"


class RecordingEngine:
    """A stand-in fallback that answers instantly and records what it was asked."""

    name = "recording"

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def search(self, query: SearchQuery) -> SearchResults:
        self.calls.append(("search", query))
        return SearchResults(query=query, hits=[], total=0, engine=self.name)

    def autocomplete(self, text: str, limit: int = 8) -> list[Suggestion]:
        self.calls.append(("autocomplete", text, limit))
        return [Suggestion(label="From the database", url="/x/", kind="researcher")]

    def similar(self, researcher_id: int, limit: int = 6) -> list[Hit]:
        self.calls.append(("similar", researcher_id, limit))
        return []

    def index_researchers(self, pks: list[int]) -> None:
        self.calls.append(("index", list(pks)))

    def remove_researchers(self, pks: list[int]) -> None:
        self.calls.append(("remove", list(pks)))

    def rebuild(self, progress=None) -> int:
        self.calls.append(("rebuild", progress))
        return 7


class BrokenEngine(RecordingEngine):
    """A primary with a bug: not an outage, but still no 500 for the user."""

    name = "broken"

    def search(self, query: SearchQuery) -> SearchResults:
        raise KeyError("hits")


@pytest.fixture(autouse=True)
def _database_engine_for_signals(settings):
    settings.ELASTICSEARCH_URL = ""


@pytest.fixture
def fake() -> FakeElasticsearch:
    return FakeElasticsearch()


@pytest.fixture
def elasticsearch(fake) -> ElasticsearchEngine:
    return ElasticsearchEngine(client=fake.client(), index=ALIAS)


@pytest.fixture
def recording() -> RecordingEngine:
    return RecordingEngine()


def warnings_from_fallback(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == FALLBACK_LOGGER and r.levelno == logging.WARNING]


@pytest.mark.django_db
def test_unreachable_elasticsearch_answers_from_the_database(fake, elasticsearch, caplog):
    jose = ResearcherPageFactory(given_name="José", family_name="Pérez", title="José Pérez")
    database = DatabaseEngine()
    database.rebuild()
    fake.fail(ConnectionError("Connection refused"))
    engine = FallbackEngine(elasticsearch, database)

    results = engine.search(SearchQuery(text="Jose Perez"))

    assert results.engine == "database"
    assert [hit.id for hit in results.hits] == [jose.pk]
    [record] = warnings_from_fallback(caplog)
    assert "ConnectionError" in record.getMessage()
    assert "elasticsearch" in record.getMessage() and "database" in record.getMessage()


@pytest.mark.parametrize(
    "failure",
    [
        ConnectionTimeout("Read timed out"),
        FakeResponse(503, {"error": {"type": "unavailable_shards_exception"}, "status": 503}),
        FakeResponse(500, {"error": {"type": "exception", "reason": "boom"}, "status": 500}),
        FakeResponse(429, {"error": {"type": "es_rejected_execution_exception"}, "status": 429}),
        FakeResponse(404, {"error": {"type": "index_not_found_exception"}, "status": 404}),
        FakeResponse(200, {"not": "elasticsearch"}, headers={"X-Elastic-Product": "Other"}),
    ],
    ids=["timeout", "503", "500", "429", "no-index", "not-elasticsearch"],
)
@pytest.mark.django_db
def test_outages_fall_back_with_a_warning(fake, elasticsearch, recording, caplog, failure):
    fake.on("*", "*", failure)
    engine = FallbackEngine(elasticsearch, recording)

    results = engine.search(SearchQuery(text="lithium"))

    assert results.engine == "recording"
    assert recording.calls == [("search", SearchQuery(text="lithium"))]
    assert len(warnings_from_fallback(caplog)) == 1


@pytest.mark.django_db
def test_a_request_elasticsearch_calls_malformed_is_logged_as_an_error(
    fake, elasticsearch, recording, caplog
):
    fake.on("*", "*", FakeResponse(400, {"error": {"type": "parsing_exception"}, "status": 400}))
    results = FallbackEngine(elasticsearch, recording).search(SearchQuery(text="x"))
    assert results.engine == "recording"
    assert any(r.levelno == logging.ERROR and r.name == FALLBACK_LOGGER for r in caplog.records)


def test_a_bug_in_the_primary_still_answers_and_logs_the_traceback(recording, caplog):
    results = FallbackEngine(BrokenEngine(), recording).search(SearchQuery())
    assert results.engine == "recording"
    [record] = [r for r in caplog.records if r.name == FALLBACK_LOGGER]
    assert record.levelno == logging.ERROR and record.exc_info is not None


def test_autocomplete_and_similar_fall_back(fake, elasticsearch, recording, caplog):
    fake.fail()
    engine = FallbackEngine(elasticsearch, recording, cooldown=0)
    assert engine.autocomplete("jose", limit=5)[0].label == "From the database"
    assert engine.similar(12, limit=3) == []
    assert recording.calls == [("autocomplete", "jose", 5), ("similar", 12, 3)]
    assert len(warnings_from_fallback(caplog)) == 2


@pytest.mark.django_db
def test_after_a_failure_elasticsearch_rests_for_the_cooldown(fake, elasticsearch, recording):
    fake.fail()
    engine = FallbackEngine(elasticsearch, recording, cooldown=60)
    engine.search(SearchQuery())
    asked = len(fake.requests)
    engine.search(SearchQuery())
    engine.autocomplete("jose")
    assert len(fake.requests) == asked, "no request while cooling down"
    assert len(recording.calls) == 3


@pytest.mark.django_db
def test_a_healthy_elasticsearch_answers_itself(fake, elasticsearch, recording, caplog):
    fake.on("POST", f"/{ALIAS}/_search", search_response())
    results = FallbackEngine(elasticsearch, recording).search(SearchQuery(text="lithium"))
    assert results.engine == "elasticsearch"
    assert recording.calls == []
    assert warnings_from_fallback(caplog) == []


@pytest.mark.django_db
def test_index_writes_reach_both_engines_and_raise_when_elasticsearch_is_down(
    fake, elasticsearch, recording
):
    fake.fail()
    engine = FallbackEngine(elasticsearch, recording)
    with pytest.raises(ConnectionError):
        engine.index_researchers([1, 2])
    with pytest.raises(ConnectionError):
        engine.remove_researchers([3])
    # The database was still brought up to date, before the error surfaced.
    assert recording.calls == [("index", [1, 2]), ("remove", [3])]


def test_rebuild_rebuilds_both_and_reports_progress_for_the_primary(recording):
    primary = RecordingEngine()
    progress = print
    assert FallbackEngine(primary, recording).rebuild(progress) == 7
    assert recording.calls == [("rebuild", None)]
    assert primary.calls == [("rebuild", progress)]


@pytest.mark.django_db
def test_get_engine_with_an_unreachable_url_serves_from_the_database(settings, caplog):
    """End to end: the configured engine, a closed port, and a search that still works."""
    from search.engines import get_engine, reset_engines

    ResearcherPageFactory(given_name="Ana", family_name="Souza", title="Ana Souza")
    DatabaseEngine().rebuild()
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # discard port: nothing listens
    settings.ELASTICSEARCH_TIMEOUT = 1
    reset_engines()
    try:
        engine = get_engine()
        results = engine.search(SearchQuery(text="Souza"))
    finally:
        reset_engines()
    assert isinstance(engine, FallbackEngine)
    assert results.engine == "database"
    assert [hit.name for hit in results.hits] == ["Ana Souza"]
    assert warnings_from_fallback(caplog)
