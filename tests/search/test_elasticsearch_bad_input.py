"""Whatever people type, the Elasticsearch engine sends a valid, bounded request.

No query syntax is ever parsed (`multi_match` and `prefix` take text literally), so
there is no query-parse error to provoke; these tests make sure nothing else goes
wrong either: invalid JSON, unbounded text, page windows past 10,000, or an
exception in our own code. Hypothesis generates the input; a fake transport
records the request.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from search.engines.elasticsearch import ElasticsearchEngine
from search.types import MAX_PAGE_SIZE, MAX_QUERY_LENGTH, SORTS, SearchQuery
from tests.fakes.elasticsearch import FakeElasticsearch, search_response

ALIAS = "researchers"
NASTY = [
    'AND ( " * ~ : \\ NEAR',
    '"unbalanced',
    "title:(lithium OR sodium) AND NOT -x^2~3 /regex/ [a TO z] {!lucene}",
    "' OR 1=1 --",
    "\x00\x01\x1f\x7f",
    "\ud800 lone surrogate",
    "<script>alert(1)</script>",
    "ﷺ ﷻ ﬃ " * 40,
    "x" * 5000,
    "José " * 1000,
]

# Text as it arrives from a URL: any code point, control characters included.
any_text = st.text(st.characters(codec="utf-8"), max_size=6000) | st.sampled_from(NASTY)
filter_values = st.lists(any_text | st.sampled_from(["CL", "gb", "es-brines", ""]), max_size=4)


def make_engine() -> tuple[FakeElasticsearch, ElasticsearchEngine]:
    fake = FakeElasticsearch()
    fake.on("POST", f"/{ALIAS}/_search", search_response())
    fake.on("GET", f"/{ALIAS}/_doc/*", {"found": False}, status=404)
    return fake, ElasticsearchEngine(client=fake.client(), index=ALIAS)


def strings_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []


def sent_body(fake: FakeElasticsearch) -> dict[str, Any]:
    request = fake.last("POST", f"/{ALIAS}/_search")
    return json.loads(request.raw.decode("utf-8"))  # valid UTF-8 JSON, or this raises


def text_clauses(body: dict[str, Any]) -> list[str]:
    """Every text the query matches, the prefix clause's terms included (a nested bool)."""
    should = body.get("query", {}).get("bool", {}).get("should", [])
    clauses = [inner for clause in should for inner in clause.get("bool", {}).get("must", [clause])]
    return [clause["multi_match"]["query"] for clause in clauses]


FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.mark.django_db
@FUZZ
@given(
    text=any_text,
    topic=filter_values,
    country=filter_values,
    career_stage=filter_values,
    page=st.integers(min_value=-(10**6), max_value=10**9),
    page_size=st.integers(min_value=-5, max_value=10**6),
    sort=st.sampled_from(SORTS) | st.text(max_size=30),
)
@example(
    text='AND ( " * ~ : \\ NEAR',
    topic=[],
    country=[],
    career_stage=[],
    page=1,
    page_size=20,
    sort="relevance",
)
@example(
    text="x" * 5000,
    topic=["a" * 5000],
    country=["\x00"],
    career_stage=[],
    page=10**9,
    page_size=10**6,
    sort="name",
)
@example(
    # "²".isdigit() is true, so django-countries tried int("²") while labelling it.
    text="",
    topic=[],
    country=["²"],
    career_stage=[],
    page=0,
    page_size=0,
    sort="relevance",
)
def test_any_search_makes_a_valid_bounded_request(
    text, topic, country, career_stage, page, page_size, sort
):
    fake, engine = make_engine()
    results = engine.search(
        SearchQuery(
            text=text,
            topic=tuple(topic),
            country=tuple(country),
            career_stage=tuple(career_stage),
            page=page,
            page_size=page_size,
            sort=sort,
        )
    )
    body = sent_body(fake)
    assert 0 <= body["size"] <= MAX_PAGE_SIZE
    assert body["from"] + body["size"] <= 10_000
    for query in text_clauses(body):
        assert 0 < len(query) <= MAX_QUERY_LENGTH
    assert "query_string" not in json.dumps(body)
    for value in strings_in(body.get("post_filter", {})):
        assert len(value) <= MAX_QUERY_LENGTH
        assert "\x00" not in value
    assert results.hits == [] and results.total == 0
    assert len(results.query.text) <= MAX_QUERY_LENGTH


@pytest.mark.parametrize("text", NASTY)
@pytest.mark.django_db
def test_nasty_text_is_sent_as_plain_terms(text):
    fake, engine = make_engine()
    engine.search(SearchQuery(text=text))
    for query in text_clauses(sent_body(fake)):
        assert not set(query) & set("()\"*~:\\^[]{}/<>'")


@FUZZ
@given(text=any_text, limit=st.integers(min_value=-10, max_value=10**6))
@example(text='AND ( " * ~ : \\ NEAR', limit=8)
@example(text="Jo" * 3000, limit=8)
def test_any_autocomplete_text_makes_a_valid_request(text, limit):
    fake, engine = make_engine()
    suggestions = engine.autocomplete(text, limit=limit)
    assert suggestions == []
    if not fake.requests:
        return  # too little text (or limit < 1): nothing asked
    body = sent_body(fake)
    must = body["query"]["bool"]["must"]
    prefixes = [clause["match_bool_prefix"]["name_suggest"]["query"] for clause in must]
    assert 1 <= len(prefixes) <= 8
    assert len(" ".join(prefixes)) <= MAX_QUERY_LENGTH
    assert 1 <= body["size"] <= MAX_PAGE_SIZE


@FUZZ
@given(researcher_id=st.integers(min_value=-(2**63), max_value=2**63), limit=st.integers(-5, 10**6))
def test_similar_of_any_id_is_harmless(researcher_id, limit):
    fake, engine = make_engine()
    assert engine.similar(researcher_id, limit=limit) == []
