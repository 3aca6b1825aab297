"""The home page shows upcoming events and the opportunities closing first beside the
latest news, in a fixed number of queries; the main navigation reaches events,
opportunities and facilities in the visitor's language."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.editorial.events_support import EventPageFactory
from tests.editorial.opportunity_support import OpportunityPageFactory
from tests.factories import NewsPageFactory

pytestmark = pytest.mark.django_db


def event(title: str, days: float, **fields):
    start = timezone.now() + timedelta(days=days)
    return EventPageFactory(title=title, start=start, end=start + timedelta(hours=2), **fields)


def section(html: str, heading_id: str) -> str:
    match = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', html, re.S)
    assert match, heading_id
    return match.group(1)


def test_the_home_page_shows_upcoming_events_and_opportunities_closing_first(client):
    now = timezone.now()
    event("Later seminar", 20)
    event("Sooner seminar", 2)
    event("Finished workshop", -2)
    OpportunityPageFactory(title="Closes next week", closes_at=now + timedelta(days=7))
    OpportunityPageFactory(title="Closes next month", closes_at=now + timedelta(days=30))
    OpportunityPageFactory(title="Already closed", closes_at=now - timedelta(minutes=1))
    NewsPageFactory(title="Network news")
    html = client.get("/").content.decode()
    events = section(html, "home-events-heading")
    assert events.index("Sooner seminar") < events.index("Later seminar")
    assert "Finished workshop" not in html
    opportunities = section(html, "home-opportunities-heading")
    assert opportunities.index("Closes next week") < opportunities.index("Closes next month")
    assert "Already closed" not in html
    assert "Network news" in section(html, "news-heading")


def test_the_home_page_is_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    event("One seminar", 2)
    OpportunityPageFactory()
    NewsPageFactory()
    client.get("/")  # warm the per-process caches
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for n in range(5):
        event(f"Seminar {n}", 3 + n, attendance_mode="hybrid", city="Leeds", country="GB")
        OpportunityPageFactory(topics=[])
        NewsPageFactory()
    with django_assert_max_num_queries(len(few)):
        html = client.get("/").content.decode()
    assert html.count("event-card") == 3 and html.count("opportunity-card") == 3


def test_empty_highlights_say_so_in_spanish(client):
    html = client.get("/es/").content.decode()
    assert "Próximos eventos" in html
    assert "Por ahora no hay próximos eventos." in html


@pytest.mark.parametrize(
    ("prefix", "labels"),
    [
        ("", ("Events", "Opportunities", "Facilities")),
        ("/es", ("Eventos", "Oportunidades", "Instalaciones")),
        ("/pt-br", ("Eventos", "Oportunidades", "Instalações")),
    ],
)
def test_the_main_navigation_links_events_opportunities_and_facilities(client, prefix, labels):
    html = client.get(f"{prefix}/").content.decode()
    nav = re.search(
        r'<nav aria-label="[^"]+">\s*<ul class="nav-list">(.*?)</ul>', html, re.S
    ).group(1)
    for path, label in zip(
        ("/events/", "/opportunities/", "/directory/facilities/"), labels, strict=True
    ):
        assert f'<a href="{prefix}{path}">{label}</a>' in nav
        assert client.get(f"{prefix}{path}").status_code == 200
