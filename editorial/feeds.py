"""RSS 2.0 and Atom feeds of news and opportunities, of everything or of one topic.

Served by the index pages themselves (routes `feed/rss/`, `feed/atom/`,
`feed/<topic>/rss/`, `feed/<topic>/atom/` of `/news/` and `/opportunities/`), so each
language's index feeds its own pages and the feeds follow the pages if an editor moves
them. Only pages anyone may read are listed (live, not in a private section). A topic
feed holds the items of the topic and of its sub-topics. Opportunities leave the feed
at their deadline, as they leave the open listing.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _
from wagtail.models import Page

from directory.models import Topic
from editorial.models.news import NewsPage
from editorial.models.opportunities import OpportunityPage
from editorial.zones import ZonedTime, get_zone

#: Items in a feed: readers poll often, so the latest are enough.
FEED_LENGTH = 30
FLAVOURS = {"rss": Rss201rev2Feed, "atom": Atom1Feed}


class IndexFeed(Feed):
    """The children of one index page, newest first; subclasses say which and how."""

    what = ""  # the content's name in titles ("news", "opportunities")

    def __init__(self, index: Page, flavour: str, topic_slug: str = "") -> None:
        super().__init__()
        self.index = index
        self.feed_type = FLAVOURS[flavour]
        self.topic_slug = topic_slug
        self.request: HttpRequest | None = None

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Topic | None:
        if not self.topic_slug:
            return None
        topic = Topic.objects.filter(slug=self.topic_slug).first()
        if topic is None:
            raise Http404("No such topic.")
        return topic

    def topic_family(self, topic: Topic) -> list[int]:
        return [topic.pk, *Topic.objects.filter(parent=topic).values_list("pk", flat=True)]

    def site_name(self) -> str:
        return getattr(settings, "WAGTAIL_SITE_NAME", "")

    def link(self, obj: Topic | None) -> str:
        return self.index.get_url(self.request) or "/"

    def item_title(self, item: Page) -> str:
        return item.title

    def item_link(self, item: Page) -> str:
        return item.get_url(self.request)

    def item_updateddate(self, item: Page) -> datetime:
        """Atom requires it of every entry: the last publication, else the first date
        the item has."""
        return (
            item.last_published_at
            or self.item_pubdate(item)
            or item.latest_revision_created_at
            or timezone.now()
        )

    def item_categories(self, item: Page) -> list[str]:
        return [topic.label for topic in item.topics.all()]


class NewsFeed(IndexFeed):
    def title(self, obj: Topic | None) -> str:
        if obj is None:
            return _("%(site)s: news") % {"site": self.site_name()}
        return _("%(site)s: news on %(topic)s") % {"site": self.site_name(), "topic": obj.label}

    def description(self, obj: Topic | None) -> str:
        return _("The latest news of the network.")

    def items(self, obj: Topic | None):
        items = NewsPage.objects.child_of(self.index).live().public()
        if obj is not None:
            items = items.filter(topics__in=self.topic_family(obj)).distinct()
        return items.prefetch_related("topics").order_by("-date", "-pk")[:FEED_LENGTH]

    def item_description(self, item: NewsPage) -> str:
        return item.summary or item.search_description

    def item_pubdate(self, item: NewsPage) -> datetime:
        return datetime.combine(item.date, time(0), tzinfo=UTC)


class OpportunityFeed(IndexFeed):
    def title(self, obj: Topic | None) -> str:
        if obj is None:
            return _("%(site)s: opportunities") % {"site": self.site_name()}
        return _("%(site)s: opportunities in %(topic)s") % {
            "site": self.site_name(),
            "topic": obj.label,
        }

    def description(self, obj: Topic | None) -> str:
        return _("Funding calls, fellowships, studentships and jobs that are open now.")

    def items(self, obj: Topic | None):
        items = OpportunityPage.objects.child_of(self.index).listed().open_at(timezone.now())
        if obj is not None:
            items = items.for_topics(self.topic_family(obj))
        return (
            items.select_related("host")
            .prefetch_related("topics")
            .order_by("-first_published_at", "-pk")[:FEED_LENGTH]
        )

    def item_description(self, item: OpportunityPage) -> str:
        zone = get_zone(item.time_zone, default="UTC")
        deadline = ZonedTime(timezone.localtime(item.closes_at, zone), zone)
        lines = [
            item.get_kind_display(),
            item.host_name,
            _("Deadline: %(when)s") % {"when": deadline},
            item.summary,
        ]
        return "\n".join(line for line in lines if line)

    def item_pubdate(self, item: OpportunityPage) -> datetime | None:
        return item.first_published_at
