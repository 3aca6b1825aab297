"""Wagtail API v2 serves news and opportunities, and nothing private (issue 10.10)."""

from __future__ import annotations

import pytest

from editorial.models import OpportunityKind
from tests.editorial.opportunity_support import OpportunityPageFactory
from tests.factories import NewsPageFactory, TopicFactory, restrict

pytestmark = pytest.mark.django_db

SECRET = "grants@host.example.org"


def test_opportunities_are_listed_with_their_public_fields(client):
    topic = TopicFactory()
    page = OpportunityPageFactory(
        kind=OpportunityKind.FUNDING,
        contact_email=SECRET,
        eligible_regions=["uk"],
        eligible_countries=["CL"],
        career_stages=["doctoral"],
        topics=[topic],
    )
    response = client.get("/api/v2/pages/", {"type": "editorial.OpportunityPage", "fields": "*"})
    assert response.status_code == 200
    assert SECRET not in response.content.decode()
    [item] = response.json()["items"]
    assert item["id"] == page.pk
    assert item["kind"] == "funding"
    assert item["host_name"] == page.host.name
    assert item["closes_at"].startswith(page.closes_at.strftime("%Y-%m-%dT%H:%M"))
    assert item["time_zone"] == "Europe/London"
    assert item["eligible_regions"] == ["uk"]
    assert item["eligible_country_codes"] == ["CL"]
    assert item["career_stages"] == ["doctoral"]
    assert item["topic_slugs"] == [topic.slug]
    assert "contact_email" not in item

    detail = client.get(f"/api/v2/pages/{page.pk}/")
    assert detail.status_code == 200
    assert SECRET not in detail.content.decode()


def test_asking_for_the_contact_address_is_a_400(client):
    OpportunityPageFactory(contact_email=SECRET)
    response = client.get(
        "/api/v2/pages/", {"type": "editorial.OpportunityPage", "fields": "contact_email"}
    )
    assert response.status_code == 400
    assert SECRET not in response.content.decode()


def test_news_items_are_served_with_their_topics(client):
    topic = TopicFactory()
    page = NewsPageFactory(topics=[topic])
    response = client.get("/api/v2/pages/", {"type": "editorial.NewsPage", "fields": "*"})
    [item] = response.json()["items"]
    assert item["id"] == page.pk and item["summary"] == page.summary
    assert item["topic_slugs"] == [topic.slug]


def test_private_and_draft_opportunities_are_not_served(client):
    restrict(OpportunityPageFactory(title="Members only"))
    OpportunityPageFactory(title="Draft", live=False)
    response = client.get("/api/v2/pages/", {"type": "editorial.OpportunityPage"})
    assert response.json()["items"] == []
