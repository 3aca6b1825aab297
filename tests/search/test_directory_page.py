"""/directory/: search as you read it, all state in the URL, usable without JavaScript."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import Topic
from search.engines.database import DatabaseEngine
from tests.search.conftest import make_researcher

pytestmark = pytest.mark.django_db

URL = "/directory/"


@pytest.fixture
def indexed(world):
    DatabaseEngine().rebuild()
    return world


def get(client, params: str = "", status: int = 200) -> str:
    response = client.get(URL + ("?" + params if params else ""))
    assert response.status_code == status
    return response.content.decode()


def count_line(html: str) -> str:
    match = re.search(r'<span id="result-count"[^>]*>(.*?)</span>', html, re.S)
    assert match, "no result count"
    return unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()


def test_lists_everyone_without_a_query(client, indexed):
    html = get(client)
    assert count_line(html) == "8 researchers"
    for name in ("José Pérez", "Ana Souza", "Emily Clarke", "Tom Baker"):
        assert name in html


def test_text_search_with_highlighted_snippets(client, indexed):
    html = get(client, "q=sodium-ion+recycling")
    assert count_line(html) == "1 researcher found"
    assert "Emily Clarke" in html and "José Pérez" not in html
    assert "<mark>recycling</mark>" in html
    assert 'value="sodium-ion recycling"' in html


def test_accents_fold(client, indexed):
    assert "José Pérez" in get(client, "q=Jose+Perez")


def test_facets_are_checkboxes_with_counts_in_fieldsets(client, indexed):
    html = get(client)
    for legend in (
        "Topic",
        "Country",
        "Institution",
        "Career stage",
        "Languages spoken",
        "Open to",
    ):
        assert f"<legend>{legend}</legend>" in html
    chile = re.search(r'<label class="check" for="facet-country-CL">(.*?)</label>', html, re.S)
    assert chile, "no checkbox for Chile"
    assert 'type="checkbox"' in chile.group(1) and 'name="country"' in chile.group(1)
    assert "Chile" in chile.group(1) and ">2<" in chile.group(1)


def test_the_url_holds_the_state(client, indexed):
    html = get(client, "q=lithium&country=CL&country=GB&topic=cam&sort=name")
    assert 'value="lithium"' in html
    assert re.search(r'id="facet-country-CL"[^>]*checked', html)
    assert re.search(r'id="facet-country-GB"[^>]*checked', html)
    assert re.search(r'id="facet-topic-cam"[^>]*checked', html)
    assert not re.search(r'id="facet-country-AR"[^>]*checked', html)
    assert re.search(r'<option value="name" selected>', html)
    assert count_line(html) == "1 researcher found"
    # Disjunctive counts: Argentina is still offered with what it would add.
    assert 'id="facet-country-AR"' in html
    # Each active filter can be removed with a link that keeps everything else.
    assert "?q=lithium&amp;topic=cam&amp;country=GB&amp;sort=name" in html


def test_pagination_links_keep_the_state(client, indexed):
    for n in range(26):
        make_researcher(given_name=f"Extra{n:02d}", family_name="Zamora", languages=["es"])
    DatabaseEngine().rebuild()
    html = get(client, "language=es")
    assert count_line(html) == "30 researchers found, showing 1–20"
    assert 'href="/directory/?language=es&amp;page=2"' in html
    assert 'rel="next"' in html and 'aria-label="Pagination"' in html
    second = get(client, "language=es&page=2")
    assert count_line(second) == "30 researchers found, showing 21–30"
    assert 'aria-current="page"' in second and 'rel="prev"' in second


def test_page_past_the_end(client, indexed):
    html = get(client, "page=99")
    assert "only 1 page of results" in html
    assert 'href="/directory/"' in html


def test_bad_values_are_ignored_with_a_note(client, indexed):
    """Issue 8 changed how: plain words and removable chips, not parser messages."""
    html = get(client, "career_stage=wizard&page=0&country=ZZ&q=lithium")
    assert "“0” is not a page number, so the first page is shown." in html
    assert count_line(html) == "3 researchers found"


def chips(html: str) -> dict[str, str]:
    """The chips of filters that were left out: their words and where they lead."""
    return {
        re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", text))).strip(): unescape(href)
        for href, text in re.findall(
            r'<li class="ignored-filter"><a href="([^"]*)"[^>]*>(.*?)</a></li>', html, re.S
        )
    }


def test_bad_filter_values_are_removable_chips_in_plain_words(client, indexed):
    html = get(client, "career_stage=wizard&country=ZZ&topic=no-such-topic&q=lithium")
    assert count_line(html) == "3 researchers found"  # as if they had not been given
    assert chips(html) == {
        "Career stage: “wizard” is not one we know, so it was left out × "
        "(remove it from the address)": "/directory/?q=lithium",
        "Country: “ZZ” is not one we know, so it was left out × "
        "(remove it from the address)": "/directory/?q=lithium",
        "Topic: “no-such-topic” is not one we know, so it was left out × "
        "(remove it from the address)": "/directory/?q=lithium",
    }
    for developer_words in ("is not one of", "career_stage:", "ISO 3166", "slug"):
        assert developer_words not in html


def test_a_page_past_the_result_window_says_how_many_pages_there_are(client, indexed):
    html = get(client, "q=lithium&page=9999")
    assert "There is only 1 page of results." in html
    assert "first 10,000 results" not in html and "page:" not in html
    assert '<a href="/directory/?q=lithium" data-directory-link>Go to the last page</a>' in html
    assert "<h3>" not in html.split('id="directory-hits"')[1]  # no cards


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("%F0%9F%94%8B", "“🔋” has no letters or numbers to search for."),
        ("%21%21%21+%3F", "“!!! ?” has no letters or numbers to search for."),
        ("the+of", "“the of” has only very common words, so it was not searched for."),
    ],
)
def test_text_with_nothing_to_search_for_is_not_labelled_as_results(client, indexed, text, note):
    html = get(client, "q=" + text)
    assert note in html
    assert count_line(html) == "8 researchers"  # the directory, not "8 researchers found"
    assert 'class="active-filters"' not in html


def test_hostile_input_is_harmless(client, indexed):
    html = get(client, "q=" + "%22%3Cscript%3E+AND+(+*+~+%3A+%5C+NEAR+%27+OR+1%3D1--" * 100)
    assert "<script>" not in html
    get(client, "q=%00%01")


def test_works_without_javascript_and_loads_the_enhancement(client, indexed):
    html = get(client)
    assert re.search(r'<form id="directory-search"[^>]*method="get"[^>]*action="/directory/"', html)
    assert '<button type="submit">Search</button>' in html
    assert 'class="apply-filters"' in html
    assert "search/directory.js" in html
    assert 'data-autocomplete-url="/api/directory/autocomplete"' in html
    assert '<label for="directory-q">' in html and '<label for="directory-sort">' in html
    assert 'aria-live="polite"' in html


def test_a_fixed_number_of_queries(client, indexed):
    get(client)  # warm the per-process caches (site root paths, content types)
    with CaptureQueriesContext(connection) as few:
        get(client, "q=lithium&country=CL")
    for n in range(12):
        make_researcher(given_name=f"More{n}", family_name="Lithium", topics=["cam"])
    DatabaseEngine().rebuild()
    with CaptureQueriesContext(connection) as many:
        get(client, "q=lithium&country=CL")
    assert len(few) == len(many)


# --------------------------------------------------------------------------------------
# Profiles: "Researchers you could work with"
# --------------------------------------------------------------------------------------


def test_profile_shows_researchers_to_work_with(client, indexed):
    tom = indexed.r["tom"]
    html = client.get(tom.url).content.decode()
    section = html[html.index('id="similar-heading"') :]
    assert "Researchers you could work with" in section
    assert section.index("María González") < section.index("José Pérez")
    assert "Tom Baker" not in section


def test_profile_query_count_does_not_grow_with_topics(client, indexed):
    topics = list(Topic.objects.all()[:12])
    one = make_researcher(given_name="Uno", family_name="Tema", topics=[topics[0].slug])
    twelve = make_researcher(
        given_name="Doce", family_name="Temas", topics=[topic.slug for topic in topics]
    )
    DatabaseEngine().rebuild()
    client.get(indexed.r["ana"].url)  # warm the per-process caches
    with CaptureQueriesContext(connection) as first:
        assert client.get(one.url).status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert client.get(twelve.url).status_code == 200
    assert len(first) == len(second)


def similar_card(html: str, name: str) -> str:
    section = html[html.index('id="similar-heading"') :]
    start = section.index(f">{name}</a>")
    return section[start : section.index("</li>\n", start)]


def test_similar_cards_show_the_topics_they_share(client, indexed):
    """Issue 8: a suggestion says why, with the topics both researchers work on."""
    html = client.get(indexed.r["maria"].url).content.decode()
    card = similar_card(html, "José Pérez")
    assert "Also works on" in card
    assert "<li>Direct lithium extraction</li>" in card
    assert "<li>Cathode active materials (CAM)</li>" in card

    tom = client.get(indexed.r["tom"].url).content.decode()
    card = similar_card(tom, "María González")
    assert "<li>Direct lithium extraction</li>" in card
    assert "Cathode active materials" not in card  # María's, but not Tom's
