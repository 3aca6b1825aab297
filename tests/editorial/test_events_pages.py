"""Event pages and the events listing: times, speakers, calendar links, JSON-LD, filters.

The test clock stands at 15 June 2026, 09:01 UTC (tests/conftest.py).
"""

from __future__ import annotations

import json
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from wagtail.models import PageViewRestriction

from editorial.models import AttendanceMode, EventKind
from tests.editorial.events_support import EventPageFactory, EventSpeakerFactory, at
from tests.factories import ResearcherPageFactory, TopicFactory, restrict

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def json_ld(html: str) -> dict:
    match = re.search(
        r'<script type="application/ld\+json" nonce="[^"]+">(.*?)</script>', html, re.S
    )
    assert match, "no JSON-LD"
    return json.loads(match.group(1))


def text(response) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def listed_titles(response) -> list[str]:
    return [e.title for e in response.context["page_obj"]]


# --- One event -----------------------------------------------------------------------


def test_an_event_shows_its_zone_and_the_visitors(client):
    event = EventPageFactory(start=at("2026-07-01 10:00"), end=at("2026-07-01 11:30"))
    client.cookies["tz"] = "Europe/London"
    body = text(client.get("/es" + event.url))
    assert "1 de julio de 2026, de 10:00 a 11:30 (hora de Santiago)" in body
    assert "1 de julio de 2026, de 15:00 a 16:30 (hora de Londres)" in body


def test_without_a_cookie_the_visitor_reads_london_time(client):
    event = EventPageFactory(start=at("2026-07-01 10:00"), end=at("2026-07-01 11:30"))
    body = text(client.get("/es" + event.url))
    assert "hora de Londres" in body


def test_a_visitor_in_the_events_zone_reads_one_time(client):
    event = EventPageFactory()
    client.cookies["tz"] = "America/Santiago"
    body = text(client.get("/es" + event.url))
    assert body.count("hora de Santiago") == 1
    assert "Londres" not in body


def test_the_page_loads_the_script_that_remembers_the_visitors_zone(client):
    html = client.get(EventPageFactory().url).content.decode()
    assert re.search(r'<script src="[^"]*editorial/js/visitor-zone\.[^"]*js" defer>', html)


def test_speakers_link_to_listed_profiles_only(client):
    event = EventPageFactory()
    listed = ResearcherPageFactory(given_name="Carla", family_name="Rojas", title="Carla Rojas")
    private = ResearcherPageFactory(given_name="Pía", family_name="Soto", title="Pía Soto")
    restrict(private)
    EventSpeakerFactory(page=event, researcher=listed, name="", sort_order=0)
    EventSpeakerFactory(page=event, researcher=private, name="", sort_order=1)
    EventSpeakerFactory(page=event, name="Dr Guest Outsider", sort_order=2)
    html = client.get(event.url).content.decode()
    assert f'<a href="{listed.url}">Carla Rojas</a>' in html
    assert "Pía Soto" in html and private.url not in html
    assert "Dr Guest Outsider" in html
    performers = json_ld(html)["performer"]
    assert performers[0] == {"@type": "Person", "name": "Carla Rojas", "url": listed.url}
    assert performers[2] == {"@type": "Person", "name": "Dr Guest Outsider"}


def test_add_to_calendar_offers_the_ics_file_and_google(client):
    event = EventPageFactory(title="Brine seminar")
    html = client.get(event.url).content.decode()
    assert f'href="{event.url}calendar.ics" download' in html
    google = re.search(r'href="(https://calendar\.google\.com/[^"]+)"', html).group(1)
    query = parse_qs(urlsplit(unescape(google)).query)
    assert query["action"] == ["TEMPLATE"]
    assert query["text"] == ["Brine seminar"]
    assert query["dates"] == ["20260701T140000Z/20260701T153000Z"]  # 10:00-11:30 at UTC-4
    assert query["ctz"] == ["America/Santiago"]


