"""The directory page in Spanish and Portuguese: facets, chips, cards, the live count,
the suggestion words the script reads, and links that keep the visitor's language.

Values (slugs, codes) never change with the language: the same URL parameters
select the same researchers under /es/ and /pt-br/.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from directory.models.taxonomy import VocabularyLabel
from search.engines.database import DatabaseEngine
from search.views import result_count_text
from tests.search.conftest import make_researcher

pytestmark = pytest.mark.django_db

PREFIX = {"en": "", "es": "/es", "pt-br": "/pt-br"}


@pytest.fixture
def indexed(world):
    DatabaseEngine().rebuild()
    return world


def get(client, language: str, params: str = "") -> str:
    response = client.get(f"{PREFIX[language]}/directory/" + ("?" + params if params else ""))
    assert response.status_code == 200
    return response.content.decode()


def text_of(html: str, pattern: str) -> str:
    match = re.search(pattern, html, re.S)
    assert match, pattern
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def count_line(html: str) -> str:
    return text_of(html, r'<span id="result-count"[^>]*>(.*?)</span>')


def facet_labels(html: str, facet: str) -> dict[str, str]:
    """value -> label of a facet's checkboxes."""
    return {
        value: unescape(label)
        for value, label in re.findall(
            rf'name="{facet}" value="([^"]+)"[^>]*> <span class="facet-label">([^<]*)</span>', html
        )
    }


def card(html: str, name: str) -> str:
    (found,) = [
        c for c in html.split('<li class="card researcher-card">')[1:] if f">{name}</a>" in c
    ]
    return found


def chips(html: str) -> list[str]:
    block = text_of(html, r'<ul class="active-filters"[^>]*>(.*?)</ul>')
    return [chip.strip() for chip in block.split("×") if chip.strip()]


@pytest.mark.parametrize(
    ("language", "topic", "country", "count", "chip"),
    [
        (
            "en",
            "Recycling and circular supply chains",
            "Brazil",
            "2 researchers found",
            "Topic: Recycling and circular supply chains",
        ),
        (
            "es",
            "Reciclaje y cadenas de suministro circulares",
            "Brasil",
            "2 investigadores encontrados",
            "Tema: Reciclaje y cadenas de suministro circulares",
        ),
        (
            "pt-br",
            "Reciclagem e cadeias de suprimentos circulares",
            "Brasil",
            "2 pesquisadores encontrados",
            "Tema: Reciclagem e cadeias de suprimentos circulares",
        ),
    ],
)
def test_facets_chips_cards_and_count_in_the_visitors_language(
    client, indexed, language, topic, country, count, chip
):
    html = get(client, language, "topic=recycling-and-circular-supply-chains")
    assert facet_labels(html, "topic")["recycling-and-circular-supply-chains"] == topic
    assert facet_labels(html, "country")["BR"] == country
    assert count_line(html) == count
    assert chip in chips(html)
    # The cards: topic tags and the country in the same language.
    ana = card(html, "Ana Souza")
    assert f"<li>{topic}</li>" in ana
    assert f"· {country}</p>" in ana


@pytest.mark.parametrize("language", ["es", "pt-br"])
def test_the_same_values_select_the_same_researchers(client, indexed, language):
    params = "country=BR&country=GB&language=pt&open_to=collaboration"
    english = get(client, "en", params)
    other = get(client, language, params)
    for facet in ("topic", "country", "language", "open_to", "career_stage"):
        assert set(facet_labels(english, facet)) == set(facet_labels(other, facet))
    names = re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', english)
    assert names == re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', other) == ["Ana Souza"]


def test_links_keep_the_visitor_in_their_language(client, indexed):
    html = get(client, "es", "q=Souza&country=BR")
    assert 'action="/es/directory/"' in html
    with translation.override("en"):
        english_url = indexed.r["ana"].url
    assert f'href="/es{english_url}"' in html  # the card
    for href in re.findall(r'href="([^"]+)" data-directory-link', html):
        assert href.startswith("/es/directory/"), href  # chips, clear, pages


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "es",
            {
                "data-lang": "es",
                "data-kind-researcher": "Investigador/a",
                "data-kind-topic": "Tema",
                "data-kind-institution": "Institución",
            },
        ),
        (
            "pt-br",
            {
                "data-lang": "pt-br",
                "data-kind-researcher": "Pesquisador(a)",
                "data-kind-topic": "Tema",
                "data-kind-institution": "Instituição",
            },
        ),
    ],
)
def test_the_script_gets_its_words_from_the_page(client, indexed, language, words):
    html = get(client, language)
    form = re.search(r'<form id="directory-search"[^>]*>', html).group(0)
    for attribute, value in words.items():
        assert f'{attribute}="{value}"' in form
    assert 'data-autocomplete-url="/api/directory/autocomplete"' in form
    assert "<script>" not in html  # the words travel in attributes, not inline code


