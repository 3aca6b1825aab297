"""A visitor's journey in a real browser: a Chilean early-career researcher on
recycling finds a fellowship open to them with the /opportunities/ filters and opens
it; then, on /events/, opens an event and adds it to their calendar (the .ics is
downloaded and read back with icalendar).

Transactional, like the other browser tests (the live server's thread must see the
data); `serialized_rollback` restores the migration-made pages.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import icalendar
import pytest
from django.utils import timezone

from directory.models import Topic
from editorial.models import OpportunityKind
from tests.editorial.events_support import SANTIAGO, EventPageFactory
from tests.editorial.opportunity_support import OpportunityPageFactory

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RECYCLING = "recycling-and-circular-supply-chains"


@pytest.fixture
def offers(live_server):
    recycling = Topic.objects.get(slug=RECYCLING)
    brines = Topic.objects.get(slug="direct-lithium-extraction")
    in_a_month = timezone.now() + timedelta(days=30)
    OpportunityPageFactory(
        title="Black mass recycling fellowship",
        slug="black-mass-fellowship",
        kind=OpportunityKind.FELLOWSHIP,
        eligible_regions=["latin-america"],
        career_stages=["early-career"],
        topics=[recycling],
        closes_at=in_a_month,
    )
    # Near misses, each failing one filter.
    OpportunityPageFactory(
        title="Recycling fellowship for UK residents",
        eligible_regions=["uk"],
        topics=[recycling],
        closes_at=in_a_month,
    )
    OpportunityPageFactory(
        title="Senior recycling fellowship",
        career_stages=["senior"],
        topics=[recycling],
        closes_at=in_a_month,
    )
    OpportunityPageFactory(
        title="Recycling plant job",
        kind=OpportunityKind.JOB,
        topics=[recycling],
        closes_at=in_a_month,
    )
    OpportunityPageFactory(title="Brine fellowship", topics=[brines], closes_at=in_a_month)
    day = (timezone.now() + timedelta(days=20)).astimezone(SANTIAGO).date()
    start = datetime.combine(day, time(11, 0), tzinfo=SANTIAGO)
    return EventPageFactory(
        title="Battery recycling workshop",
        slug="battery-recycling-workshop",
        kind="workshop",
        start=start,
        end=start + timedelta(hours=3),
        topics=[recycling],
    )


def test_a_chilean_early_career_researcher_finds_a_fellowship_then_an_event(
    open_tab, live_server, offers
):
    tab = open_tab(timezone_id="America/Santiago")
    tab.goto(f"{live_server.url}/")
    tab.get_by_role("navigation", name="Main").get_by_role("link", name="Opportunities").click()
    expect(tab).to_have_url(f"{live_server.url}/opportunities/")
    tab.get_by_label("Kind", exact=True).select_option(OpportunityKind.FELLOWSHIP.value)
    tab.get_by_label("Topic", exact=True).select_option(RECYCLING)
    tab.get_by_label("Open to people in", exact=True).select_option("CL")
    tab.get_by_label("Career stage", exact=True).select_option("early-career")
    tab.get_by_role("button", name="Show opportunities").click()
    expect(tab.locator("#results-heading")).to_have_text("1 open opportunity")
    cards = tab.locator(".opportunity-card")
    expect(cards).to_have_count(1)
    cards.get_by_role("link", name="Black mass recycling fellowship").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Black mass recycling fellowship")
    assert tab.url == f"{live_server.url}/opportunities/black-mass-fellowship/"

    tab.get_by_role("navigation", name="Main").get_by_role("link", name="Events").click()
    tab.get_by_role("link", name="Battery recycling workshop").click()
    with tab.expect_download() as download_info:
        tab.get_by_role("link", name="Download the event").click()
    with open(download_info.value.path(), "rb") as ics:
        calendar = icalendar.Calendar.from_ical(ics.read())
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Battery recycling workshop"
    assert event.decoded("DTSTART") == offers.start
    assert event["DTSTART"].params["TZID"] == "America/Santiago"