def test_a_past_event_offers_no_calendar_links_or_registration(client):
    event = EventPageFactory(
        start=at("2026-06-01 10:00"),
        end=at("2026-06-01 12:00"),
        registration_url="https://register.example.org/",
    )
    html = client.get(event.url).content.decode()
    assert "calendar.google.com" not in html
    assert 'href="https://register.example.org/"' not in html
    assert "This event has ended." in html


def test_registration_shows_its_deadline_and_closes_by_itself(client, clock):
    event = EventPageFactory(
        registration_url="https://register.example.org/",
        registration_deadline=at("2026-06-20 23:59"),
    )
    client.cookies["tz"] = "Europe/London"
    response = client.get("/es" + event.url)
    assert 'href="https://register.example.org/"' in response.content.decode()
    with_open = text(response)
    assert (
        "20 de junio de 2026, 23:59 hora de Santiago (21 de junio de 2026, 04:59 hora de Londres)"
        in with_open
    )
    clock.move_to(at("2026-06-21 00:00"), tick=False)
    closed = client.get(event.url).content.decode()
    assert 'href="https://register.example.org/"' not in closed
    assert "Registration has closed." in closed


@pytest.mark.parametrize(
    ("mode", "expected_mode", "location_types"),
    [
        (AttendanceMode.IN_PERSON, "OfflineEventAttendanceMode", ["Place"]),
        (AttendanceMode.ONLINE, "OnlineEventAttendanceMode", ["VirtualLocation"]),
        (AttendanceMode.HYBRID, "MixedEventAttendanceMode", ["Place", "VirtualLocation"]),
    ],
)
def test_json_ld_event_with_its_attendance_mode_and_location(
    client, mode, expected_mode, location_types
):
    event = EventPageFactory(
        attendance_mode=mode,
        venue="Aula Magna",
        city="Antofagasta",
        country="CL",
        start=at("2026-07-01 10:00"),
        end=at("2026-07-01 11:30"),
    )
    data = json_ld(client.get(event.url).content.decode())
    assert data["@type"] == "Event"
    assert data["eventAttendanceMode"] == f"https://schema.org/{expected_mode}"
    assert data["startDate"] == "2026-07-01T10:00:00-04:00"
    assert data["endDate"] == "2026-07-01T11:30:00-04:00"
    locations = data["location"] if isinstance(data["location"], list) else [data["location"]]
    assert [place["@type"] for place in locations] == location_types
    if "Place" in location_types:
        assert locations[0]["address"] == {
            "@type": "PostalAddress",
            "addressLocality": "Antofagasta",
            "addressCountry": "CL",
        }
    if "VirtualLocation" in location_types:
        assert locations[-1]["url"] == "https://meet.example.org/brines"


def test_json_ld_cannot_close_its_script_element(client):
    event = EventPageFactory(title="</script><script>alert(1)</script>")
    html = client.get(event.url).content.decode()
    assert "<script>alert(1)" not in html
    assert json_ld(html)["name"] == "</script><script>alert(1)</script>"


def test_a_private_event_and_its_ics_are_not_for_outsiders(client):
    event = EventPageFactory()
    restrict(event, PageViewRestriction.PASSWORD)
    assert client.get(event.url).status_code == 200  # the password form, not the event
    assert "meet.example.org" not in client.get(event.url).content.decode()
    ics = client.get(event.url + "calendar.ics")
    assert b"BEGIN:VCALENDAR" not in ics.content


# --- The listing ------------------------------------------------------------------------


def test_upcoming_soonest_first_and_past_latest_first(client):
    EventPageFactory(title="Next week", start=at("2026-06-22 10:00"), end=at("2026-06-22 11:00"))
    EventPageFactory(title="Tomorrow", start=at("2026-06-16 10:00"), end=at("2026-06-16 11:00"))
    EventPageFactory(title="Last month", start=at("2026-05-10 10:00"), end=at("2026-05-10 11:00"))
    EventPageFactory(title="Last week", start=at("2026-06-08 10:00"), end=at("2026-06-08 11:00"))
    assert listed_titles(client.get("/events/")) == ["Tomorrow", "Next week"]
    assert listed_titles(client.get("/events/?when=past")) == ["Last week", "Last month"]


