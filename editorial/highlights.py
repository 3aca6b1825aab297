"""Editorial content shown on other pages: a topic's hub sections and the home page.

Both show a few items of each kind: open opportunities (soonest deadline first),
upcoming events (soonest first) and the latest news, in the visitor's language where
translated. Each function returns a list built in a fixed number of queries (the
relations the cards read are selected or prefetched), so the pages showing them
cost the same however many items there are. `register_hub_sections` puts them on
every topic's page through `common.hub`, because `directory/` may not import this app.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common import hub
from common.i18n_pages import localized_pages
from directory.models import Topic
from editorial.models import EventPage, NewsPage, OpportunityPage
from editorial.zones import visitor_zone

#: How many items of each kind a topic's page and the home page show.
HIGHLIGHTS = 3


def _family(topic: Topic | None):
    """The ids of `topic` and its subtopics, as a subquery (a parent gathers its own)."""
    return Topic.objects.filter(Q(pk=topic.pk) | Q(parent=topic)).values("pk")


def open_opportunities(
    request: HttpRequest | None, topic: Topic | None = None, limit: int = HIGHLIGHTS
) -> list[Any]:
    """Listing cards of open opportunities (deadline not passed), soonest deadline first."""
    from editorial.views_opportunities import card

    now = timezone.now()
    items = OpportunityPage.objects.listed().open_at(now)
    if topic is not None:
        tagged = OpportunityPage.topics.through.objects.filter(topic_id__in=_family(topic))
        items = items.filter(pk__in=tagged.values("opportunitypage_id"))
    items = localized_pages(items).with_card_relations().order_by("closes_at", "pk")[:limit]
    zone = visitor_zone(request)
    return [card(page, zone, now) for page in items]


def upcoming_events(topic: Topic | None = None, limit: int = HIGHLIGHTS) -> list[EventPage]:
    """Events not over yet, soonest first (an event under way is still upcoming)."""
    events = EventPage.objects.listed().in_active_language()
    if topic is not None:
        tagged = EventPage.topics.through.objects.filter(topic_id__in=_family(topic))
        events = events.filter(pk__in=tagged.values("eventpage_id"))
    return list(events.upcoming()[:limit])


def latest_news(topic: Topic | None = None, limit: int = HIGHLIGHTS) -> list[NewsPage]:
    """The newest news items."""
    news = NewsPage.objects.live().public()
    if topic is not None:
        tagged = NewsPage.topics.through.objects.filter(topic_id__in=_family(topic))
        news = news.filter(pk__in=tagged.values("newspage_id"))
    return list(localized_pages(news).select_related("image").order_by("-date", "-pk")[:limit])


def register_hub_sections() -> None:
    """Add opportunities, events and news to every topic's page (`common.hub`)."""
    hub.register(
        hub.HubSection(
            key="opportunities",
            heading=_("Open opportunities"),
            template="editorial/includes/hub_opportunities.html",
            items=lambda topic, request: open_opportunities(request, topic),
            order=10,
        )
    )
    hub.register(
        hub.HubSection(
            key="events",
            heading=_("Upcoming events"),
            template="editorial/includes/hub_events.html",
            items=lambda topic, request: upcoming_events(topic),
            order=20,
        )
    )
    hub.register(
        hub.HubSection(
            key="news",
            heading=_("Latest news"),
            template="editorial/includes/hub_news.html",
            items=lambda topic, request: latest_news(topic),
            order=30,
        )
    )
