"""RSS and Atom feeds of events (Django's syndication framework), all or per topic.

A feed item is an announcement: the upcoming events, newest announced first, each
with its kind, its time in its own zone (a feed has no visitor to convert for) and
where it happens. Under /es/ and /pt-br/ the feed speaks that language.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from directory.models import Topic
from editorial.event_display import location_text
from editorial.models import AttendanceMode, EventPage
from editorial.views_events import events_index_url, in_topic, listed_events
from editorial.zones import span_text

#: Items in one feed.
FEED_ITEMS = 50


class EventsFeed(Feed):
    """Upcoming events; with a topic slug in the URL, that topic's (and subtopics')."""

    feed_type = Rss201rev2Feed

    def get_object(self, request: HttpRequest, slug: str | None = None) -> Topic | None:
        self.request = request
        return get_object_or_404(Topic, slug=slug) if slug else None

    def title(self, topic: Topic | None) -> str:
        if topic is None:
            return _("UK–LatAm Battery Network events")
        return _("UK–LatAm Battery Network events: %(topic)s") % {"topic": topic.label}

    def link(self, topic: Topic | None) -> str:
        if topic is None:
            return events_index_url(self.request)
        return f"{events_index_url(self.request)}?{urlencode({'topic': topic.slug})}"

    def description(self, topic: Topic | None) -> str:
        return _("Conferences, seminars, workshops, summer schools and lab visits.")

    def items(self, topic: Topic | None):
        events = listed_events().upcoming(timezone.now())
        if topic is not None:
            events = in_topic(events, topic)
        return events.prefetch_related("topics").order_by("-first_published_at", "-pk")[:FEED_ITEMS]

    def item_title(self, item: EventPage) -> str:
        return item.title

    def item_description(self, item: EventPage) -> str:
        parts = [str(item.get_kind_display()), span_text(item.start, item.end, item.zone)]
        if item.attendance_mode == AttendanceMode.ONLINE:
            parts.append(str(item.get_attendance_mode_display()))
        elif location := location_text(item):
            parts.append(location)
        line = " · ".join(parts)
        return f"{line}\n\n{item.summary}" if item.summary else line

    def item_link(self, item: EventPage) -> str:
        return item.get_url(self.request) or events_index_url(self.request)

    def item_guid(self, item: EventPage) -> str:
        return f"event-{item.translation_key}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: EventPage):
        return item.first_published_at

    def item_updateddate(self, item: EventPage):
        # Atom requires it; a page made outside the editor may lack publication dates.
        return (
            item.last_published_at
            or item.first_published_at
            or item.latest_revision_created_at
            or item.start
        )

    def item_categories(self, item: EventPage) -> list[str]:
        return [topic.label for topic in item.topics.all()]


class EventsAtomFeed(EventsFeed):
    feed_type = Atom1Feed
    subtitle = EventsFeed.description

    def feed_url(self, topic: Topic | None) -> str:
        if topic is None:
            return reverse("editorial_events:atom")
        return reverse("editorial_events:topic_atom", kwargs={"slug": topic.slug})
