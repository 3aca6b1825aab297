"""Kept facet counts of searches without text (search.engines.facet_cache): used while
nothing they cover has changed, retired by every change, never mixed up between
languages or filters."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from directory.models import Institution, Language, ResearcherPage, Topic
from search.engines import facet_cache
from search.engines.database import DatabaseEngine
from search.models import IndexGeneration
from search.types import SearchQuery

pytestmark = pytest.mark.django_db


@pytest.fixture
def engine():
    return DatabaseEngine()


@pytest.fixture
def indexed(engine, world):
    engine.rebuild()
    cache.clear()
    return world


def counts(engine, facet: str, **filters) -> dict[str, int]:
    results = engine.search(SearchQuery(**filters))
    return {value.value: value.count for value in results.facets[facet]}


def labels(engine, facet: str) -> dict[str, str]:
    return {value.value: value.label for value in engine.search(SearchQuery()).facets[facet]}


def test_counts_are_kept_per_filters(engine, indexed, django_assert_num_queries):
    everyone = engine.search(SearchQuery())
    chile = engine.search(SearchQuery(country=("CL",)))
    assert chile.total < everyone.total
    with django_assert_num_queries(2):
        assert engine.search(SearchQuery()).facets == everyone.facets
    with django_assert_num_queries(2):
        # The same filters in another order are the same search.
        assert engine.search(SearchQuery(country=("CL",))).facets == chile.facets
    assert engine.search(SearchQuery(country=("GB",))).total != chile.total


def test_searches_with_text_are_never_kept(engine, indexed, django_assert_num_queries):
    engine.search(SearchQuery(text="lithium"))
    with django_assert_num_queries(2):  # counted again, and no generation read
        engine.search(SearchQuery(text="lithium"))


def test_a_profile_change_retires_the_counts_at_once(engine, indexed):
    before = counts(engine, "country")
    page = ResearcherPage.objects.get(pk=indexed.r["emily"].pk)
    page.country = "CL"
    page.save_revision().publish()
    after = counts(engine, "country")
    assert after["CL"] == before["CL"] + 1
    assert after.get("GB", 0) == before["GB"] - 1


def test_unpublishing_and_removing_retire_the_counts(engine, indexed):
    total = engine.search(SearchQuery()).total
    ResearcherPage.objects.get(pk=indexed.r["ana"].pk).unpublish()
    assert engine.search(SearchQuery()).total == total - 1
    engine.remove_researchers([indexed.r["tom"].pk])
    assert engine.search(SearchQuery()).total == total - 2
    engine.rebuild()
    assert engine.search(SearchQuery()).total == total - 1


@pytest.mark.parametrize(
    ("model", "lookup", "facet", "value"),
    [
        (Topic, {"slug": "cam"}, "topic", "cam"),
        (Language, {"code": "es"}, "language", "es"),
        (Institution, {"slug": "northfield-university"}, "institution", "northfield-university"),
    ],
)
def test_a_renamed_label_shows_at_once(engine, indexed, model, lookup, facet, value):
    assert value in labels(engine, facet)
    item = model.objects.get(**lookup)
    item.name = "Renamed for the test"
    item.save()
    assert labels(engine, facet)[value] == "Renamed for the test"


def test_a_deleted_topic_leaves_the_counts(engine, indexed):
    assert "second-life" in counts(engine, "topic")
    Topic.objects.get(slug="second-life").delete()
    assert "second-life" not in counts(engine, "topic")


def test_labels_are_kept_per_language(engine, indexed):
    english = labels(engine, "topic")
    with translation.override("es"):
        spanish = labels(engine, "topic")
    assert english != spanish
    assert labels(engine, "topic") == english
    with translation.override("es"):
        assert labels(engine, "topic") == spanish


def test_counts_made_before_a_write_are_never_used_after_it(engine, indexed):
    """A search reads the generation, then counts; a write commits in between. What
    it keeps is stamped with the number it read, which the write has replaced."""
    query = SearchQuery()
    with connection.cursor() as cursor:
        read_before = facet_cache.generation(cursor)
    stale = [["total", "", "", "", 999]]
    engine.index_researchers([indexed.r["jose"].pk])  # the write
    facet_cache.keep(facet_cache.cache_key(query, read_before), stale)
    assert engine.search(query).total != 999


def test_generations_never_come_round_again(engine, indexed):
    seen = set()
    for _ in range(5):
        engine.index_researchers([indexed.r["jose"].pk])
        seen.add(IndexGeneration.objects.get(pk=1).value)
    assert len(seen) == 5


def test_without_the_generation_row_nothing_is_kept(engine, indexed, django_assert_num_queries):
    IndexGeneration.objects.all().delete()
    first = engine.search(SearchQuery())
    with django_assert_num_queries(3):  # counted every time
        assert engine.search(SearchQuery()) == first
    engine.index_researchers([indexed.r["jose"].pk])  # a write puts the row back
    assert IndexGeneration.objects.filter(pk=1).exists()


def test_a_renamed_topic_nobody_has_shows_at_once(engine, indexed):
    """No profile is re-indexed, yet the kept counts carry the label of the selected
    topic: the save itself retires them."""
    topic = Topic.objects.create(name="Thermal runaway", slug="thermal-runaway")
    query = SearchQuery(topic=("thermal-runaway",))

    def label() -> str:
        (value,) = [v for v in engine.search(query).facets["topic"] if v.selected]
        return value.label

    assert label() == "Thermal runaway"
    topic.name = "Thermal runaway and abuse testing"
    topic.save()
    assert label() == "Thermal runaway and abuse testing"
