"""Site search shows an event's card (kind, dates in its zone and the visitor's, city or
online); Wagtail API v2 serves events with their public fields only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from editorial.models import EventKind
from tests.editorial.events_support import EventPageFactory, EventSpeakerFactory, at
from tests.factories import ResearcherPageFactory, TopicFactory, restrict

pytestmark = pytest.mark.django_db


def test_an_event_result_has_its_card(client):
    EventPageFactory(
        title="Hydrometallurgy summer school",
        kind=EventKind.SUMMER_SCHOOL,
        summary="Two weeks of leaching.",
        time_zone="America/Santiago",
        start=at("2026-07-01 10:00"),
        end=at("2026-07-01 11:30"),
        attendance_mode="hybrid",
        city="Antofagasta",
        country="CL",
    )
    client.cookies["tz"] = "Europe/London"
    html = client.get("/search/", {"q": "hydrometallurgy"}).content.decode()
    assert '<span class="kind">Summer school</span>' in html
    assert "Two weeks of leaching." in html
    assert "1 July 2026, 10 a.m.–11:30 a.m. Santiago time" in html
    assert "1 July 2026, 3 p.m.–4:30 p.m. London time" in html  # the visitor's zone
    assert "Hybrid (in person and online) · Antofagasta, Chile" in html
    assert 'datetime="2026-07-01T14:00:00Z"' in html


def test_an_online_event_says_so_in_spanish(client):
    EventPageFactory(title="Seminario de salmueras", summary="Litio.", time_zone="America/Santiago")
    html = client.get("/es/search/", {"q": "salmueras"}).content.decode()
    assert "hora de Santiago" in html
    assert "En línea" in html


def test_event_cards_cost_one_query_for_a_page_of_results(client):
    for n in range(2):
        EventPageFactory(title=f"Cathode seminar {n}")
    client.get("/search/", {"q": "cathode"})
    with CaptureQueriesContext(connection) as few:
        client.get("/search/", {"q": "cathode"})
    for n in range(2, 8):
        EventPageFactory(
            title=f"Cathode seminar {n}",
            start=at("2026-08-01 10:00") + timedelta(days=n),
            end=at("2026-08-01 12:00") + timedelta(days=n),
        )
    with CaptureQueriesContext(connection) as many:
        html = client.get("/search/", {"q": "cathode"}).content.decode()
    assert html.count("Santiago time") >= 8
    assert len(many) == len(few)


def test_events_are_served_with_their_public_fields(client):
    topic = TopicFactory()
    page = EventPageFactory(topics=[topic], kind=EventKind.WORKSHOP)
    speaker = ResearcherPageFactory(email="speaker@private.example.org")
    EventSpeakerFactory(page=page, researcher=speaker, name="", talk_title="Brines")
    response = client.get("/api/v2/pages/", {"type": "editorial.EventPage", "fields": "*"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "speaker@private.example.org" not in body
    [item] = response.json()["items"]
    assert item["id"] == page.pk
    assert item["kind"] == "workshop"
    assert item["time_zone"] == "America/Santiago"
    assert item["start"].startswith("2026-07-01T14:00")
    assert item["attendance_mode"] == "online"
    assert item["topic_slugs"] == [topic.slug]
    assert item["speaker_list"] == [
        {"name": speaker.title, "affiliation": "", "talk_title": "Brines"}
    ]
    assert "speakers" not in item


def test_asking_for_a_field_outside_api_fields_is_a_400(client):
    EventPageFactory()
    response = client.get("/api/v2/pages/", {"type": "editorial.EventPage", "fields": "speakers"})
    assert response.status_code == 400


def test_private_and_draft_events_are_not_served(client):
    restrict(EventPageFactory(title="Members only"))
    EventPageFactory(title="Draft", live=False)
    response = client.get("/api/v2/pages/", {"type": "editorial.EventPage"})
    assert response.json()["items"] == []
