"""iCalendar files, read back with `icalendar`: one event's download and the feeds.

Each event keeps its zone (DTSTART;TZID=… with a VTIMEZONE in the file), and the
instants are right on both sides of the clock changes of Chile and the UK.
"""

from __future__ import annotations

from datetime import UTC, datetime

import icalendar
import pytest

from tests.editorial.events_support import LONDON, EventPageFactory, at
from tests.factories import TopicFactory, restrict

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def events_of(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def test_an_events_file_holds_it_in_its_own_zone(client):
    event = EventPageFactory(
        title="Brine seminar", start=at("2026-07-01 10:00"), end=at("2026-07-01 11:30")
    )
    response = client.get(event.url + "calendar.ics")
    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
    calendar = parse(response)
    (vevent,) = calendar.walk("VEVENT")
    assert vevent["DTSTART"].params["TZID"] == "America/Santiago"
    assert b"DTSTART;TZID=America/Santiago:20260701T100000" in response.content
    assert vevent.decoded("DTSTART").astimezone(UTC) == datetime(2026, 7, 1, 14, 0, tzinfo=UTC)
    assert vevent.decoded("DTEND").astimezone(UTC) == datetime(2026, 7, 1, 15, 30, tzinfo=UTC)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["America/Santiago"]
    assert str(vevent["URL"]) == f"http://testserver{event.url}"
    assert str(vevent["LOCATION"]) == "https://meet.example.org/brines"
    assert str(vevent["UID"]).startswith("event-") and str(vevent["UID"]).endswith("@testserver")


@pytest.mark.parametrize(
    ("day", "utc_hour", "london_hour"),
    [
        ("2026-03-24", 13, 13),
        ("2026-03-31", 13, 14),  # the UK has gone forward
        ("2026-04-07", 14, 15),  # and Chile has gone back
        ("2026-09-01", 14, 15),
        ("2026-09-08", 13, 14),  # Chile has gone forward
        ("2026-10-27", 13, 13),  # the UK has gone back
    ],
)
def test_the_instants_survive_every_clock_change(client, clock, day, utc_hour, london_hour):
    clock.move_to(datetime(2026, 1, 1, tzinfo=UTC), tick=False)
    event = EventPageFactory(start=at(f"{day} 10:00"), end=at(f"{day} 11:00"))
    calendar = parse(client.get(event.url + "calendar.ics"))
    start = calendar.walk("VEVENT")[0].decoded("DTSTART")
    assert start.astimezone(UTC).hour == utc_hour
    assert start.astimezone(LONDON).hour == london_hour


def test_the_vtimezone_describes_the_zones_changes(client):
    """A calendar app that ignores TZID names still gets the offsets from the file."""
    event = EventPageFactory(start=at("2026-04-07 10:00"), end=at("2026-04-07 11:00"))
    calendar = parse(client.get(event.url + "calendar.ics"))
    (timezone,) = calendar.walk("VTIMEZONE")
    offsets = {sub["TZOFFSETTO"].td.total_seconds() / 3600 for sub in timezone.subcomponents}
    assert offsets >= {-3, -4}


def test_the_feed_holds_every_events_zone_and_a_vtimezone_for_each(client):
    EventPageFactory(title="Santiago", start=at("2026-07-01 10:00"), end=at("2026-07-01 11:00"))
    EventPageFactory(
        title="London",
        time_zone="Europe/London",
        start=at("2026-07-02 15:00", LONDON),
        end=at("2026-07-02 16:00", LONDON),
    )
    response = client.get("/events/calendar.ics")
    assert response["Content-Disposition"].startswith("inline")
    calendar = parse(response)
    events = events_of(calendar)
    assert set(events) == {"Santiago", "London"}
    assert events["London"]["DTSTART"].params["TZID"] == "Europe/London"
    assert events["London"].decoded("DTSTART").astimezone(UTC) == datetime(
        2026, 7, 2, 14, 0, tzinfo=UTC
    )
    assert {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")} == {
        "America/Santiago",
        "Europe/London",
    }
    assert str(calendar["X-WR-CALNAME"]) == "UK–LatAm Battery Network events"


def test_the_feed_leaves_out_drafts_private_and_long_past_events(client):
    EventPageFactory(title="Public")
    EventPageFactory(title="Draft", live=False)
    restrict(EventPageFactory(title="Private"))
    EventPageFactory(title="Recent", start=at("2026-05-01 10:00"), end=at("2026-05-01 11:00"))
    EventPageFactory(title="Old", start=at("2025-10-01 10:00"), end=at("2025-10-01 11:00"))
    assert set(events_of(parse(client.get("/events/calendar.ics")))) == {"Public", "Recent"}


def test_a_topics_feed_holds_its_events_and_its_subtopics(client):
    recycling = TopicFactory(name="Recycling", slug="recycling")
    leaching = TopicFactory(name="Leaching", slug="leaching", parent=recycling)
    EventPageFactory(title="On recycling", topics=[recycling])
    EventPageFactory(title="On leaching", topics=[leaching])
    EventPageFactory(title="Elsewhere")
    calendar = parse(client.get("/events/topics/recycling/calendar.ics"))
    assert set(events_of(calendar)) == {"On recycling", "On leaching"}
    assert str(calendar["X-WR-CALNAME"]).endswith(": Recycling")
    assert set(events_of(parse(client.get("/events/topics/leaching/calendar.ics")))) == {
        "On leaching"
    }


def test_an_unknown_topics_feed_is_404(client):
    assert client.get("/events/topics/nope/calendar.ics").status_code == 404


def test_the_uid_stays_when_the_event_changes(client):
    event = EventPageFactory()
    first = parse(client.get("/events/calendar.ics")).walk("VEVENT")[0]["UID"]
    event.title = "Renamed"
    event.start = at("2026-07-03 10:00")
    event.end = at("2026-07-03 11:00")
    event.save_revision().publish()
    second = parse(client.get("/events/calendar.ics")).walk("VEVENT")[0]
    assert second["UID"] == first
    assert str(second["SUMMARY"]) == "Renamed"


def test_a_feed_in_spanish_names_itself_in_spanish(client):
    EventPageFactory()
    calendar = parse(client.get("/es/events/calendar.ics"))
    assert str(calendar["X-WR-CALNAME"]).startswith("Eventos de la Red")
