"""iCalendar (RFC 5545) files of events, made with the `icalendar` library.

One file per event ("add to calendar") and subscribable calendars of many events
(all, or one topic's: `editorial.views_events`). Each event keeps its own zone:
DTSTART and DTEND carry a TZID, and the file holds a VTIMEZONE for every zone it
uses (`add_missing_timezones`), so a calendar shows the event at the right instant
on both sides of any clock change, and in the organisers' zone if asked. UIDs are
stable (the page's id and the site's host), so a subscribed calendar updates an
event in place when it changes instead of adding a copy.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.html import strip_tags

from editorial.event_display import absolute, location_text

if TYPE_CHECKING:
    from editorial.models import EventPage

PRODID = "-//UK-LatAm Battery Network//Events//EN"
#: How often subscribers' calendars should fetch a feed again.
REFRESH = timedelta(hours=6)
CONTENT_TYPE = "text/calendar; charset=utf-8"


def uid(page: EventPage) -> str:
    host = urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "localhost"
    return f"event-{page.translation_key}@{host}"


def vevent(page: EventPage, request: HttpRequest | None = None) -> icalendar.Event:
    """One event, in its own zone."""
    zone = page.zone
    url = absolute(request, page.get_url(request) or "")
    event = icalendar.Event()
    event.add("uid", uid(page))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", page.start.astimezone(zone))
    event.add("dtend", page.end.astimezone(zone))
    event.add("summary", page.title)
    description = page.summary or strip_tags(page.body).strip()
    lines = [description] if description else []
    if page.registration_url:
        lines.append(page.registration_url)
    if url:
        lines.append(url)
    if lines:
        event.add("description", "\n\n".join(lines))
    location = location_text(page) if page.is_at_a_place else ""
    if not location and page.join_url:
        location = page.join_url
    if location:
        event.add("location", location)
    if url:
        event.add("url", url)
    if page.last_published_at:
        event.add("last-modified", page.last_published_at)
    topics = [topic.name for topic in page.topics.all()]
    if topics:
        event.add("categories", topics)
    event.add("status", "CONFIRMED")
    return event


def event_calendar(
    pages: Iterable[EventPage], *, name: str, request: HttpRequest | None = None
) -> icalendar.Calendar:
    """A calendar of `pages`, with a VTIMEZONE for each zone they use."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    for page in pages:
        calendar.add_component(vevent(page, request))
    calendar.add_missing_timezones()
    return calendar


def calendar_response(
    calendar: icalendar.Calendar, *, filename: str, download: bool = True
) -> HttpResponse:
    """The calendar as a file named `filename`: a download for one event (calendar apps
    open it directly), inline for a feed that calendars subscribe to."""
    response = HttpResponse(calendar.to_ical(), content_type=CONTENT_TYPE)
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
