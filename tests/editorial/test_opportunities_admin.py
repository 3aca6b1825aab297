"""Editors' listings of news and opportunities, filtered by kind, state and deadline
(issue 10.11); moderation and scheduling stay Wagtail's own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from editorial.models import OpportunityKind
from tests.editorial.opportunity_support import OpportunityPageFactory
from tests.factories import NewsPageFactory

pytestmark = pytest.mark.django_db


def listed(admin_client, name: str, **params) -> str:
    response = admin_client.get(reverse(f"{name}:index"), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def opportunities(clock):
    now = timezone.now()
    return {
        "job": OpportunityPageFactory(title="Open job", kind=OpportunityKind.JOB),
        "soon": OpportunityPageFactory(title="Fellowship soon", closes_at=now + timedelta(days=5)),
        "closed": OpportunityPageFactory(title="Old call", closes_at=now - timedelta(days=5)),
        "draft": OpportunityPageFactory(title="Draft challenge", live=False),
    }


def test_the_listing_filters_by_kind(admin_client, opportunities):
    html = listed(admin_client, "opportunities", kind="job")
    assert "Open job" in html and "Fellowship soon" not in html


def test_the_listing_filters_by_deadline(admin_client, opportunities):
    html = listed(admin_client, "opportunities", deadline="closing-soon")
    assert "Fellowship soon" in html and "Open job" not in html and "Old call" not in html
    html = listed(admin_client, "opportunities", deadline="closed")
    assert "Old call" in html and "Open job" not in html


def test_the_listing_filters_by_state(admin_client, opportunities):
    html = listed(admin_client, "opportunities", state="draft")
    assert "Draft challenge" in html and "Open job" not in html
    html = listed(admin_client, "opportunities", state="live")
    assert "Open job" in html and "Draft challenge" not in html


def test_scheduled_pages_are_found(admin_client, opportunities, admin_user):
    page = opportunities["draft"]
    page.go_live_at = timezone.now() + timedelta(days=2)
    page.save_revision(user=admin_user).publish(user=admin_user)
    html = listed(admin_client, "opportunities", state="scheduled")
    assert "Draft challenge" in html and "Open job" not in html


def test_pages_in_moderation_are_found(admin_client, opportunities, admin_user):
    from wagtail.models import Workflow

    page = opportunities["draft"]
    workflow = Workflow.objects.first() or pytest.skip("no default workflow")
    page.save_revision(user=admin_user)
    workflow.start(page, admin_user)
    html = listed(admin_client, "opportunities", state="moderation")
    assert "Draft challenge" in html and "Open job" not in html


def test_the_news_listing_filters_by_state(admin_client):
    NewsPageFactory(title="Published story")
    NewsPageFactory(title="Unpublished story", live=False)
    html = listed(admin_client, "news_items", state="draft")
    assert "Unpublished story" in html and "Published story" not in html


def test_bad_filter_values_are_not_an_error(admin_client, opportunities):
    response = admin_client.get(
        reverse("opportunities:index"), {"kind": "x", "deadline": "y", "state": "z"}
    )
    assert response.status_code == 200
