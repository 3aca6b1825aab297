"""Issues as Mailchimp campaigns, against the local fake of the Marketing API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from newsletter.issues import services
from newsletter.issues.campaigns import CampaignError, get_backend
from newsletter.issues.campaigns.mailchimp import MailchimpBackend
from newsletter.issues.models import Dispatch, DispatchBackend, DispatchState
from newsletter.mailchimp.models import TopicInterest
from tests.factories import NewsPageFactory, TopicFactory
from tests.fakes.mailchimp import FakeMailchimp
from tests.newsletter.issue_support import NewsletterIssuePageFactory, make_editor

pytestmark = pytest.mark.django_db

LIST = FakeMailchimp.DEFAULT_LIST_ID


@pytest.fixture
def fake(settings) -> Iterator[FakeMailchimp]:
    with FakeMailchimp() as fake:
        settings.MAILCHIMP_API_KEY = fake.api_key
        settings.MAILCHIMP_AUDIENCE_ID = LIST
        settings.MAILCHIMP_API_URL = fake.url
        fake.add_member("reader@batteries.ac.uk")
        yield fake
    assert fake.server_errors == []


@pytest.fixture
def issue():
    return NewsletterIssuePageFactory(subject="Solid-state special", news=[NewsPageFactory()])


def only_campaign(fake: FakeMailchimp) -> dict:
    assert len(fake.campaigns) == 1
    return next(iter(fake.campaigns.values()))


def next_quarter_hour(days: int = 1) -> datetime:
    start = timezone.now().astimezone(UTC) + timedelta(days=days)
    return start.replace(minute=15, second=0, microsecond=0)


def test_mailchimp_is_chosen_when_configured(fake) -> None:
    assert isinstance(get_backend(), MailchimpBackend)


def test_send_creates_the_campaign_sets_content_and_sends(fake, issue) -> None:
    dispatch = services.send_now(issue)
    campaign = only_campaign(fake)
    assert campaign["type"] == "regular"
    assert campaign["recipients"]["list_id"] == LIST
    assert "segment_opts" not in campaign["recipients"]  # the whole audience
    settings = campaign["settings"]
    assert settings["subject_line"] == "Solid-state special"
    assert settings["preview_text"] == "Lithium, sodium and recycling this month"
    assert (settings["from_name"], settings["reply_to"]) == (
        "UK-LatAm Battery Network",
        "news@localhost",
    )
    html = campaign["_content"]["html"]
    assert "Solid-state special" in html
    assert "*|UNSUB|*" in html and "*|UPDATE_PROFILE|*" in html
    assert "*|UNSUB|*" in campaign["_content"]["plain_text"]
    assert [sent["recipients"] for sent in fake.sent_campaigns] == [["reader@batteries.ac.uk"]]
    dispatch.refresh_from_db()
    assert (dispatch.backend, dispatch.state) == (DispatchBackend.MAILCHIMP, DispatchState.SENT)
    assert dispatch.campaign_id == campaign["id"]


def test_topics_become_an_interest_segment(fake, issue) -> None:
    category = fake.create_interest_category("Topics")
    lithium, sodium = TopicFactory(name="Lithium"), TopicFactory(name="Sodium")
    for topic in (lithium, sodium):
        interest = fake.create_interest(category, topic.name)
        TopicInterest.objects.create(topic=topic, interest_id=interest, name=topic.name)
    issue.target_topics.set([lithium, sodium])
    issue.save()
    services.send_test(issue, email="editor@batteries.ac.uk")
    segment = only_campaign(fake)["recipients"]["segment_opts"]
    assert segment == {
        "match": "any",
        "conditions": [
            {
                "condition_type": "Interests",
                "field": f"interests-{category}",
                "op": "interestcontains",
                "value": [
                    TopicInterest.objects.get(topic=lithium).interest_id,
                    TopicInterest.objects.get(topic=sodium).interest_id,
                ],
            }
        ],
    }


def test_a_topic_without_an_interest_is_refused_not_widened(fake, issue) -> None:
    issue.target_topics.set([TopicFactory(name="Graphite")])
    issue.save()
    with pytest.raises(CampaignError, match="Graphite"):
        services.send_now(issue)
    assert fake.campaigns == {} and fake.sent_campaigns == []
    assert Dispatch.objects.get(issue=issue).state == DispatchState.DRAFT


def test_test_email_goes_to_one_address(fake, issue) -> None:
    services.send_test(issue, email="editor@batteries.ac.uk")
    campaign = only_campaign(fake)
    assert fake.test_emails == [
        {
            "campaign_id": campaign["id"],
            "test_emails": ["editor@batteries.ac.uk"],
            "send_type": "html",
        }
    ]
    assert fake.sent_campaigns == []
    # A second test reuses (updates) the same campaign.
    issue.subject = "Solid-state special, revised"
    issue.save_revision()
    services.send_test(issue, email="editor@batteries.ac.uk")
    assert only_campaign(fake)["settings"]["subject_line"] == "Solid-state special, revised"


def test_a_campaign_deleted_in_mailchimp_is_recreated(fake, issue) -> None:
    services.send_test(issue, email="editor@batteries.ac.uk")
    old = only_campaign(fake)["id"]
    fake.campaigns.clear()
    services.send_now(issue)
    new = only_campaign(fake)["id"]
    assert new != old
    assert Dispatch.objects.get(issue=issue).campaign_id == new
    assert len(fake.sent_campaigns) == 1


def test_schedule_on_a_quarter_hour(fake, issue) -> None:
    when = next_quarter_hour()
    services.schedule(issue, when=when)
    campaign = only_campaign(fake)
    assert campaign["status"] == "schedule"
    assert datetime.fromisoformat(campaign["send_time"]) == when
    assert Dispatch.objects.get(issue=issue).state == DispatchState.SCHEDULED

    services.unschedule(issue)
    assert only_campaign(fake)["status"] == "save"
    assert Dispatch.objects.get(issue=issue).state == DispatchState.DRAFT


def test_a_bad_schedule_time_is_refused_before_calling_mailchimp(fake, issue) -> None:
    fake.reset_log()
    with pytest.raises(CampaignError, match="quarter hour"):
        services.schedule(issue, when=next_quarter_hour().replace(minute=7))
    assert fake.call_count == 0
    assert not Dispatch.objects.exists()


def test_the_view_refuses_a_bad_schedule_time_as_a_form_error(
    fake, issue, client, django_user_model
) -> None:
    client.force_login(make_editor(django_user_model, "sender", can_send=True))
    fake.reset_log()
    when = timezone.localtime(next_quarter_hour()).replace(minute=7)
    response = client.post(
        reverse("newsletter_issues_sending", args=[issue.pk]),
        {"action": "schedule", "schedule-when": when.strftime("%Y-%m-%d %H:%M")},
    )
    assert response.status_code == 200
    assert "quarter hour" in response.content.decode()
    assert fake.call_count == 0


def test_a_mailchimp_500_is_a_clear_error_not_a_500(fake, issue, client, django_user_model) -> None:
    client.force_login(make_editor(django_user_model, "sender", can_send=True))
    url = reverse("newsletter_issues_sending", args=[issue.pk])
    fake.fail_next(1, 500)
    response = client.post(url, {"action": "send", "send-confirm": "on"})
    assert response.status_code == 302
    [message] = [str(m).strip() for m in get_messages(response.wsgi_request)]
    assert message.startswith("Mailchimp is busy or having trouble (HTTP 500")
    assert "try again" in message
    dispatch = Dispatch.objects.get(issue=issue)
    assert dispatch.state == DispatchState.DRAFT  # released, so it can be sent again
    assert dispatch.last_error == message
    assert fake.sent_campaigns == []
    page = client.get(url)  # and the status panel shows it
    assert page.status_code == 200
    assert "Mailchimp is busy" in page.content.decode()

    client.post(url, {"action": "send", "send-confirm": "on"})  # the retry works
    assert len(fake.sent_campaigns) == 1


def test_a_bodyless_429_is_an_error_too(fake, issue) -> None:
    """The SDK *returns* a body-less 429 instead of raising (docs/mailchimp-api.md §7)."""
    services.send_test(issue, email="editor@batteries.ac.uk")
    fake.fail_next(1, 429, body=False)
    with pytest.raises(CampaignError, match="HTTP 429"):
        services.send_test(issue, email="editor@batteries.ac.uk")


def test_a_refusal_from_mailchimp_quotes_mailchimp(fake, issue, settings) -> None:
    settings.NEWSLETTER_FROM_EMAIL = "News <newsroom>"  # Mailchimp wants a reply-to address
    with pytest.raises(CampaignError) as caught:
        services.send_now(issue)
    assert "HTTP 400" in caught.value.message
    assert "Your Campaign is not ready to send." in caught.value.message
    assert Dispatch.objects.get(issue=issue).state == DispatchState.DRAFT  # nothing went


def test_a_campaign_that_went_out_is_never_sent_again(fake, issue) -> None:
    services.send_now(issue)
    dispatch = Dispatch.objects.get(issue=issue)
    # As if the answer to the send had been lost: no mark, and a draft again.
    Dispatch.objects.filter(pk=dispatch.pk).update(state=DispatchState.DRAFT, campaign_sent_at=None)
    services.send_now(issue)
    assert len(fake.sent_campaigns) == 1  # Mailchimp was asked, not told to send again
    dispatch.refresh_from_db()
    assert dispatch.state == DispatchState.SENT and dispatch.campaign_sent_at is not None


def test_mailchimp_unreachable(fake, issue) -> None:
    fake.stop()
    with pytest.raises(CampaignError, match="Could not reach Mailchimp"):
        services.send_test(issue, email="editor@batteries.ac.uk")


def test_status_follows_the_campaign(fake, issue, client, django_user_model) -> None:
    services.schedule(issue, when=next_quarter_hour())
    campaign = only_campaign(fake)
    campaign.update(status="sent", emails_sent=1)  # Mailchimp sent it at the time
    client.force_login(make_editor(django_user_model, "sender", can_send=True))
    page = client.get(reverse("newsletter_issues_sending", args=[issue.pk]))
    assert "1 e-mail sent" in page.content.decode()
    dispatch = Dispatch.objects.get(issue=issue)
    assert (dispatch.state, dispatch.emails_sent) == (DispatchState.SENT, 1)


def test_preview_shows_the_mailchimp_footer(fake, issue, admin_client) -> None:
    response = admin_client.get(reverse("wagtailadmin_pages:view_draft", args=[issue.pk]))
    assert "*|UNSUB|*" in response.content.decode()