def test_an_event_under_way_is_still_upcoming_and_leaves_when_it_ends(client, clock):
    EventPageFactory(
        title="Summer school", start=at("2026-06-10 09:00"), end=at("2026-06-19 17:00")
    )
    assert listed_titles(client.get("/events/")) == ["Summer school"]
    clock.move_to(at("2026-06-19 17:01"), tick=False)
    assert listed_titles(client.get("/events/")) == []
    assert listed_titles(client.get("/events/?when=past")) == ["Summer school"]


def test_drafts_and_private_events_are_not_listed(client):
    EventPageFactory(title="Public")
    EventPageFactory(title="Draft", live=False)
    restrict(EventPageFactory(title="Members only"))
    assert listed_titles(client.get("/events/")) == ["Public"]


@pytest.fixture
def varied():
    recycling = TopicFactory(name="Recycling", slug="recycling")
    hydromet = TopicFactory(name="Hydrometallurgy", slug="hydromet", parent=recycling)
    brines = TopicFactory(name="Brines", slug="brines")
    EventPageFactory(
        title="Recycling conference",
        kind=EventKind.CONFERENCE,
        topics=[recycling],
        attendance_mode=AttendanceMode.IN_PERSON,
        city="London",
        country="GB",
    )
    EventPageFactory(title="Leaching webinar", kind=EventKind.SEMINAR, topics=[hydromet])
    EventPageFactory(
        title="Salar summer school",
        kind=EventKind.SUMMER_SCHOOL,
        topics=[brines],
        attendance_mode=AttendanceMode.HYBRID,
        city="Antofagasta",
        country="CL",
    )
    return {"recycling": recycling, "brines": brines}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=conference", {"Recycling conference"}),
        ("kind=summer-school", {"Salar summer school"}),
        ("topic=recycling", {"Recycling conference", "Leaching webinar"}),  # with subtopics
        ("topic=hydromet", {"Leaching webinar"}),
        ("country=CL", {"Salar summer school"}),
        ("mode=online", {"Leaching webinar"}),
        ("mode=hybrid&country=CL&topic=brines", {"Salar summer school"}),
        ("kind=workshop", set()),
    ],
)
def test_filters(client, varied, query, expected):
    assert set(listed_titles(client.get(f"/events/?{query}"))) == expected


@pytest.mark.parametrize(
    "query",
    [
        "kind=party",
        "topic=nope",
        "country=ZZ",
        "mode=telepathy",
        "when=tomorrow",
        "page=abc",
        "page=999",
        "topic=%00",
        "kind=conference&kind=seminar",
    ],
)
def test_bad_filter_values_are_ignored_not_errors(client, varied, query):
    response = client.get(f"/events/?{query}")
    assert response.status_code == 200


def test_the_filters_offer_only_topics_and_countries_in_use(client, varied):
    form = client.get("/events/").context["filter_form"]
    assert [value for value, _ in form.fields["country"].choices] == ["", "CL", "GB"]
    topics = {value for value, _ in form.fields["topic"].choices}
    assert topics == {"", "recycling", "hydromet", "brines"}


def test_the_listing_links_the_topics_calendar_and_feeds(client, varied):
    html = client.get("/events/?topic=brines").content.decode()
    assert 'href="/events/topics/brines/calendar.ics"' in html
    assert 'href="/events/topics/brines/feed.rss"' in html
    assert 'href="/events/calendar.ics"' in html


def test_the_listing_in_spanish(client, varied):
    body = text(client.get("/es/events/"))
    assert "3 próximos eventos" in body
    assert "Escuela de verano" in body


def test_the_index_and_an_event_keep_to_a_fixed_number_of_queries(
    client, varied, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30):
        client.get("/events/")
    for _ in range(5):
        EventPageFactory()
    with django_assert_max_num_queries(30):
        client.get("/events/")
