"""The personalised weekly digest: what one subscriber's digest holds, and its e-mail.

A digest holds only what is new for the person: news, opportunities and events
first published since their last digest (at most one week back), about their
topics or their sub-topics (no topics = every topic, as for issues' recipients).
Opportunities are those still open, and, when the person gave them, open to their
country and career stage; events are those not over yet. Nothing new, no digest.

Each page is shown in the subscriber's language where it has a live translation,
in its original otherwise (`listings.in_language`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Max, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from wagtail.models import Locale

from .listings import (
    event_context,
    in_language,
    live_events,
    live_opportunities,
    one_per_story,
    opportunity_context,
    published_since,
)
from .rendering import absolute, item_context

#: How far back a digest reaches, at most.
WINDOW = timedelta(days=7)
#: At most this many items of each kind (news, opportunities, events) in one digest.
MAX_PER_KIND = 10


def iso_week(moment: datetime) -> tuple[int, int]:
    """The (ISO year, ISO week) of `moment` in the site's time zone."""
    year, week, _ = timezone.localtime(moment).isocalendar()
    return year, week


@dataclass
class DigestContent:
    since: datetime
    language: str
    news: list[Any] = field(default_factory=list)
    opportunities: list[Any] = field(default_factory=list)
    events: list[Any] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.news) + len(self.opportunities) + len(self.events)

    def __bool__(self) -> bool:
        return self.count > 0


def last_digest_at(subscriber: Any) -> datetime | None:
    from .digest_records import DigestSend, DigestState

    return DigestSend.objects.filter(subscriber=subscriber, state=DigestState.SENT).aggregate(
        last=Max("sent_at")
    )["last"]


def since_for(subscriber: Any, now: datetime) -> datetime:
    """Since their last digest, but never more than a week back."""
    last = last_digest_at(subscriber)
    week_ago = now - WINDOW
    return max(last, week_ago) if last else week_ago


def _topic_ids(topic_ids: Iterable[int]) -> list[int]:
    """The chosen topics and their sub-topics."""
    from directory.models import Topic

    chosen = list(topic_ids)
    if not chosen:
        return []
    return list(
        Topic.objects.filter(Q(pk__in=chosen) | Q(parent_id__in=chosen)).values_list(
            "pk", flat=True
        )
    )


def _about(queryset: QuerySet, topic_ids: list[int]) -> QuerySet:
    """Stories with any version tagged with the topics (a translation may lack them)."""
    if not topic_ids:
        return queryset
    keys = queryset.filter(topics__in=topic_ids).values("translation_key")
    return queryset.filter(translation_key__in=keys)


def _live_news() -> QuerySet:
    from .models import NewsletterIssueItem

    model = NewsletterIssueItem._meta.get_field("news_page").related_model
    return model.objects.live().public().select_related("image", "locale")


def _locale_id(language: str) -> int | None:
    from newsletter.languages import interface_language

    return (
        Locale.objects.filter(language_code=interface_language(language))
        .values_list("pk", flat=True)
        .first()
    )


def select(
    *,
    topic_ids: Iterable[int],
    language: str,
    since: datetime,
    now: datetime,
    country: str = "",
    career_stage: str = "",
) -> DigestContent:
    """What is new since `since` for someone with these topics, country and stage."""
    topics = _topic_ids(topic_ids)
    locale_id = _locale_id(language)

    def pick(queryset: QuerySet, order: str) -> list[Any]:
        pages = one_per_story(queryset.order_by(order, "pk"))[:MAX_PER_KIND]
        return in_language(pages, locale_id, queryset.model.objects.live().public())

    news = _about(published_since(_live_news(), since), topics)
    opportunities = _about(published_since(live_opportunities(), since), topics).open_at(now)
    if country:
        opportunities = opportunities.for_country(country)
    if career_stage:
        opportunities = opportunities.for_career_stage(career_stage)
    events = _about(published_since(live_events(), since), topics).filter(end__gte=now)
    return DigestContent(
        since=since,
        language=language,
        news=pick(news, "-first_published_at"),
        opportunities=pick(opportunities, "closes_at"),
        events=pick(events, "start"),
    )


def for_subscriber(subscriber: Any, now: datetime | None = None) -> DigestContent:
    now = now or timezone.now()
    return select(
        topic_ids=subscriber.topics.values_list("pk", flat=True),
        language=subscriber.language,
        since=since_for(subscriber, now),
        now=now,
        country=str(subscriber.country or ""),
        career_stage=subscriber.career_stage,
    )


# --- the e-mail -------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedDigest:
    subject: str
    html: str
    text: str


def render(content: DigestContent, *, mailchimp_footer: bool = False) -> RenderedDigest:
    """The digest's bodies in its language (without the local per-recipient footer)."""
    from newsletter.emails import SITE_NAME
    from newsletter.languages import speaking

    from .rendering import LINK_STYLE

    with speaking(content.language) as lang:
        subject = gettext("Your weekly digest: what is new for you")
        context = {
            "lang": lang,
            "subject": subject,
            "since": timezone.localtime(content.since),
            "items": [item_context(page) for page in content.news],
            "opportunities": [opportunity_context(p, absolute) for p in content.opportunities],
            "events": [event_context(p, absolute) for p in content.events],
            "site_name": SITE_NAME,
            "site_url": absolute(reverse("wagtail_serve", args=[""])),
            "link_style": LINK_STYLE,
            "mailchimp_footer": mailchimp_footer,
        }
        return RenderedDigest(
            subject=subject,
            html=render_to_string("newsletter_issues/digest_email.html", context),
            text=render_to_string("newsletter_issues/digest_email.txt", context).strip() + "\n",
        )
