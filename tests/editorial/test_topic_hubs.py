"""A topic's page is a hub: its researchers, then open opportunities, upcoming events
and latest news on the topic (a parent topic gathers its subtopics'), registered by
`editorial` through `common.hub` so that `directory` never imports `editorial`."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from common import hub
from directory.models import Topic
from tests.editorial.events_support import EventPageFactory
from tests.editorial.opportunity_support import OpportunityPageFactory
from tests.factories import NewsPageFactory, ResearcherPageFactory, restrict

pytestmark = pytest.mark.django_db


def topic(slug: str) -> Topic:
    return Topic.objects.get(slug=slug)


def section(html: str, key: str) -> str:
    """The HTML of one hub section of a topic's page."""
    match = re.search(
        rf'<section class="hub-section" aria-labelledby="hub-{key}-heading">(.*?)</section>',
        html,
        re.S,
    )
    assert match, f"no {key} section"
    return match.group(1)


def event(title: str, days: float, *topics: Topic, **fields):
    start = timezone.now() + timedelta(days=days)
    return EventPageFactory(
        title=title, start=start, end=start + timedelta(hours=2), topics=list(topics), **fields
    )


@pytest.fixture
def recycling_hub():
    recycling = topic("circular-economy")
    sub = topic("recycling-and-circular-supply-chains")
    other = topic("raw-materials")
    now = timezone.now()
    OpportunityPageFactory(title="Black mass fellowship", topics=[recycling])
    OpportunityPageFactory(title="Sub-topic studentship", topics=[sub])
    OpportunityPageFactory(
        title="Closed recycling call", topics=[recycling], closes_at=now - timedelta(hours=1)
    )
    OpportunityPageFactory(title="Brine fellowship", topics=[other])
    event("Recycling seminar", 3, recycling)
    event("Past recycling workshop", -3, recycling)
    event("Brine seminar", 3, other)
    NewsPageFactory(title="Recycling plant opens", topics=[recycling])
    NewsPageFactory(title="Brine news", topics=[other])
    return recycling, sub


def test_a_topic_page_shows_its_open_opportunities_upcoming_events_and_news(client, recycling_hub):
    recycling, sub = recycling_hub
    html = client.get(f"/directory/topics/{recycling.slug}/").content.decode()
    opportunities = section(html, "opportunities")
    assert "Black mass fellowship" in opportunities
    assert "Sub-topic studentship" in opportunities  # a parent gathers its subtopics'
    assert "Closed recycling call" not in opportunities
    assert "Brine fellowship" not in html
    assert f'href="/opportunities/?topic={recycling.slug}"' in opportunities
    events = section(html, "events")
    assert "Recycling seminar" in events and "Past recycling workshop" not in events
    assert "Brine seminar" not in html
    news = section(html, "news")
    assert "Recycling plant opens" in news and "Brine news" not in news
    assert '<h2 id="hub-opportunities-heading">Open opportunities</h2>' in html
    # A subtopic shows its own only.
    sub_html = client.get(f"/directory/topics/{sub.slug}/").content.decode()
    assert "Sub-topic studentship" in sub_html and "Black mass fellowship" not in sub_html


def test_empty_sections_say_so_in_the_visitors_language(client):
    html = client.get("/es/directory/topics/circular-economy/").content.decode()
    assert "No hay oportunidades abiertas sobre este tema por ahora." in html
    assert "Próximos eventos" in html


def test_drafts_and_private_pages_stay_off_the_hub(client):
    recycling = topic("circular-economy")
    OpportunityPageFactory(title="Draft fellowship", topics=[recycling], live=False)
    private = OpportunityPageFactory(title="Members fellowship", topics=[recycling])
    restrict(private)
    restrict(event("Members seminar", 2, recycling))
    html = client.get("/directory/topics/circular-economy/").content.decode()
    assert "Draft fellowship" not in html
    assert "Members fellowship" not in html
    assert "Members seminar" not in html


def test_the_topic_page_renders_whatever_is_registered(client):
    hub.register(
        hub.HubSection(
            key="test-extra",
            heading="Extra section",
            template="directory/includes/test_hub_missing.html",
            items=lambda topic, request: [],
            order=999,
        )
    )
    try:
        assert [s.key for s in hub.sections()][-1] == "test-extra"
    finally:
        hub.unregister("test-extra")
    assert "test-extra" not in [s.key for s in hub.sections()]
    assert [s.key for s in hub.sections()] == ["opportunities", "events", "news"]


def test_a_topic_hub_takes_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    recycling = topic("circular-economy")
    sub = topic("recycling-and-circular-supply-chains")
    ResearcherPageFactory(topics=[recycling])
    OpportunityPageFactory(topics=[recycling])
    event("One seminar", 2, recycling)
    NewsPageFactory(topics=[recycling])
    client.get("/directory/topics/circular-economy/")  # warm the per-process caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/directory/topics/circular-economy/")
    for n in range(4):
        ResearcherPageFactory(topics=[sub])
        OpportunityPageFactory(topics=[recycling, sub])
        event(f"Seminar {n}", 3 + n, sub, attendance_mode="hybrid", city="Santiago", country="CL")
        NewsPageFactory(topics=[sub])
    with django_assert_max_num_queries(len(few)):
        html = client.get("/directory/topics/circular-economy/").content.decode()
    assert html.count("opportunity-card") == 3 and html.count("event-card") == 3
