"""RSS and Atom feeds of news and opportunities, of everything and per topic (issue 10.7).

Parsed as XML, so a feed a reader would choke on fails here.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.editorial.opportunity_support import OpportunityPageFactory, opportunity_index
from tests.factories import NewsPageFactory, TopicFactory, news_index, restrict

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def rss(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    for required in ("title", "link", "description"):
        assert channel.findtext(required), required
    return channel


def atom(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for required in ("title", "id", "updated"):
        assert feed.findtext(f"{ATOM}{required}"), required
    for entry in feed.findall(f"{ATOM}entry"):
        for required in ("title", "id", "updated"):
            assert entry.findtext(f"{ATOM}{required}"), required
        assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/")
    return feed


def rss_titles(channel: ET.Element) -> list[str]:
    return [item.findtext("title") for item in channel.findall("item")]


def test_the_news_feeds(client):
    topic = TopicFactory()
    NewsPageFactory(title="Older & wiser", date=timezone.localdate() - timedelta(days=3))
    NewsPageFactory(title="Newest <b>bold</b>", topics=[topic])
    NewsPageFactory(title="Draft", live=False)
    restrict(NewsPageFactory(title="Members only"))
    base = news_index().url
    channel = rss(client, base + "feed/rss/")
    assert rss_titles(channel) == ["Newest <b>bold</b>", "Older & wiser"]
    item = channel.find("item")
    assert item.findtext("link").startswith("http://testserver/news/")
    assert item.findtext("category") == topic.name
    entries = atom(client, base + "feed/atom/").findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == rss_titles(channel)
    assert rss_titles(rss(client, f"{base}feed/{topic.slug}/rss/")) == ["Newest <b>bold</b>"]
    atom(client, f"{base}feed/{topic.slug}/atom/")


def test_the_news_index_links_its_feeds(client):
    html = client.get(news_index().url).content.decode()
    assert 'type="application/rss+xml"' in html and 'href="/news/feed/rss/"' in html
    assert 'href="/news/feed/atom/"' in html


def test_the_opportunity_feeds_hold_open_ones_and_say_the_deadline(client):
    parent = TopicFactory(name="Feeds parent (test)", slug="feeds-parent")
    child = TopicFactory(name="Feeds child (test)", slug="feeds-child", parent=parent)
    OpportunityPageFactory(title="Open one", topics=[child], time_zone="America/Santiago")
    OpportunityPageFactory(title="Closed one", closes_at=timezone.now() - timedelta(days=1))
    base = opportunity_index().url
    channel = rss(client, base + "feed/rss/")
    assert rss_titles(channel) == ["Open one"]
    assert "Santiago time" in channel.find("item").findtext("description")
    atom(client, base + "feed/atom/")
    assert rss_titles(rss(client, f"{base}feed/feeds-parent/rss/")) == ["Open one"]
    assert rss_titles(rss(client, f"{base}feed/feeds-child/rss/")) == ["Open one"]
    assert rss_titles(rss(client, f"{base}feed/{TopicFactory().slug}/rss/")) == []


@pytest.mark.parametrize(
    "path", ["feed/no-such-topic/rss/", "feed/json/", "feed/", "feed/x/y/rss/"]
)
def test_unknown_feeds_are_404(client, path):
    assert client.get(news_index().url + path).status_code == 404
    assert client.get(opportunity_index().url + path).status_code == 404


def test_spanish_feeds_speak_spanish(client):
    channel = rss(client, "/es" + opportunity_index().url + "feed/rss/")
    assert channel.findtext("language") == "es"
    assert "oportunidades" in channel.findtext("title").lower()
