"""Factories and helpers for the events tests (editorial/models/events.py)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import factory
import wagtail_factories

from editorial.models import AttendanceMode, EventIndexPage, EventKind, EventPage, EventSpeaker

SANTIAGO = ZoneInfo("America/Santiago")
LONDON = ZoneInfo("Europe/London")


def events_index() -> EventIndexPage:
    """The events listing the migration created."""
    return EventIndexPage.objects.get()


def at(text: str, zone: ZoneInfo = SANTIAGO) -> datetime:
    """`at("2026-03-31 10:00")`: that wall-clock time in `zone` (Santiago by default)."""
    return datetime.fromisoformat(text).replace(tzinfo=zone)


class EventPageFactory(wagtail_factories.PageFactory):
    """A published seminar in Santiago time, online, next to the test clock's start."""

    class Meta:
        model = EventPage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Battery seminar {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    kind = EventKind.SEMINAR
    summary = "A talk on brines."
    time_zone = "America/Santiago"
    start = factory.LazyFunction(lambda: at("2026-07-01 10:00"))
    end = factory.LazyFunction(lambda: at("2026-07-01 11:30"))
    attendance_mode = AttendanceMode.ONLINE
    join_url = "https://meet.example.org/brines"
    parent = factory.LazyFunction(events_index)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if extracted:
            self.topics.set(extracted)
            if create:
                self.save()


class EventSpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventSpeaker

    page = factory.SubFactory(EventPageFactory)
    name = "Dr Invited Speaker"
