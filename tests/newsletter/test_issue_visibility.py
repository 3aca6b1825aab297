"""A newsletter issue is public only once it has been sent (issue 13.3).

Publishing an issue's page is how an editor readies its web version; until the issue
goes out, that page is neither served nor listed, so subscribers don't read it on the
site (or in search engines) before it reaches their inbox.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from newsletter.issues.models import Dispatch, DispatchState
from tests.newsletter.issue_support import NewsletterIssuePageFactory, newsletter_index

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_locations(client) -> set[str]:
    root = ET.fromstring(client.get("/sitemap.xml").content)
    return {loc.text for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)}


def api_ids(client) -> set[int]:
    response = client.get("/api/v2/pages/?type=newsletter_issues.NewsletterIssuePage")
    assert response.status_code == 200
    return {item["id"] for item in response.json()["items"]}


@pytest.fixture
def sent():
    issue = NewsletterIssuePageFactory(title="Sent issue", slug="sent-issue")
    Dispatch.objects.create(
        issue=issue, backend="local", state=DispatchState.SENT, finished_at=timezone.now()
    )
    return issue


@pytest.mark.parametrize("state", [None, *(s for s in DispatchState if s != DispatchState.SENT)])
def test_a_published_issue_is_not_public_until_sent(client, sent, state):
    unsent = NewsletterIssuePageFactory(title="Secret plans", slug="secret-plans")
    if state is not None:
        Dispatch.objects.create(issue=unsent, backend="local", state=state)
    assert unsent.live

    assert client.get(unsent.url).status_code == 404
    assert "Secret plans" not in client.get(newsletter_index().url).content.decode()
    locations = sitemap_locations(client)
    assert unsent.full_url not in locations
    assert api_ids(client) == {sent.pk}
    assert client.get(f"/api/v2/pages/{unsent.pk}/").status_code == 404
    # Matches are highlighted, so look for the links rather than the titles.
    assert (
        f'href="{unsent.url}"' not in client.get("/search/", {"q": "secret plans"}).content.decode()
    )


def test_a_sent_issue_is_public(client, sent):
    assert client.get(sent.url).status_code == 200
    assert sent.full_url in sitemap_locations(client)
    assert f'href="{sent.url}"' in client.get("/search/", {"q": "sent issue"}).content.decode()
    assert client.get(f"/api/v2/pages/{sent.pk}/").status_code == 200


def test_editors_still_preview_an_unsent_issue(admin_client):
    unsent = NewsletterIssuePageFactory(title="Secret plans", slug="secret-plans")
    from django.urls import reverse

    response = admin_client.get(reverse("wagtailadmin_pages:view_draft", args=[unsent.pk]))
    assert response.status_code == 200
