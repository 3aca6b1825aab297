"""Events in a real browser: the visitor's zone from the browser itself, and "add to
calendar" downloading an .ics that calendar apps read (parsed back with icalendar).

The tests are transactional (the live server's thread must see their data), like the
other browser tests; `serialized_rollback` restores the migration-made pages.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import icalendar
import pytest
from django.utils import timezone

from tests.editorial.events_support import SANTIAGO, EventPageFactory

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def seminar(live_server):
    day = (timezone.now() + timedelta(days=30)).astimezone(SANTIAGO).date()
    start = datetime.combine(day, time(10, 0), tzinfo=SANTIAGO)
    return EventPageFactory(
        title="Brine chemistry seminar",
        slug="brine-chemistry-seminar",
        start=start,
        end=start + timedelta(hours=1, minutes=30),
    )


def test_times_follow_the_browsers_zone_once_the_script_has_run(open_tab, live_server, seminar):
    tab = open_tab(timezone_id="America/Sao_Paulo", locale="es-BR")
    tab.goto(f"{live_server.url}/es/events/")
    # The first view can only guess (London, named); the script remembers the zone.
    expect(tab.locator(".event-card").first).to_contain_text("hora de Santiago")
    cookies = {c["name"]: c["value"] for c in tab.context.cookies()}
    assert cookies["tz"] == "America/Sao_Paulo"
    tab.goto(f"{live_server.url}/es{seminar.url}")
    expect(tab.locator(".event-facts")).to_contain_text("hora de São Paulo")
    expect(tab.locator(".event-facts")).not_to_contain_text("Londres")


def test_add_an_event_to_the_calendar(open_tab, live_server, seminar):
    tab = open_tab(timezone_id="Europe/London")
    tab.goto(f"{live_server.url}/events/")
    tab.get_by_role("link", name="Brine chemistry seminar").click()
    expect(tab.get_by_role("heading", name="Add to your calendar")).to_be_visible()
    with tab.expect_download() as download_info:
        tab.get_by_role("link", name="Download the event").click()
    download = download_info.value
    assert download.suggested_filename == "brine-chemistry-seminar.ics"
    with open(download.path(), "rb") as ics:
        calendar = icalendar.Calendar.from_ical(ics.read())
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Brine chemistry seminar"
    assert event["DTSTART"].params["TZID"] == "America/Santiago"
    assert event.decoded("DTSTART") == seminar.start
    google = tab.get_by_role("link", name="Add to Google Calendar")
    assert google.get_attribute("href").startswith("https://calendar.google.com/")
