"""Editors and events: times typed in the event's zone, validation, the admin listing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from editorial.models import EventPage
from tests.editorial.events_support import EventPageFactory, at, events_index
from tests.factories import ResearcherPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def form(**changes) -> dict:
    data = {
        "title": "Brine seminar",
        "slug": "brine-seminar",
        "kind": "seminar",
        "series": "",
        "summary": "",
        "body": rich_text(""),
        "time_zone": "America/Santiago",
        "start": "2026-03-31 10:00",
        "end": "2026-03-31 11:30",
        "attendance_mode": "online",
        "venue": "",
        "city": "",
        "country": "",
        "join_url": "https://meet.example.org/x",
        "registration_url": "",
        "registration_deadline": "",
        "speakers": inline_formset([]),
    }
    data.update(changes)
    return nested_form_data(data)


def create(admin_client, **changes):
    url = reverse("wagtailadmin_pages:add", args=("editorial", "eventpage", events_index().pk))
    return admin_client.post(url, form(**changes))


def test_times_are_typed_as_the_events_clocks_show_them(admin_client, settings):
    settings.TIME_ZONE = "Europe/London"  # the editor's zone must not matter
    response = create(admin_client)
    assert response.status_code == 302, response.context["form"].errors
    event = EventPage.objects.get(slug="brine-seminar")
    assert event.start == datetime(2026, 3, 31, 13, 0, tzinfo=UTC)
    assert event.end == datetime(2026, 3, 31, 14, 30, tzinfo=UTC)


def test_the_editor_shows_the_times_in_the_events_zone_again(admin_client):
    event = EventPageFactory(start=at("2026-04-07 10:00"), end=at("2026-04-07 11:30"))
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=(event.pk,)))
    html = response.content.decode()
    assert 'value="2026-04-07 10:00"' in html
    assert 'value="2026-04-07 11:30"' in html


@pytest.mark.parametrize(
    ("start", "message"),
    [
        ("2026-09-06 00:30", "skip"),  # Chile goes forward at midnight
        ("2026-04-04 23:30", "twice"),  # Chile goes back at midnight
    ],
)
def test_times_a_clock_change_skips_or_repeats_are_refused(admin_client, start, message):
    response = create(admin_client, start=start, end="2026-10-01 10:00")
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["start"])
    assert message in errors and "America/Santiago" in errors
    assert not EventPage.objects.filter(slug="brine-seminar").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end": "2026-03-31 09:00"}, "end"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"attendance_mode": "in-person", "join_url": ""}, "city"),
        ({"attendance_mode": "online", "join_url": ""}, "join_url"),
        ({"registration_deadline": "2026-04-01 10:00"}, "registration_deadline"),
        ({"start": "not a date"}, "start"),
    ],
)
def test_bad_input_is_a_clear_error_and_nothing_is_saved(admin_client, changes, field):
    response = create(admin_client, **changes)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not EventPage.objects.filter(slug="brine-seminar").exists()


def test_a_speaker_is_a_profile_or_a_name(admin_client):
    researcher = ResearcherPageFactory()
    speakers = inline_formset(
        [
            {"researcher": str(researcher.pk), "name": "", "affiliation": "", "talk_title": ""},
            {"researcher": "", "name": "", "affiliation": "Somewhere", "talk_title": ""},
        ]
    )
    response = create(admin_client, speakers=speakers)
    assert response.status_code == 200
    assert not EventPage.objects.filter(slug="brine-seminar").exists()


def test_the_admin_listing_filters_by_kind_state_and_date(admin_client):
    EventPageFactory(
        title="A conference",
        kind="conference",
        start=at("2026-08-01 10:00"),
        end=at("2026-08-02 10:00"),
    )
    EventPageFactory(title="A seminar", kind="seminar")
    EventPageFactory(title="A draft workshop", kind="workshop", live=False)
    url = reverse("event_listing:index")

    def titles(query: str) -> set[str]:
        response = admin_client.get(f"{url}?{query}")
        assert response.status_code == 200
        return {page.title for page in response.context["pages"]}

    assert titles("") == {"A conference", "A seminar", "A draft workshop"}
    assert titles("kind=conference") == {"A conference"}
    assert titles("kind=conference,workshop") == {"A conference", "A draft workshop"}
    assert titles("state=draft") == {"A draft workshop"}
    assert titles("state=live") == {"A conference", "A seminar"}
    assert titles("start_from=2026-07-15&start_to=2026-08-15") == {"A conference"}


def test_an_event_can_be_scheduled(admin_client):
    """Wagtail's scheduled publishing: an event set to go live later is not listed yet."""
    response = create(admin_client, **{"go_live_at": "2026-07-01 09:00", "action-publish": "1"})
    assert response.status_code == 302
    event = EventPage.objects.get(slug="brine-seminar")
    assert not event.live
    assert event.get_latest_revision().approved_go_live_at is not None
