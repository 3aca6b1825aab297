"""The opportunities listing: filters, order, and deadlines that need no job (issue 10.3)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory.choices import CareerStage
from editorial.models import OpportunityKind, OpportunityPage, Region
from tests.conftest import CLOCK_START
from tests.editorial.opportunity_support import OpportunityPageFactory, opportunity_index
from tests.factories import TopicFactory, restrict

pytestmark = pytest.mark.django_db


def titles(client, **params) -> list[str]:
    """The titles of the cards on the listing, in order."""
    response = client.get(opportunity_index().url, params)
    assert response.status_code == 200
    html = response.content.decode()
    return re.findall(
        r'<li class="card opportunity-card">.*?<a href="[^"]+">([^<]+)</a>', html, re.S
    )


def test_the_open_listing_is_sorted_by_the_nearest_deadline(client, clock):
    now = timezone.now()
    OpportunityPageFactory(title="Later", closes_at=now + timedelta(days=40))
    OpportunityPageFactory(title="Sooner", closes_at=now + timedelta(days=3))
    OpportunityPageFactory(title="Closed", closes_at=now - timedelta(days=1))
    assert titles(client) == ["Sooner", "Later"]


def test_the_archive_holds_closed_ones_latest_deadline_first(client, clock):
    now = timezone.now()
    OpportunityPageFactory(title="Open", closes_at=now + timedelta(days=3))
    OpportunityPageFactory(title="Long ago", closes_at=now - timedelta(days=90))
    OpportunityPageFactory(title="Yesterday", closes_at=now - timedelta(days=1))
    assert titles(client, status="closed") == ["Yesterday", "Long ago"]


def test_closing_soon_is_within_fourteen_days(client, clock):
    now = timezone.now()
    OpportunityPageFactory(title="In a week", closes_at=now + timedelta(days=7))
    OpportunityPageFactory(title="On the 14th day", closes_at=now + timedelta(days=14))
    OpportunityPageFactory(title="In a month", closes_at=now + timedelta(days=30))
    assert titles(client, status="closing-soon") == ["In a week", "On the 14th day"]


def test_an_opportunity_leaves_the_open_listing_at_the_instant_of_its_deadline(client, clock):
    deadline = CLOCK_START + timedelta(hours=1)
    OpportunityPageFactory(title="Tight deadline", closes_at=deadline)

    clock.move_to(deadline - timedelta(microseconds=1), tick=False)
    assert titles(client) == ["Tight deadline"]
    assert titles(client, status="closed") == []

    clock.move_to(deadline, tick=False)
    assert titles(client) == []
    assert titles(client, status="closed") == ["Tight deadline"]
    # The page itself stays, saying it has closed.
    page = OpportunityPage.objects.get(title="Tight deadline")
    html = client.get(page.url).content.decode()
    assert "This opportunity has closed." in html


def test_filter_by_kind(client):
    OpportunityPageFactory(title="A job", kind=OpportunityKind.JOB)
    OpportunityPageFactory(title="A fellowship", kind=OpportunityKind.FELLOWSHIP)
    assert titles(client, kind="job") == ["A job"]


def test_filter_by_topic_includes_its_subtopics(client):
    parent = TopicFactory(name="Circularity (test)", slug="circular")
    child = TopicFactory(name="Recycling (test)", slug="recycling-x", parent=parent)
    other = TopicFactory(name="Anodes (test)", slug="anodes-x")
    OpportunityPageFactory(title="On recycling", topics=[child])
    OpportunityPageFactory(title="On the whole economy", topics=[parent])
    OpportunityPageFactory(title="On anodes", topics=[other])
    assert sorted(titles(client, topic="circular")) == ["On recycling", "On the whole economy"]
    assert titles(client, topic="recycling-x") == ["On recycling"]


@pytest.mark.parametrize(
    ("country", "expected"),
    [
        ("CL", ["Anyone", "Chile only", "Latin America"]),
        ("GB", ["Anyone", "UK"]),
        ("MX", ["Anyone", "Latin America"]),
        ("FR", ["Anyone"]),
    ],
)
def test_filter_by_eligible_country_counts_regions_and_open_calls(client, country, expected):
    OpportunityPageFactory(title="Anyone")
    OpportunityPageFactory(title="UK", eligible_regions=[Region.UK])
    OpportunityPageFactory(title="Latin America", eligible_regions=[Region.LATIN_AMERICA])
    OpportunityPageFactory(title="Chile only", eligible_countries=["CL"])
    assert sorted(titles(client, country=country)) == expected


def test_filter_by_career_stage_keeps_those_open_to_every_stage(client):
    OpportunityPageFactory(title="Every stage")
    OpportunityPageFactory(title="Early only", career_stages=[CareerStage.EARLY])
    OpportunityPageFactory(title="Senior only", career_stages=[CareerStage.SENIOR])
    assert sorted(titles(client, career_stage="early-career")) == ["Early only", "Every stage"]


def test_unknown_filter_values_are_ignored_with_a_note_not_an_error(client):
    OpportunityPageFactory(title="Still listed")
    response = client.get(
        opportunity_index().url,
        {"kind": "spaceship", "topic": "nope", "country": "ZZ", "status": "<b>x</b>"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Still listed" in html
    assert "not recognised and are ignored" in html
    assert "<b>x</b>" not in html


def test_drafts_and_private_opportunities_are_not_listed(client):
    OpportunityPageFactory(title="Public")
    OpportunityPageFactory(title="Draft", live=False)
    restrict(OpportunityPageFactory(title="Members only"))
    assert titles(client) == ["Public"]


def test_the_listing_takes_as_many_queries_for_twelve_cards_as_for_one(client):
    topic = TopicFactory()

    def queries_for_listing() -> int:
        client.get(opportunity_index().url)  # warm the site-root cache
        with CaptureQueriesContext(connection) as queries:
            client.get(opportunity_index().url)
        return len(queries)

    OpportunityPageFactory(title="Item 0", topics=[topic])
    one = queries_for_listing()
    for n in range(1, 12):
        OpportunityPageFactory(title=f"Item {n}", topics=[topic])
    assert queries_for_listing() == one
    assert len(titles(client)) == 12


def test_the_choice_lists_survive_a_revision(client):
    page = OpportunityPageFactory(
        title="Round trip",
        eligible_regions=[Region.LATIN_AMERICA, Region.UK],
        eligible_countries=["CL", "BR"],
        career_stages=[CareerStage.SENIOR, CareerStage.DOCTORAL],
    )
    revision = page.save_revision()
    restored = revision.as_object()
    assert restored.eligible_regions == ["uk", "latin-america"]
    assert restored.career_stages == ["doctoral", "senior"]
    assert sorted(restored.eligible_country_codes) == ["BR", "CL"]
    revision.publish()
    fresh = OpportunityPage.objects.get(pk=page.pk)
    assert fresh.eligible_regions == ["uk", "latin-america"]
    assert fresh.career_stages == ["doctoral", "senior"]