@pytest.mark.parametrize("language", ["es", "pt-br"])
def test_no_english_is_left_on_the_page(client, indexed, language):
    html = get(client, language, "q=zzzz&career_stage=wizard")
    visible = unescape(re.sub(r"<[^>]+>", " ", html.split('<form id="directory-search"')[1]))
    for english in (
        "Search researchers",
        "Sort by",
        "Apply filters",
        "Clear search and filters",
        "No researchers match",
        "remove",
        "researchers found",
        "is not one we know",
        "Names, topics, institutions",
    ):
        assert english not in visible, english


@pytest.mark.parametrize(
    ("total", "expected"),
    [(1, "1 investigador encontrado"), (2, "2 investigadores encontrados")],
)
def test_the_live_count_is_pluralised(client, indexed, total, expected):
    query = {1: "q=Souza", 2: "q=reciclaje"}[total]
    assert count_line(get(client, "es", query)) == expected


@pytest.mark.parametrize(
    ("language", "total", "found", "expected"),
    [
        ("en", 1234, True, "1,234 researchers found, showing 21–40"),
        ("es", 1234, True, "1\xa0234 investigadores encontrados; se muestran del 21 al 40"),
        ("pt-br", 1234, True, "1.234 pesquisadores encontrados; mostrando de 21 a 40"),
        ("pt-br", 1234, False, "1.234 pesquisadores; mostrando de 21 a 40"),
        ("pt-br", 1, False, "1 pesquisador"),
        ("es", 0, True, "0 investigadores encontrados"),
    ],
)
def test_the_count_says_which_results_are_shown(language, total, found, expected):
    """Whole sentences per language through ngettext, numbers grouped the local way."""
    with translation.override(language):
        text = result_count_text(total, found, 21, 40, show_range=total > 40)
    assert text == expected


def test_an_editors_label_shows_on_the_page(client, indexed, fresh_labels):
    VocabularyLabel.objects.create(
        vocabulary="country", value="GB", name_es="Gran Bretaña", name_pt=""
    )
    assert facet_labels(get(client, "es"), "country")["GB"] == "Gran Bretaña"
    # Portuguese left empty: django-countries' own name.
    assert facet_labels(get(client, "pt-br"), "country")["GB"] == "Reino Unido"
    assert facet_labels(get(client, "en"), "country")["GB"] == "United Kingdom"


def test_a_fixed_number_of_queries_in_every_language(client, indexed):
    """Labels in any language cost no query per label or per result. (Wagtail's own
    routing costs one query more under a language prefix than at the bare path.)"""
    languages = ("en", "es", "pt-br")
    for language in languages:
        get(client, language)  # warm the per-process caches

    def queries(language: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            get(client, language, "q=litio&country=CL")
        return len(captured)

    few = {language: queries(language) for language in languages}
    for n in range(12):
        make_researcher(given_name=f"More{n}", family_name="Litio", topics=["cam"])
    DatabaseEngine().rebuild()
    many = {language: queries(language) for language in languages}
    assert few == many
    assert few["es"] == few["pt-br"]


@pytest.mark.parametrize("language", ["es", "pt-br"])
def test_the_index_stores_the_english_url_whatever_language_reindexes(indexed, language):
    """A re-index run inside a Portuguese request must not hand Portuguese links to
    Spanish visitors: the stored URL is canonical; cards add the visitor's prefix."""
    from search.documents import ResearcherData, load_researchers

    (ana,) = load_researchers([indexed.r["ana"].pk])
    with translation.override(language):
        data = ResearcherData.from_page(ana)
    assert not data.url.startswith(("/es/", "/pt-br/"))
