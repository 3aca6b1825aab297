"""Issue 13.1: a profile behind a Wagtail view restriction is found nowhere.

End to end on the database engine (SQLite or PostgreSQL, whichever the run uses),
with the signals on: adding the restriction (on the profile or on the directory
above it) must take the profile out of every surface that reads the search index
or lists pages, and removing it must bring the profile back, with nothing but the
restriction's own save or delete in between. The engines' part is in
test_contract.py (every engine) and test_elasticsearch_index.py (the fake
transport); topic and institution pages, the sitemap and the page API in
tests/directory/test_restrictions.py.
"""

from __future__ import annotations

import pytest
from wagtail.models import PageViewRestriction

from directory.models import ResearcherPage
from search.engines.database import DatabaseEngine
from search.types import SearchQuery
from tests.factories import restrict
from tests.search.conftest import make_researcher

pytestmark = pytest.mark.django_db

NAME = "Rosa Confidencial"


@pytest.fixture
def secret(world) -> ResearcherPage:
    """A profile sharing Emily Clarke's topic, keyword and institution, indexed by
    the signals like any profile saved in the admin."""
    DatabaseEngine().rebuild()
    emily = world.r["emily"]
    return make_researcher(
        given_name="Rosa",
        family_name="Confidencial",
        slug="rosa-confidencial",
        job_title="Head of confidential projects",
        institution=emily.institution,
        topics=["recycling-and-circular-supply-chains"],
        keywords=["hard carbon"],
        biography="<p>A confidential cell chemistry for the consortium.</p>",
    )


def visible_on(client, secret: ResearcherPage, emily: ResearcherPage) -> dict[str, bool]:
    """Where the secret profile shows, surface by surface.

    With the whole directory restricted, Emily's profile and its similar researchers
    are behind the restriction too (a password form, a login redirect, a 404): that
    shows nobody either.
    """

    def shows(url: str, params: dict | None = None) -> bool:
        response = client.get(url, params or {})
        assert response.status_code in (200, 302, 404), url
        return response.status_code == 200 and "Confidencial" in response.content.decode()

    return {
        "api search by biography": shows("/api/directory/search", {"q": "confidential"}),
        "api search, everyone": shows("/api/directory/search", {"page_size": 100}),
        "api autocomplete": shows("/api/directory/autocomplete", {"q": "rosa conf"}),
        "api similar of another": shows(f"/api/directory/researchers/{emily.pk}/similar"),
        "api similar of her": client.get(
            f"/api/directory/researchers/{secret.pk}/similar"
        ).status_code
        == 200,
        "directory search": shows("/directory/", {"q": "confidential"}),
        "directory, everyone": shows("/directory/", {"page_size": 100}),
        "directory facet": shows("/directory/", {"institution": emily.institution.slug}),
        "site search": shows("/search/", {"q": "confidential"}),
        "similar on another profile": shows(emily.url),
    }


@pytest.mark.parametrize(
    "kind",
    [PageViewRestriction.PASSWORD, PageViewRestriction.LOGIN, PageViewRestriction.GROUPS],
)
@pytest.mark.parametrize("on", ["profile", "directory"])
def test_a_restriction_hides_the_profile_everywhere_until_removed(client, world, secret, kind, on):
    emily = world.r["emily"]
    everywhere = visible_on(client, secret, emily)
    assert all(everywhere.values()), everywhere  # the checks can see her

    restriction = restrict(secret if on == "profile" else secret.get_parent(), kind)
    nowhere = visible_on(client, secret, emily)
    assert not any(nowhere.values()), nowhere
    body = client.get(secret.url).content.decode()
    assert "confidential cell chemistry" not in body  # the page itself asks first

    restriction.delete()
    assert visible_on(client, secret, emily) == everywhere


def test_moving_a_profile_into_and_out_of_a_private_section(world, secret):
    """Moving changes the tree path, not the profile: the move itself re-indexes."""
    from directory.models import DirectoryIndexPage

    directory = secret.get_parent()
    private = directory.get_parent().add_child(
        instance=DirectoryIndexPage(title="Consortium directory", slug="consortium")
    )
    restrict(private, PageViewRestriction.LOGIN)
    engine = DatabaseEngine()
    assert engine.search(SearchQuery(text="confidential")).total == 1

    secret.move(private, pos="last-child")
    assert engine.search(SearchQuery(text="confidential")).total == 0
    ResearcherPage.objects.get(pk=secret.pk).move(directory, pos="last-child")
    assert engine.search(SearchQuery(text="confidential")).total == 1


def test_site_search_leaves_out_restricted_pages_but_not_their_neighbours(client, world, secret):
    restrict(secret, PageViewRestriction.LOGIN)
    html = client.get("/search/", {"q": "hard carbon"}).content.decode()
    assert "Emily Clarke" in html
    assert NAME not in html


def test_unlisted_profiles_are_counted_by_the_search_index_command(world, secret):
    import io

    from django.core.management import call_command

    restrict(secret, PageViewRestriction.PASSWORD)
    out = io.StringIO()
    call_command("search_index", stdout=out)
    assert "Live profiles: 9. Indexed: 8. Behind a view restriction, so not indexed: 1." in (
        out.getvalue()
    )
