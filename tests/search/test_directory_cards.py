"""What the directory page's checkboxes and cards show, worked out once per page
(search/directory_cards.py) instead of by template tags per item."""

from __future__ import annotations

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import translation

from search.directory_cards import facet_groups, hit_cards
from search.labels import localized_url
from search.types import FacetValue, Hit, SearchQuery, SearchResults

pytestmark = pytest.mark.django_db


def hit(pk: int, url: str, **fields) -> Hit:
    values = {
        "name": f"Person {pk}",
        "job_title": "",
        "institution": "",
        "country": "",
        "topics": [],
        "snippet": "",
    }
    return Hit(id=pk, url=url, **{**values, **fields})


def results(hits=(), query: SearchQuery | None = None, **facets) -> SearchResults:
    query = query or SearchQuery()
    return SearchResults(query=query, hits=list(hits), total=len(hits), facets=facets)


LEGENDS = {name: name.title() for name in ("topic", "country", "institution")}
LEGENDS.update(career_stage="Career stage", language="Languages", open_to="Open to")


def options(groups, name):
    return next(group for group in groups if group.name == name).options


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("en", [("1", "researcher"), ("1,234", "researchers"), ("2", "researchers")]),
        # Django's Spanish format groups thousands with a no-break space.
        ("es", [("1", "investigador"), ("1\xa0234", "investigadores"), ("2", "investigadores")]),
    ],
)
def test_counts_are_grouped_and_pluralised_in_the_visitors_language(language, texts):
    found = results(
        topic=[
            FacetValue("a", "A", 1, False),
            FacetValue("b", "B", 1234, False),
            FacetValue("c", "C", 2, False),
        ]
    )
    with translation.override(language):
        groups = facet_groups(found, "/directory/", LEGENDS)
        shown = [(o["count_text"], o["count_words"]) for o in options(groups, "topic")]
        assert shown == texts
        # What the template showed before with `intcomma`.
        assert [text for text, _ in shown] == [intcomma(n) for n in (1, 1234, 2)]


def test_only_a_selected_option_has_a_link_that_removes_it():
    query = SearchQuery(text="litio", topic=("a", "b"), country=("CL",))
    found = results(
        query=query,
        topic=[
            FacetValue("a", "A", 3, True),
            FacetValue("b", "B", 2, True),
            FacetValue("c", "C", 1, False),
        ],
        country=[FacetValue("CL", "Chile", 5, True)],
    )
    groups = facet_groups(found, "/directory/", LEGENDS)
    links = {o["value"]: o["remove_url"] for o in options(groups, "topic")}
    assert links == {
        "a": "/directory/?q=litio&topic=b&country=CL",
        "b": "/directory/?q=litio&topic=a&country=CL",
        "c": "",
    }
    assert [o["remove_url"] for o in options(groups, "country")] == [
        "/directory/?q=litio&topic=a&topic=b"
    ]


def test_a_cards_line_is_escaped_and_skips_missing_parts_and_names_the_country():
    cards = hit_cards(
        results(
            [
                hit(1, "/directory/a/", job_title="R&D <lead>", country="CL"),
                hit(2, "/directory/b/", institution="Universidad de Chile"),
            ]
        )
    )
    assert [card["meta"] for card in cards] == [
        "R&amp;D &lt;lead&gt; · Chile",
        "Universidad de Chile",
    ]


@pytest.mark.parametrize("language", ["en", "es", "pt-br"])
def test_card_links_are_those_of_localized_url_in_every_language(language):
    urls = [
        "/directory/ana-perez/",
        "/directory/bruno-silva/",
        "/news/a-story/",
        "/news/another/",
        "https://elsewhere.example/directory/x/",
        "/es/directory/carla/",
        "",
    ]
    with translation.override(language):
        cards = hit_cards(results([hit(pk, url) for pk, url in enumerate(urls)]))
        assert [card["url"] for card in cards] == [localized_url(url) for url in urls]
    if language != "en":
        assert cards[1]["url"] == f"/{language}/directory/bruno-silva/"
