"""/search/: news and every other page through Wagtail's search, accents folded."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search.engines.database import DatabaseEngine
from tests.factories import NewsPageFactory

pytestmark = pytest.mark.django_db

URL = "/search/"


@pytest.fixture
def news(db):
    return {
        "workshop": NewsPageFactory(
            title="Workshop in São Paulo on battery recycling",
            summary="Two days of talks at the Universidade Fictícia.",
            body="<p>Hydrometallurgy and direct recycling.</p>",
        ),
        "catodos": NewsPageFactory(
            title="Nuevos materiales de cátodo",
            summary="Un proyecto conjunto entre Chile y el Reino Unido.",
            body="<p>Cátodos de alto voltaje.</p>",
        ),
        "other": NewsPageFactory(title="Annual meeting", summary="Minutes of the meeting."),
    }


def titles(client, q: str) -> str:
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("query", "found", "not_found"),
    [
        ("Sao Paulo", "Workshop in", "Annual meeting"),
        ("são paulo", "Workshop in", "Annual meeting"),
        ("catodo", "Nuevos materiales", "Annual meeting"),
        ("CÁTODO", "Nuevos materiales", "Workshop in"),
        ("meeting", "Annual", "Workshop in"),
    ],
)
def test_accents_fold_on_every_database(client, news, query, found, not_found):
    html = titles(client, query)
    assert found in html
    assert not_found not in html
    if "paulo" in query.lower():
        assert "<mark>São</mark> <mark>Paulo</mark>" in html


def test_every_word_must_match(client, news):
    html = titles(client, "Sao Paulo meeting")
    assert "Workshop in" not in html and "Annual" not in html


def test_matches_are_highlighted_and_escaped(client, news):
    NewsPageFactory(title="<b>Bold</b> claims about lithium", summary="Not <i>really</i>.")
    html = titles(client, "lithium")
    assert "&lt;b&gt;Bold&lt;/b&gt; claims about <mark>lithium</mark>" in html


def test_researchers_are_offered_from_the_directory(client, news, world):
    DatabaseEngine().rebuild()
    html = titles(client, "Jose Perez")
    assert "In the researcher directory" in html
    assert 'href="/directory/?q=Jose+Perez"' in html
    assert "José Pérez" in html


def test_empty_and_hostile_queries(client, news):
    assert "result" not in titles(client, "").split("<h1>Search</h1>")[1].split("</form>")[1]
    for query in ['AND ( " * ~ : \\ NEAR', "' OR 1=1 --", "x" * 5000, "\x00", "the of"]:
        titles(client, query)


def test_common_words_are_named_only_when_they_are_the_reason(client, news):
    """Issue 8: an emoji or punctuation is not "all very common words"."""
    common = "Those are all very common words."
    nothing = "There are no letters or numbers in it to search for."
    for text in ("the of", "de la", "o"):
        html = client.get("/search/", {"q": text}).content.decode()
        assert common in html and nothing not in html, text
    for text in ("🔋", "!!! ?", "— …"):
        html = client.get("/search/", {"q": text}).content.decode()
        assert nothing in html and common not in html, text


def test_pages_of_results(client, news):
    for n in range(12):
        NewsPageFactory(title=f"Recycling update {n}")
    first = titles(client, "recycling update")
    assert "12 results" in first and 'href="?q=recycling+update&amp;page=2"' in first
    second = client.get(URL, {"q": "recycling update", "page": "2"}).content.decode()
    assert "<mark>Recycling</mark> <mark>update</mark>" in second
    assert client.get(URL, {"q": "recycling", "page": "99"}).status_code == 200


def test_a_fixed_number_of_queries(client, news):
    titles(client, "recycling")
    with CaptureQueriesContext(connection) as few:
        titles(client, "recycling")
    for n in range(8):
        NewsPageFactory(title=f"Recycling note {n}")
    with CaptureQueriesContext(connection) as many:
        titles(client, "recycling")
    assert len(few) == len(many)
