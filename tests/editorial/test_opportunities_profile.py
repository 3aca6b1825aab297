"""'Opportunities for you' on a researcher's profile (issue 10.4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory.choices import CareerStage
from editorial.models import Region
from editorial.models.opportunities import OpportunityQuerySet
from tests.editorial.opportunity_support import OpportunityPageFactory
from tests.factories import InstitutionFactory, ResearcherPageFactory, TopicFactory, restrict

pytestmark = pytest.mark.django_db


@pytest.fixture
def recycling():
    parent = TopicFactory(name="Circularity (profile test)", slug="circularity-test")
    return TopicFactory(name="Recycling (profile test)", slug="recycling-test", parent=parent)


@pytest.fixture
def chilean(recycling):
    return ResearcherPageFactory(
        institution=InstitutionFactory(country="CL"),
        career_stage=CareerStage.EARLY,
        topics=[recycling],
    )


def section(client, researcher) -> str:
    html = client.get(researcher.url).content.decode()
    if 'id="for-you-heading"' not in html:
        return ""
    start = html.index('id="for-you-heading"')
    return html[start : html.index("</section>", start)]


def test_matching_open_opportunities_are_listed_soonest_first(client, chilean, recycling):
    now = timezone.now()
    OpportunityPageFactory(title="Later match", topics=[recycling], closes_at=now + timedelta(60))
    OpportunityPageFactory(
        title="Chile only match",
        topics=[recycling],
        eligible_countries=["CL"],
        career_stages=[CareerStage.EARLY],
        closes_at=now + timedelta(10),
    )
    OpportunityPageFactory(title="Parent topic match", topics=[recycling.parent])
    found = section(client, chilean)
    assert found.index("Chile only match") < found.index("Later match")
    assert "Parent topic match" in found


@pytest.mark.parametrize(
    "kwargs",
    [
        {"eligible_regions": [Region.UK]},
        {"eligible_countries": ["MX"]},
        {"career_stages": [CareerStage.SENIOR]},
        {"closes_at": timezone.now() - timedelta(seconds=1)},
        {"live": False},
    ],
)
def test_what_does_not_fit_the_profile_is_left_out(client, chilean, recycling, kwargs):
    OpportunityPageFactory(title="Not for them", topics=[recycling], **kwargs)
    assert section(client, chilean) == ""


def test_another_topic_or_a_private_page_is_left_out(client, chilean, recycling):
    OpportunityPageFactory(title="Other topic", topics=[TopicFactory()])
    restrict(OpportunityPageFactory(title="Members only", topics=[recycling]))
    assert section(client, chilean) == ""


def test_at_most_three(client, chilean, recycling):
    for n in range(5):
        OpportunityPageFactory(title=f"Match {n}", topics=[recycling])
    assert section(client, chilean).count("<li>") == 3


def test_the_profile_costs_one_more_query_however_many_match(
    client, chilean, recycling, monkeypatch
):
    def queries() -> int:
        client.get(chilean.url)  # warm the caches
        with CaptureQueriesContext(connection) as captured:
            client.get(chilean.url)
        return len(captured)

    for n in range(3):
        OpportunityPageFactory(title=f"Match {n}", topics=[recycling])
    with_section = queries()
    assert "Match 2" in section(client, chilean)

    # The same page with the section's query answered without the database.
    monkeypatch.setattr(OpportunityQuerySet, "for_profile", lambda self, *args: self.none())
    without = queries()
    assert section(client, chilean) == ""
    assert with_section == without + 1
