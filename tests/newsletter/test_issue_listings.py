"""Opportunities and events in a newsletter issue: chosen ones, and those published
since the last issue was sent, in every language edition's e-mail with kind,
deadline or dates, and link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from newsletter.issues.models import Dispatch, DispatchBackend, DispatchState
from newsletter.issues.panels import NewListingsPanel
from tests.editorial.events_support import EventPageFactory, at
from tests.editorial.opportunity_support import OpportunityPageFactory
from tests.newsletter.issue_support import NewsletterIssuePageFactory, translate

pytestmark = pytest.mark.django_db


def published(page, days_ago: float):
    when = timezone.now() - timedelta(days=days_ago)
    type(page).objects.filter(pk=page.pk).update(first_published_at=when)
    return page


def sent_issue(days_ago: float):
    issue = NewsletterIssuePageFactory(add_new_listings=False)
    Dispatch.objects.create(
        issue=issue,
        backend=DispatchBackend.LOCAL,
        state=DispatchState.SENT,
        finished_at=timezone.now() - timedelta(days=days_ago),
    )
    return issue


def test_new_listings_since_the_last_sent_issue_are_added_after_the_chosen_ones():
    sent_issue(days_ago=10)
    old = published(OpportunityPageFactory(title="Old call"), days_ago=12)
    chosen = published(OpportunityPageFactory(title="Chosen call"), days_ago=20)
    new = published(OpportunityPageFactory(title="New fellowship"), days_ago=2)
    event = published(
        EventPageFactory(
            title="Brine seminar",
            start=at("2026-03-31 10:00"),
            end=at("2026-03-31 11:30"),
        ),
        days_ago=1,
    )
    issue = NewsletterIssuePageFactory()
    issue.opportunity_items.create(opportunity=chosen, sort_order=0)
    issue.save()

    assert [p.title for p in issue.opportunities()] == ["Chosen call", "New fellowship"]
    assert [p.title for p in issue.events()] == ["Brine seminar"]
    assert old.pk not in [p.pk for p in issue.opportunities()]
    assert new.pk in [p.pk for p in issue.opportunities()]

    issue.add_new_listings = False
    assert [p.title for p in issue.opportunities()] == ["Chosen call"]
    assert event.pk not in [p.pk for p in issue.events()]


def test_the_email_shows_kind_deadline_dates_and_links():
    sent_issue(days_ago=10)
    opportunity = published(
        OpportunityPageFactory(title="New fellowship", time_zone="America/Santiago"), 1
    )
    published(
        EventPageFactory(
            title="Brine seminar", start=at("2026-03-31 10:00"), end=at("2026-03-31 11:30")
        ),
        1,
    )
    issue = NewsletterIssuePageFactory()

    rendered = issue.render_email()

    assert "Fellowship or scholarship" in rendered.text
    assert "Deadline:" in rendered.text and "Santiago time" in rendered.text
    assert "http" in rendered.text and opportunity.url in rendered.text
    assert "Brine seminar" in rendered.html
    assert "31 March 2026, 10 a.m.–11:30 a.m. Santiago time" in rendered.text
    assert "Online" in rendered.text


def test_each_language_edition_is_worded_in_its_language():
    published(OpportunityPageFactory(title="New fellowship"), 1)
    issue = NewsletterIssuePageFactory()
    translation = translate(issue, "es", subject="Número de junio")

    rendered = translation.render_email()

    assert "Oportunidades" in rendered.html
    assert "Cierre:" in rendered.text
    assert "New fellowship" in rendered.text  # no Spanish version: the original


def test_the_editor_sees_what_was_published_since_the_last_issue(rf, admin_user):
    sent_issue(days_ago=10)
    published(OpportunityPageFactory(title="New fellowship"), 1)
    published(OpportunityPageFactory(title="Old call"), 20)
    issue = NewsletterIssuePageFactory()
    request = rf.get("/")
    request.user = admin_user

    panel = (
        NewListingsPanel()
        .bind_to_model(type(issue))
        .get_bound_panel(instance=issue, request=request, form=None)
    )
    html = panel.render_html()

    assert "New fellowship" in html and "Old call" not in html
