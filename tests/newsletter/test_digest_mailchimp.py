"""The weekly digest through Mailchimp (the fake Marketing API over real HTTP): one
campaign per (language, topic set) with something new, aimed by the digest interest,
the language and the exact topic interests, each sent once however often it runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from newsletter.issues.digest_records import DigestCampaign, DigestSend
from newsletter.issues.digest_sending import send_digests
from newsletter.mailchimp.interests import digest_interest_id
from newsletter.models import Subscriber, SubscriberStatus
from tests.factories import NewsPageFactory

pytestmark = pytest.mark.django_db


def person(email, topics, *, language="en", digest=True, changed=None) -> Subscriber:
    subscriber = Subscriber.objects.create(
        email=email, status=SubscriberStatus.SUBSCRIBED, language=language, digest=digest
    )
    subscriber.topics.set(topics)
    changed(subscriber)
    return subscriber


def news(title, *topics):
    page = NewsPageFactory(title=title)
    page.topics.set(topics)
    page.save()
    type(page).objects.filter(pk=page.pk).update(
        first_published_at=timezone.now() - timedelta(hours=1)
    )
    return page


@pytest.fixture
def audience(mailchimp, topics, changed, deliver):
    """Four people in the audience, synced with their digest opt-in and topics."""
    lithium, recycling = topics
    person("ana@uni.example.org", [lithium], changed=changed)
    person("bea@uni.example.org", [lithium], changed=changed)
    person("carla@uni.example.org", [lithium], language="es", changed=changed)
    person("dan@uni.example.org", [lithium, recycling], changed=changed)
    person("eve@uni.example.org", [lithium], digest=False, changed=changed)
    deliver()
    mailchimp.reset_log()
    return mailchimp


def test_the_sync_sends_the_digest_opt_in_as_an_interest(audience):
    interest = digest_interest_id()
    assert interest
    assert audience.member("ana@uni.example.org")["interests"][interest] is True
    assert audience.member("eve@uni.example.org")["interests"][interest] is False


def test_one_campaign_per_language_and_topic_set_reaching_exactly_its_members(audience, topics):
    lithium, recycling = topics
    news("Brine news", lithium)

    report = send_digests()

    recipients = sorted(sorted(c["recipients"]) for c in audience.sent_campaigns)
    assert recipients == [
        ["ana@uni.example.org", "bea@uni.example.org"],
        ["carla@uni.example.org"],
        ["dan@uni.example.org"],
    ]
    assert report.campaigns == 3 and report.sent == 4
    spanish = next(
        c for c in audience.sent_campaigns if c["recipients"] == ["carla@uni.example.org"]
    )
    assert spanish["campaign"]["settings"]["subject_line"] == "Tu resumen semanal: lo nuevo para ti"
    assert "Brine news" in spanish["html"] and "*|UNSUB|*" in spanish["html"]
    assert DigestSend.objects.count() == 4
    assert mail.outbox == []


def test_a_group_with_nothing_new_gets_no_campaign(audience, topics):
    lithium, recycling = topics
    news("Recycling news", recycling)

    send_digests()

    assert [sorted(c["recipients"]) for c in audience.sent_campaigns] == [["dan@uni.example.org"]]


def test_running_again_sends_no_campaign_twice(audience, topics):
    lithium, _ = topics
    news("Brine news", lithium)
    send_digests()
    campaigns = len(audience.campaigns)

    report = send_digests()

    assert len(audience.sent_campaigns) == 3
    assert len(audience.campaigns) == campaigns
    assert report.campaigns == 0


def test_a_failed_send_is_retried_with_the_same_campaign(audience, topics):
    lithium, _ = topics
    news("Brine news", lithium)
    audience.fail_matching("POST", r"/campaigns/[^/]+/actions/send", status=503, times=1)

    first = send_digests()
    assert first.failed and len(audience.sent_campaigns) == 2
    failed = DigestCampaign.objects.get(sent_at__isnull=True)
    assert failed.campaign_id and failed.last_error

    send_digests()

    assert len(audience.sent_campaigns) == 3
    assert len(audience.campaigns) == 3  # no second campaign for the failed group
    failed.refresh_from_db()
    assert failed.sent_at is not None


def test_a_send_whose_answer_was_lost_is_not_sent_again(audience, topics):
    """Mailchimp sent it, but the site never heard: the retry only marks it."""
    lithium, _ = topics
    news("Brine news", lithium)
    send_digests()
    row = DigestCampaign.objects.filter(language="es").get()
    DigestCampaign.objects.filter(pk=row.pk).update(sent_at=None)
    DigestSend.objects.filter(campaign=row).delete()

    send_digests()

    assert len(audience.sent_campaigns) == 3
    row.refresh_from_db()
    assert row.sent_at is not None


def test_people_who_left_receive_nothing(audience, topics, changed, deliver):
    from newsletter import services

    lithium, _ = topics
    news("Brine news", lithium)
    services.unsubscribe(Subscriber.objects.get(email="dan@uni.example.org"), "test")
    deliver()

    send_digests()

    everyone = {address for c in audience.sent_campaigns for address in c["recipients"]}
    assert "dan@uni.example.org" not in everyone
    assert everyone == {"ana@uni.example.org", "bea@uni.example.org", "carla@uni.example.org"}
