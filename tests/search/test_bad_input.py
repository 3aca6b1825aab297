"""Whatever people type or put in a URL, search answers sensibly and never with a 500.

Property-based: Hypothesis feeds random text (control characters, NUL, emoji,
combining marks, every script) and random search-engine syntax to the database
engine, on whichever database the suite runs on, and random parameters to the API.
The Elasticsearch engineer adds the same for Elasticsearch in its own module.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.engines.database import DatabaseEngine
from search.query import clean_text, parse_search_query_lenient, search_terms
from search.types import FACETS, MAX_PAGE_SIZE, SearchQuery

pytestmark = pytest.mark.django_db

SETTINGS = settings(
    max_examples=120,
    deadline=None,
    database=None,  # nothing written to .hypothesis/ in the working tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SYNTAX = list("()\"'*~:\\^{}[]<>-+|&!%_;,.?@#$=/") + [
    "AND",
    "OR",
    "NOT",
    "NEAR",
    "NEAR/2",
    "'; DROP TABLE x; --",
    "\x00",
    "lithium",
    "Pérez",
    "cátodo",
    " ",
]
syntax_text = st.lists(st.sampled_from(SYNTAX), max_size=30).map("".join)
any_text = st.one_of(st.text(max_size=400), syntax_text)
# What a URL can carry: any text but lone surrogates, which are not UTF-8.
url_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)


@pytest.fixture
def engine(world):
    engine = DatabaseEngine()
    engine.rebuild()
    return engine


def check(results, query: SearchQuery) -> None:
    assert 0 <= results.total <= 8
    assert len(results.hits) <= min(query.page_size, results.total)
    assert list(results.facets) == list(FACETS)
    for hit in results.hits:
        assert "<script" not in hit.snippet


@SETTINGS
@given(text=any_text)
def test_random_text_to_the_engine(engine, text):
    query = SearchQuery(text=text)
    check(engine.search(query), query)
    assert len(engine.autocomplete(text)) <= 8


@SETTINGS
@given(text=any_text, sort=st.sampled_from(["relevance", "name", "updated"]))
def test_random_text_through_the_parser(engine, text, sort):
    query = parse_search_query_lenient({"q": [text], "sort": [sort]}).query
    check(engine.search(query), query)


@SETTINGS
@given(
    facet=st.sampled_from(FACETS),
    values=st.lists(any_text, min_size=1, max_size=5),
    text=any_text,
)
def test_random_facet_values_to_the_engine(engine, facet, values, text):
    """Engines must not trust the parser: unknown values simply match nobody."""
    query = SearchQuery(text=text, **{facet: tuple(values)})
    results = engine.search(query)
    check(results, query)
    listed = {value.value for value in results.facets[facet] if value.selected}
    assert listed == {clean_text(value) for value in values}


@SETTINGS
@given(text=any_text)
def test_search_terms_are_bounded_and_clean(text):
    terms = search_terms(text)
    assert len(terms) <= 16
    for term in terms:
        assert term and len(term) <= 40
        assert term.isalnum()


@SETTINGS
@given(
    params=st.dictionaries(
        st.sampled_from(["q", *FACETS, "page", "page_size", "sort", "other"]),
        st.lists(url_text, min_size=1, max_size=3),
        max_size=6,
    )
)
def test_random_parameters_to_the_api(client, engine, params):
    response = client.get("/api/directory/search", params)
    assert response.status_code in (200, 400)
    data = response.json()
    if response.status_code == 400:
        assert data["parameter"] in params and data["error"].startswith(data["parameter"])
    else:
        assert 0 <= data["count"] <= 8
        assert len(data["results"]) <= MAX_PAGE_SIZE


@SETTINGS
@given(params=st.dictionaries(st.sampled_from(["q", *FACETS, "page", "sort"]), url_text))
def test_random_parameters_to_the_directory_page(client, engine, params):
    assert client.get("/directory/", params).status_code == 200


@SETTINGS
@given(text=url_text)
def test_random_text_to_autocomplete_and_site_search(client, engine, text):
    assert client.get("/api/directory/autocomplete", {"q": text}).status_code == 200
    assert client.get("/search/", {"q": text}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["²", "٣", "Ⅻ"])
def test_a_country_that_only_looks_numeric_is_harmless(engine, code):
    """`str.isdigit` is true for these, `int` fails on them: django-countries raised
    while the selected value was labelled."""
    query = SearchQuery(country=(code,))
    results = engine.search(query)
    check(results, query)
    assert [(v.value, v.label) for v in results.facets["country"] if v.selected] == [(code, code)]
