"""Tags of the editorial sections shown on other apps' pages (a topic's, the home page)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django import template

from common.i18n import current_language
from common.i18n_urls import path_in_language
from editorial.zones import visitor_zone

register = template.Library()


@register.simple_tag(takes_context=True)
def zone_of_visitor(context: Any) -> ZoneInfo:
    """The visitor's zone (the `tz` cookie, else London), for templates other apps render."""
    return visitor_zone(context.get("request"))


@register.simple_tag
def listing_url(path: str, topic: Any = None) -> str:
    """A listing's address in the active language, filtered by `topic` when given:
    `listing_url "/events/" topic` → `/es/events/?topic=recycling`."""
    url = path_in_language(path, current_language())
    return f"{url}?{urlencode({'topic': topic.slug})}" if topic is not None else url
