"""Issue 13.1 in the directory's own listings: a profile behind a Wagtail view
restriction (on itself or an ancestor) is listed on no topic or institution page,
in no sitemap and in no page API answer, and comes back when the restriction goes.

The search surfaces are tested in tests/search/test_restrictions.py.
"""

from __future__ import annotations

import pytest
from wagtail.models import PageViewRestriction

from directory.models import DirectoryIndexPage, Topic
from tests.factories import InstitutionFactory, ResearcherPageFactory, restrict

pytestmark = pytest.mark.django_db

KINDS = [PageViewRestriction.PASSWORD, PageViewRestriction.LOGIN, PageViewRestriction.GROUPS]


@pytest.fixture
def pair():
    """Two researchers at one institution, on one topic: one open, one to restrict."""
    institution = InstitutionFactory(name="Instituto Reservado", country="CL")
    topic = Topic.objects.get(slug="direct-lithium-extraction")
    open_one = ResearcherPageFactory(
        given_name="Olga",
        family_name="Abierta",
        slug="olga-abierta",
        institution=institution,
        topics=[topic],
    )
    secret = ResearcherPageFactory(
        given_name="Rosa",
        family_name="Confidencial",
        slug="rosa-confidencial",
        institution=institution,
        topics=[topic],
    )
    return open_one, secret


def listed_on(client, secret) -> dict[str, bool]:
    def shows(url: str, text: str = "Confidencial") -> bool:
        response = client.get(url)
        assert response.status_code == 200, url
        return text in response.content.decode()

    detail = client.get(f"/api/v2/pages/{secret.pk}/")
    return {
        "topic page": shows("/directory/topics/direct-lithium-extraction/"),
        "institution page": shows(f"/directory/institutions/{secret.institution.slug}/"),
        "sitemap": shows("/sitemap.xml", "/rosa-confidencial/"),
        "page API listing": shows(
            "/api/v2/pages/?type=directory.ResearcherPage&fields=family_name"
        ),
        "page API detail": detail.status_code == 200,
    }


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("on", ["profile", "directory"])
def test_a_restricted_profile_is_listed_nowhere_until_the_restriction_goes(client, pair, kind, on):
    open_one, secret = pair
    everywhere = listed_on(client, secret)
    assert all(everywhere.values()), everywhere

    restriction = restrict(secret if on == "profile" else secret.get_parent(), kind)
    nowhere = listed_on(client, secret)
    assert not any(nowhere.values()), nowhere
    if on == "profile":  # the open researcher beside her is still listed
        html = client.get("/directory/topics/direct-lithium-extraction/").content.decode()
        assert "Olga Abierta" in html

    restriction.delete()
    assert listed_on(client, secret) == everywhere


def test_the_directory_counts_only_listed_profiles(pair):
    _open_one, secret = pair
    directory = DirectoryIndexPage.objects.get()
    assert directory.researcher_count == 2
    restrict(secret, PageViewRestriction.PASSWORD)
    assert DirectoryIndexPage.objects.get().researcher_count == 1


def topic_counts(client) -> str:
    html = client.get("/directory/topics/").content.decode()
    line = next(line for line in html.splitlines() if "/direct-lithium-extraction/" in line)
    return line


def test_the_topic_index_and_home_figures_count_only_listed_profiles(client, pair):
    _open_one, secret = pair
    home = client.get("/").content.decode()
    assert '<strong data-figure="researchers">2</strong>' in home
    assert "2 researchers" in topic_counts(client)

    restrict(secret.get_parent(), PageViewRestriction.LOGIN)
    assert '<strong data-figure="researchers">0</strong>' in client.get("/").content.decode()
    assert "0 researchers" in topic_counts(client)
