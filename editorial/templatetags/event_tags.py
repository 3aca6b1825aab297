"""Template tags for events: when an event happens, in its zone and the visitor's."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from editorial.zones import same_zone, span_text

register = template.Library()


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@register.simple_tag
def event_when(event, visitor: ZoneInfo) -> SafeString:
    """`<time>` in the event's zone, then (when it differs) the visitor's:
    "10 March 2026, 10:00–11:30 Santiago time" / "… 14:00–15:30 London time"."""
    own = format_html(
        '<time datetime="{}">{}</time>',
        _iso(event.start),
        span_text(event.start, event.end, event.zone),
    )
    if same_zone(event.zone, visitor):
        return own
    theirs = span_text(event.start, event.end, visitor)
    return format_html('{}<br><span class="event-visitor-time">{}</span>', own, theirs)


@register.filter
def iso_utc(moment: datetime | None) -> str:
    """An instant for a `datetime` attribute: 2026-03-10T13:00:00Z."""
    return _iso(moment) if moment else ""
