"""Demo events and facility details (editorial/demo_events.py), loaded after the
directory's demo profiles and facilities, as `load_demo_data` does."""

from __future__ import annotations

from collections import Counter

import pytest
from django.utils import timezone

from directory.choices import FacilityAccess, FacilityTechnique
from directory.demo import demo_pages
from directory.demo.loading import demo_user, flush_demo_data, load_demo_data
from directory.models import Facility
from editorial.demo_events import EVENTS, load_demo_events
from editorial.models import EventKind, EventPage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def loaded():
    # load_demo_data publishes the events itself (editorial's demo_data_loaded receiver);
    # a second call adds none.
    load_demo_data(researchers=20)
    user = demo_user()
    assert load_demo_events(user) == 0
    return user, EventPage.objects.filter(owner=user).count()


def test_events_across_uk_and_latin_american_zones(loaded):
    _, created = loaded
    assert created == len(EVENTS)
    events = EventPage.objects.live()
    assert {e.time_zone for e in events} >= {
        "Europe/London",
        "America/Santiago",
        "America/Sao_Paulo",
        "America/Mexico_City",
    }
    kinds = Counter(e.kind for e in events)
    assert kinds[EventKind.SEMINAR] >= 3  # a series
    assert kinds[EventKind.CONFERENCE] >= 1 and kinds[EventKind.SUMMER_SCHOOL] == 1
    series = {e.series for e in events if e.kind == EventKind.SEMINAR}
    assert series == {"UK–LatAm Battery Seminars"}
    now = timezone.now()
    assert events.filter(end__lt=now).exists() and events.filter(start__gt=now).exists()
    for event in events:
        event.full_clean()  # every demo event passes the editor's own checks


def test_wall_clock_times_are_kept_in_each_zone(loaded):
    seminar = EventPage.objects.get(title__startswith="Seminar: sodium-ion")
    local = seminar.start.astimezone(seminar.zone)
    assert (local.hour, local.minute) == (15, 0)


def test_speakers_are_demo_researchers_where_there_are_some(loaded):
    linked = EventPage.objects.filter(speakers__researcher__isnull=False).distinct()
    assert linked.exists()


def test_the_haxpes_instrument_and_the_plasma_fib_sem(loaded):
    haxpes = Facility.objects.get(name="HAXPES instrument")
    assert haxpes.technique_type == FacilityTechnique.SPECTROSCOPY
    assert haxpes.access == FacilityAccess.OPEN_CALL
    fib = Facility.objects.get(name="Plasma FIB-SEM")
    assert fib.technique_type == FacilityTechnique.MICROSCOPY
    assert fib.access == FacilityAccess.FEE_BASED
    for facility in (haxpes, fib):
        if facility.operators.exists():
            assert facility.contact in facility.operators.all()


def test_loading_twice_adds_nothing_and_flushing_removes_the_events(loaded):
    user, _ = loaded
    assert load_demo_events(user) == 0
    assert EventPage.objects.count() == len(EVENTS)
    assert demo_pages().filter(pk__in=EventPage.objects.values("pk")).count() == len(EVENTS)
    flush_demo_data()
    assert EventPage.objects.count() == 0
