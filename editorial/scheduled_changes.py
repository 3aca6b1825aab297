"""When editorial pages change by the clock alone, for the page cache.

An opportunity leaves the open listing at its deadline and enters "closing within 14
days" two weeks before it; an event moves from upcoming to under way to past; a
registration closes. No editor acts then, so no signal tells the page cache: it asks
here for the next such instant and keeps no page past it.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import F, Min, Q

from editorial.models import EventPage, OpportunityPage
from editorial.models.opportunities import CLOSING_SOON


def next_change(now: datetime) -> datetime | None:
    """The earliest instant after `now` at which a live opportunity or event changes."""
    live = Q(live=True)
    opportunities = OpportunityPage.objects.filter(live).aggregate(
        closes=Min("closes_at", filter=Q(closes_at__gt=now)),
        closing_soon=Min(F("closes_at") - CLOSING_SOON, filter=Q(closes_at__gt=now + CLOSING_SOON)),
        opens=Min("opens_at", filter=Q(opens_at__gt=now)),
    )
    events = EventPage.objects.filter(live).aggregate(
        starts=Min("start", filter=Q(start__gt=now)),
        ends=Min("end", filter=Q(end__gt=now)),
        registration=Min("registration_deadline", filter=Q(registration_deadline__gt=now)),
    )
    instants = [value for value in (*opportunities.values(), *events.values()) if value]
    return min(instants) if instants else None
