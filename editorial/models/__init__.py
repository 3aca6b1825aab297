"""Editorial models, one module per kind of content; import them from here."""

# --- News (editorial/models/news.py) ---
# --- Events (editorial/models/events.py) ---
from editorial.models.events import (
    AttendanceMode,
    EventIndexPage,
    EventKind,
    EventPage,
    EventSpeaker,
)
from editorial.models.news import NewsIndexPage, NewsPage

# --- Opportunities (editorial/models/opportunities.py) ---
from editorial.models.opportunities import (
    OpportunityIndexPage,
    OpportunityKind,
    OpportunityPage,
    Region,
)

__all__ = [
    # News
    "NewsIndexPage",
    "NewsPage",
    # Opportunities
    "OpportunityIndexPage",
    "OpportunityKind",
    "OpportunityPage",
    "Region",
    # Events
    "AttendanceMode",
    "EventIndexPage",
    "EventKind",
    "EventPage",
    "EventSpeaker",
]
