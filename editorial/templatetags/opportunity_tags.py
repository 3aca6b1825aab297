"""Opportunities shown on other apps' pages: "Opportunities for you" on a profile."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from editorial.models.opportunities import OpportunityPage
from editorial.zones import ZonedTime, get_zone

register = template.Library()

#: At most this many opportunities under a profile: a hint, not a listing.
FOR_YOU_LIMIT = 3


@register.simple_tag(takes_context=True)
def opportunities_for(context: Any, researcher: Any, profile: dict | None = None) -> list[dict]:
    """Open opportunities matching `researcher`'s topics, career stage and country,
    soonest deadline first, each with its URL and its deadline in its own zone.

    One query: the topics come from the profile's context when it has them.
    """
    if researcher is None or getattr(researcher, "pk", None) is None:
        return []
    topics = (profile or {}).get("topics")
    if topics is None:
        topics = list(researcher.topics.all())
    pages = (
        OpportunityPage.objects.listed()
        .open_at(timezone.now())
        .for_profile(researcher, topics)
        .order_by("closes_at", "pk")[:FOR_YOU_LIMIT]
    )
    request = context.get("request")
    matches = []
    for page in pages:
        zone = get_zone(page.time_zone, default="UTC")
        matches.append(
            {
                "page": page,
                "url": page.get_url(request),
                "deadline": ZonedTime(timezone.localtime(page.closes_at, zone), zone),
            }
        )
    return matches
