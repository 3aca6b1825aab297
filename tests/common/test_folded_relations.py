"""Relations read in the object's own query (common/folded_relations.py).

A profile fetched `with_profile_relations()` must hold exactly what
`prefetch_related` gives, in the same order, and answer `page.<relation>.all()`
without a query.
"""

import pytest
from django.core.cache import cache
from django.db import NotSupportedError, connection
from django.db.models import Prefetch, Subquery
from django.test.utils import CaptureQueriesContext
from wagtail_factories import ImageFactory

from directory.models import Facility, Language, ResearcherLink, ResearcherPage, Topic
from tests.factories import (
    FacilityFactory,
    InstitutionFactory,
    ResearcherPageFactory,
    ResearcherPublicationFactory,
)

pytestmark = pytest.mark.django_db

RELATIONS = ["topics", "affiliations", "languages", "facilities", "publications", "links"]


def row(obj) -> tuple:
    """Every column of a model instance, as the database holds it."""
    return tuple(getattr(obj, f.attname) for f in obj._meta.concrete_fields)


def prefetched(pk: int) -> ResearcherPage:
    """The profile as `prefetch_related` reads it: what folding must reproduce."""
    return (
        ResearcherPage.objects.select_related("institution", "photo")
        .prefetch_related(
            "photo__renditions",
            *RELATIONS[:3],
            Prefetch("facilities", queryset=Facility.objects.select_related("institution")),
            *RELATIONS[4:],
            "keywords",
        )
        .get(pk=pk)
    )


def folded(pk: int) -> ResearcherPage:
    return ResearcherPage.objects.with_profile_relations().get(pk=pk)


@pytest.fixture
def profile():
    """Several of each, created out of their display order, with awkward text."""
    page = ResearcherPageFactory(
        photo=ImageFactory(),
        topics=list(Topic.objects.order_by("-sort_order", "-name")[:3]),
        languages=list(Language.objects.order_by("-name")[:3]),
        affiliations=[
            InstitutionFactory(name=name) for name in ("Zeta Institut", "Ålesund", "alpha Lab")
        ],
    )
    page.facilities.set([FacilityFactory(name=name) for name in ("Tomograph", "AFM", "Łódź XRD")])
    page.keywords.add("zinc–air", 'quote "this"', "ánodos")
    page.save()
    for title in ("Third", "First", "Second"):
        ResearcherPublicationFactory(page=page, title=title, year=None, venue="")
    ResearcherLink.objects.create(page=page, url="https://example.org/b", label="émoji 🔋")
    ResearcherLink.objects.create(page=page, url="https://example.org/a")
    cache.clear()  # else a rendition cached by an earlier test is not made again
    page.photo.get_rendition("fill-160x160")
    page.photo.get_rendition("max-320x320")
    return page


def test_folded_relations_are_what_a_prefetch_reads(profile):
    expected, got = prefetched(profile.pk), folded(profile.pk)
    for name in RELATIONS:
        assert [row(o) for o in getattr(got, name).all()] == [
            row(o) for o in getattr(expected, name).all()
        ], name
    assert sorted(row(tag) for tag in got.keywords.all()) == sorted(
        row(tag) for tag in expected.keywords.all()
    )
    assert [row(f.institution) for f in got.facilities.all()] == [
        row(f.institution) for f in expected.facilities.all()
    ]
    assert sorted(map(row, got.photo.prefetched_renditions)) == sorted(
        map(row, expected.photo.renditions.all())
    )
    assert len(got.photo.prefetched_renditions) == 2


def test_folded_relations_cost_no_query_once_fetched(profile):
    page = folded(profile.pk)
    with CaptureQueriesContext(connection) as context:
        data = page.profile_data()
        assert [p.page for p in data["publications"]] == [page] * 3
        assert {f.institution.name for f in data["facilities"]}
        page.photo.get_rendition("fill-160x160")
        assert page.topic_slugs
    assert not context.captured_queries, [q["sql"] for q in context.captured_queries]


def test_keywords_in_the_order_they_were_added(profile):
    assert [tag.name for tag in folded(profile.pk).keywords.all()] == [
        "zinc–air",
        'quote "this"',
        "ánodos",
    ]


def test_a_profile_without_relations_has_empty_lists():
    page = folded(ResearcherPageFactory(photo=None).pk)
    with CaptureQueriesContext(connection) as context:
        assert all(not list(getattr(page, name).all()) for name in [*RELATIONS, "keywords"])
    assert not context.captured_queries


def test_a_change_after_fetching_is_read_again(profile):
    """Like a prefetch: adding to a relation forgets the folded list."""
    page = folded(profile.pk)
    page.keywords.add("new keyword")
    assert "new keyword" in {tag.name for tag in page.keywords.all()}


def test_a_second_profile_reuses_the_compiled_statement(profile):
    """The subqueries are compiled once; the next profile must still get its own rows."""
    folded(profile.pk)
    other = ResearcherPageFactory(topics=list(Topic.objects.order_by("name")[:1]))
    other.keywords.add("only mine")
    other.save()
    page = folded(other.pk)
    assert [t.pk for t in page.topics.all()] == [t.pk for t in prefetched(other.pk).topics.all()]
    assert [tag.name for tag in page.keywords.all()] == ["only mine"]
    assert not list(page.publications.all())


def test_a_folded_list_is_never_selected_in_a_subquery(profile):
    """Its compiled SQL names the outer table, which a subquery renames: an error, not
    a wrong list. A subquery that only selects the profile's columns still works."""
    inner = ResearcherPage.objects.with_profile_relations().filter(pk=profile.pk)
    assert list(ResearcherPage.objects.filter(pk__in=inner)) == [profile]
    with pytest.raises(NotSupportedError):
        list(ResearcherPage.objects.annotate(t=Subquery(inner.values("_folded_topics")[:1])))
