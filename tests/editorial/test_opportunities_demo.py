"""The demo's fictional opportunities (`editorial.demo`), which load_demo_data publishes."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from directory.fictional import INSTITUTIONS, ensure_institutions
from editorial.demo import OPPORTUNITIES, load_demo_opportunities
from editorial.models import OpportunityKind, OpportunityPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(clock):
    ensure_institutions(INSTITUTIONS)
    user = get_user_model().objects.create(username="demo-data", is_active=False)
    count = load_demo_opportunities(user)
    return user, count


def test_every_demo_opportunity_is_published_and_owned_by_the_demo_user(loaded):
    user, count = loaded
    assert count == len(OPPORTUNITIES)
    pages = OpportunityPage.objects.all()
    assert pages.count() == count
    assert all(page.live and page.owner_id == user.pk for page in pages)
    assert all(page.live_revision_id for page in pages)


def test_the_demo_shows_open_closing_soon_not_yet_open_and_closed(loaded):
    now = timezone.now()
    pages = OpportunityPage.objects.all()
    assert pages.closed_at(now).count() >= 2
    assert pages.closing_soon_at(now).exists()
    assert any(not page.has_opened(now) for page in pages.open_at(now))
    kinds = set(pages.values_list("kind", flat=True))
    wanted = {OpportunityKind.FELLOWSHIP, OpportunityKind.FUNDING, OpportunityKind.STUDENTSHIP}
    assert wanted | {OpportunityKind.JOB} <= kinds
    zones = set(pages.values_list("time_zone", flat=True))
    assert {"Europe/London", "America/Santiago", "America/Sao_Paulo"} <= zones


def test_a_chilean_early_career_researcher_on_recycling_finds_a_fellowship(loaded, client):
    listing = OpportunityPage.objects.first().get_parent().url
    html = client.get(
        listing,
        {
            "kind": "fellowship",
            "country": "CL",
            "career_stage": "early-career",
            "topic": "recycling-and-circular-supply-chains",
        },
    ).content.decode()
    assert "Recycling fellowships for Chilean early-career researchers" in html


def test_deadlines_are_at_23_59_in_their_own_zone(loaded):
    for page in OpportunityPage.objects.all():
        local = timezone.localtime(page.closes_at, ZoneInfo(page.time_zone))
        assert (local.hour, local.minute) == (23, 59)
