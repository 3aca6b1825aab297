"""What an event page shows beyond its fields: times in two zones, speakers' profiles,
"add to calendar" links and the schema.org `Event` for search engines."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from editorial.zones import dual_instant_text, same_zone, span_text, visitor_zone

if TYPE_CHECKING:
    from editorial.models import EventPage

SCHEMA_MODES = {
    "in-person": "https://schema.org/OfflineEventAttendanceMode",
    "online": "https://schema.org/OnlineEventAttendanceMode",
    "hybrid": "https://schema.org/MixedEventAttendanceMode",
}
GOOGLE_CALENDAR = "https://calendar.google.com/calendar/render"


def speakers(page: EventPage) -> list[dict[str, Any]]:
    """Each speaker's name, with a link to their profile when anyone may see it."""
    from directory.models import ResearcherPage

    rows = list(page.speakers.all())
    if page.pk is not None:  # previews of unsaved pages hold their speakers in memory
        rows = list(page.speakers.select_related("researcher"))
    ids = [row.researcher_id for row in rows if row.researcher_id]
    listed = set(ResearcherPage.objects.listed().filter(pk__in=ids).values_list("pk", flat=True))
    result = []
    for row in rows:
        url = ""
        if row.researcher_id in listed:
            url = row.researcher.get_url() or ""
        result.append(
            {
                "name": row.display_name,
                "url": url,
                "affiliation": row.affiliation,
                "talk_title": row.talk_title,
            }
        )
    return result


def location_text(page: EventPage) -> str:
    """Venue, city, country on one line: what a calendar's "location" holds."""
    parts = [page.venue, page.city, str(page.country.name) if page.country else ""]
    return ", ".join(part for part in parts if part)


def google_calendar_url(page: EventPage, page_url: str) -> str:
    """A Google Calendar "create event" link, prefilled (times in UTC, shown in the
    event's zone)."""

    def utc(moment: datetime) -> str:
        return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    details = "\n\n".join(part for part in (page.summary, page_url) if part)
    params = {
        "action": "TEMPLATE",
        "text": page.title,
        "dates": f"{utc(page.start)}/{utc(page.end)}",
        "details": details,
        "location": location_text(page) or page.join_url,
        "ctz": page.time_zone,
    }
    return f"{GOOGLE_CALENDAR}?{urlencode(params)}"


def json_ld(page: EventPage, page_url: str, speaker_rows: list[dict[str, Any]]) -> dict:
    """schema.org `Event`, with its attendance mode and a Place and/or VirtualLocation."""
    zone = page.zone
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": page.title,
        "url": page_url,
        "startDate": page.start.astimezone(zone).isoformat(),
        "endDate": page.end.astimezone(zone).isoformat(),
        "eventAttendanceMode": SCHEMA_MODES[page.attendance_mode],
        "eventStatus": "https://schema.org/EventScheduled",
        "organizer": {
            "@type": "Organization",
            "name": settings.WAGTAIL_SITE_NAME,
            "url": settings.WAGTAILADMIN_BASE_URL,
        },
    }
    description = page.summary or strip_tags(page.body).strip()
    if description:
        data["description"] = description[:500]
    locations: list[dict[str, Any]] = []
    if page.is_at_a_place:
        address: dict[str, Any] = {"@type": "PostalAddress"}
        if page.city:
            address["addressLocality"] = page.city
        if page.country:
            address["addressCountry"] = page.country.code
        locations.append({"@type": "Place", "name": page.venue or page.city, "address": address})
    if page.is_online:
        locations.append(
            {"@type": "VirtualLocation", "url": page.join_url or page.registration_url or page_url}
        )
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
    performers = []
    for speaker in speaker_rows:
        person: dict[str, Any] = {"@type": "Person", "name": speaker["name"]}
        if speaker["url"]:
            person["url"] = speaker["url"]
        performers.append(person)
    if performers:
        data["performer"] = performers
    topics = [topic.name for topic in page.topics.all()]
    if topics:
        data["keywords"] = ", ".join(topics)
    if page.registration_url:
        offer: dict[str, Any] = {"@type": "Offer", "url": page.registration_url}
        if page.registration_deadline:
            offer["validThrough"] = page.registration_deadline.astimezone(zone).isoformat()
        data["offers"] = offer
    return data


def absolute(request: HttpRequest | None, url: str) -> str:
    if url.startswith(("http://", "https://")) or request is None:
        return url
    return request.build_absolute_uri(url)


def page_context(page: EventPage, request: HttpRequest) -> dict[str, Any]:
    """Everything `editorial/event_page.html` shows besides the page's own fields."""
    visitor = visitor_zone(request)
    zone = page.zone
    now = timezone.now()
    page_url = absolute(request, page.get_url(request) or "")
    speaker_rows = speakers(page)
    context: dict[str, Any] = {
        "visitor_zone": visitor,
        "times_own": span_text(page.start, page.end, zone),
        "times_visitor": ""
        if same_zone(zone, visitor)
        else span_text(page.start, page.end, visitor),
        "is_past": page.end < now,
        "is_under_way": page.start <= now <= page.end,
        "speaker_rows": speaker_rows,
        "topic_list": list(page.topics.all()),
        "location": location_text(page),
        "json_ld": json_ld(page, page_url, speaker_rows),
        "google_calendar_url": google_calendar_url(page, page_url),
        "ics_url": reverse("editorial_events:event_calendar", kwargs={"slug": page.slug}),
    }
    if page.registration_deadline:
        context["registration_closes"] = dual_instant_text(
            page.registration_deadline, zone, visitor
        )
        context["registration_open"] = page.registration_deadline > now
    else:
        context["registration_open"] = not context["is_past"]
    return context


def search_details(page_ids: list[int], request: HttpRequest | None) -> dict[int, dict[str, Any]]:
    """What a site-search result card shows of each event: kind, summary, when (in the
    event's zone, and the visitor's when it differs) and where (city, online or both).
    One query for a page of results."""
    from editorial.models import EventPage

    if not page_ids:
        return {}
    visitor = visitor_zone(request)
    now = timezone.now()
    details = {}
    for page in EventPage.objects.filter(pk__in=page_ids):
        place = ""
        if page.is_at_a_place and page.city:
            place = page.city + (f", {page.country.name}" if page.country else "")
        details[page.pk] = {
            "kind": page.get_kind_display(),
            "summary": page.summary,
            "start": page.start,
            "when": span_text(page.start, page.end, page.zone),
            "visitor_when": ""
            if same_zone(page.zone, visitor)
            else span_text(page.start, page.end, visitor),
            "place": place,
            "online": page.is_online,
            "mode": page.get_attendance_mode_display(),
            "past": page.end < now,
        }
    return details
