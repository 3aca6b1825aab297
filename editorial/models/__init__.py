# --- Events (editorial/models/events.py) ---
from editorial.models.events import (
    AttendanceMode,
    EventIndexPage,
    EventKind,
    EventPage,
    EventSpeaker,
)

__all__ = [
    # Events
    "AttendanceMode",
    "EventIndexPage",
    "EventKind",
    "EventPage",
    "EventSpeaker",
]
