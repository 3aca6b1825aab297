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
    html = get(client, "career_stage=wizard&page=0&country=ZZ&q=lithium")
    assert 'role="alert"' in html
    assert "career_stage" in html and "country" in html and "page" in html
    assert count_line(html) == "3 researchers found"


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
