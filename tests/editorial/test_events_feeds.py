"""RSS and Atom feeds of events (Django's syndication framework), all and per topic."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.editorial.events_support import EventPageFactory, at
from tests.factories import TopicFactory, restrict

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

ATOM = "{http://www.w3.org/2005/Atom}"


def rss_items(response) -> list[ET.Element]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    return root.findall("./channel/item")


def atom_entries(response) -> tuple[ET.Element, list[ET.Element]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root, root.findall(f"{ATOM}entry")


@pytest.fixture
def events():
    recycling = TopicFactory(name="Recycling", slug="recycling")
    EventPageFactory(title="Recycling seminar", topics=[recycling])
    EventPageFactory(title="Brine seminar")
    EventPageFactory(title="Draft", live=False)
    restrict(EventPageFactory(title="Private"))
    EventPageFactory(title="Over", start=at("2026-06-01 10:00"), end=at("2026-06-01 11:00"))
    return recycling


def test_rss_lists_upcoming_public_events_with_their_times(client, events):
    items = rss_items(client.get("/events/feed.rss"))
    titles = {item.findtext("title") for item in items}
    assert titles == {"Recycling seminar", "Brine seminar"}
    recycling = next(i for i in items if i.findtext("title") == "Recycling seminar")
    assert recycling.findtext("link").startswith("http://testserver/events/")
    assert "Santiago" in recycling.findtext("description")
    assert [c.text for c in recycling.findall("category")] == ["Recycling"]
    assert recycling.find("guid").get("isPermaLink") == "false"


def test_atom_is_valid_and_points_at_itself(client, events):
    root, entries = atom_entries(client.get("/events/feed.atom"))
    assert {e.findtext(f"{ATOM}title") for e in entries} == {"Recycling seminar", "Brine seminar"}
    self_link = root.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == "http://testserver/events/feed.atom"
    for entry in entries:
        assert entry.findtext(f"{ATOM}updated")
        assert entry.findtext(f"{ATOM}id")


def test_a_topics_feeds(client, events):
    items = rss_items(client.get("/events/topics/recycling/feed.rss"))
    assert [item.findtext("title") for item in items] == ["Recycling seminar"]
    root, entries = atom_entries(client.get("/events/topics/recycling/feed.atom"))
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Recycling seminar"]
    assert (
        root.find(f"{ATOM}link[@rel='self']")
        .get("href")
        .endswith("/events/topics/recycling/feed.atom")
    )


def test_an_unknown_topics_feed_is_404(client):
    assert client.get("/events/topics/nope/feed.rss").status_code == 404


def test_the_feed_speaks_the_visitors_language(client, events):
    root = ET.fromstring(client.get("/es/events/feed.rss").content)
    assert root.findtext("./channel/title").startswith("Eventos de la Red")
    assert "hora de Santiago" in root.find("./channel/item").findtext("description")
