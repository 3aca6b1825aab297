"""The editors' events listing filters by state (as news and opportunities do:
scheduled and in-moderation included) and by whether registration is still open."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.editorial.events_support import EventPageFactory

pytestmark = pytest.mark.django_db


def event(title: str, days: float, **fields):
    start = timezone.now() + timedelta(days=days)
    return EventPageFactory(title=title, start=start, end=start + timedelta(hours=2), **fields)


def titles(admin_client, **params) -> set[str]:
    response = admin_client.get(reverse("event_listing:index"), params)
    assert response.status_code == 200
    return {page.title for page in response.context["pages"]}


def test_the_listing_filters_by_registration(admin_client):
    now = timezone.now()
    event("No deadline", 10)
    event("Deadline ahead", 10, registration_deadline=now + timedelta(days=5))
    event("Deadline passed", 10, registration_deadline=now - timedelta(hours=1))
    event("Over", -10)
    assert titles(admin_client, registration="open") == {"No deadline", "Deadline ahead"}
    assert titles(admin_client, registration="closed") == {"Deadline passed", "Over"}
    assert len(titles(admin_client, registration="nonsense")) == 4


def test_the_listing_finds_scheduled_events(admin_client, admin_user):
    event("Published", 5)
    later = event("Goes live later", 5, live=False)
    later.go_live_at = timezone.now() + timedelta(days=1)
    later.save_revision(user=admin_user, approved_go_live_at=later.go_live_at)
    assert titles(admin_client, state="scheduled") == {"Goes live later"}
    assert titles(admin_client, state="live") == {"Published"}
