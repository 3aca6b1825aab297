"""sitemap.xml lists every page in every language, each with its hreflang alternates."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.factories import ResearcherPageFactory
from tests.website.translations import publish, submit_for_translation
from website.models import HomePage

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}
BASE = "http://testserver"


def sitemap(client) -> dict[str, dict[str, str]]:
    """{location: {hreflang: href}} of every <url>."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    entries = {}
    for url in ET.fromstring(response.content).findall("sm:url", NS):
        location = url.find("sm:loc", NS).text
        assert location not in entries, f"{location} listed twice"
        entries[location] = {
            link.get("hreflang"): link.get("href")
            for link in url.findall("xhtml:link", NS)
            if link.get("rel") == "alternate"
        }
    return entries


@pytest.mark.django_db
def test_every_page_is_listed_in_every_language_with_alternates(client):
    ResearcherPageFactory(slug="maria-lopez")
    entries = sitemap(client)

    expected = {
        "en": f"{BASE}/directory/maria-lopez/",
        "es": f"{BASE}/es/directory/maria-lopez/",
        "pt-BR": f"{BASE}/pt-br/directory/maria-lopez/",
        "x-default": f"{BASE}/directory/maria-lopez/",
    }
    for location in set(expected.values()):
        assert entries[location] == expected
    # English canonical URLs are what they always were.
    assert {f"{BASE}/", f"{BASE}/directory/", f"{BASE}/news/"} <= set(entries)
    assert entries[f"{BASE}/"]["es"] == f"{BASE}/es/"


@pytest.mark.django_db
def test_a_translated_page_is_listed_at_its_own_url(
    admin_client, client, django_capture_on_commit_callbacks
):
    home = HomePage.objects.get()
    publish(submit_for_translation(admin_client, home, "es"), django_capture_on_commit_callbacks)
    entries = sitemap(client)

    assert entries[f"{BASE}/es/"] == {
        "en": f"{BASE}/",
        "es": f"{BASE}/es/",
        "pt-BR": f"{BASE}/pt-br/",
        "x-default": f"{BASE}/",
    }
    assert not any("home-es" in location for location in entries)


@pytest.mark.django_db
def test_drafts_stay_out_in_every_language(client):
    draft = ResearcherPageFactory(slug="draft-person")
    draft.unpublish()
    assert not any("draft-person" in location for location in sitemap(client))
