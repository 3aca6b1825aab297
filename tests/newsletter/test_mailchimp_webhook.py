"""The webhook endpoint, fed bodies exactly as Mailchimp posts them.

Mailchimp sends `application/x-www-form-urlencoded` with PHP-style keys
(`data[merges][FNAME]`), from "MailChimp.com", delivers at least once, and
validates the URL with a GET. Changes it reports must land locally without
being queued back to Mailchimp.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from directory.models import Topic
from newsletter.mailchimp.models import PendingChange, SyncState, TopicInterest
from newsletter.models import Subscriber, SubscriberStatus
from tests.newsletter.conftest import WEBHOOK_SECRET

pytestmark = pytest.mark.django_db

LIST = "aud1"
URL = f"/newsletter/mailchimp/webhook/{WEBHOOK_SECRET}/"
ANA = "ana.rojas@litio.cl"
FIRED = "2026-03-26 21:35:57"
FIRED_AT = datetime(2026, 3, 26, 21, 35, 57, tzinfo=UTC)


def body(kind: str, fired_at: str = FIRED, **data: str) -> str:
    """A form body in Mailchimp's order and key style: type, fired_at, data[...]."""
    pairs = [("type", kind), ("fired_at", fired_at)]
    pairs += [(f"data[{key.replace('__', '][')}]", value) for key, value in data.items()]
    return urlencode(pairs)


def subscribe_body(email: str = ANA, **extra: str) -> str:
    fields = {
        "id": "8a25ff1d98",
        "list_id": LIST,
        "email": email,
        "email_type": "html",
        "ip_opt": "10.20.10.30",
        "ip_signup": "10.20.10.30",
        "web_id": "4321",
        "merges__EMAIL": email,
        "merges__FNAME": "Ana",
        "merges__LNAME": "Rojas",
        "merges__INTERESTS": "",
        **extra,
    }
    return body("subscribe", **fields)


def unsubscribe_body(email: str = ANA, fired_at: str = FIRED, **extra: str) -> str:
    fields = {
        "action": "unsub",
        "reason": "manual",
        "id": "8a25ff1d98",
        "list_id": LIST,
        "email": email,
        "email_type": "html",
        "ip_opt": "10.20.10.30",
        "web_id": "4321",
        "campaign_id": "cb398d21d2",
        "merges__EMAIL": email,
        "merges__FNAME": "Ana",
        "merges__LNAME": "Rojas",
        "merges__INTERESTS": "",
        **extra,
    }
    return body("unsubscribe", fired_at=fired_at, **fields)


@pytest.fixture
def mc_client(mailchimp) -> Client:
    """A client that enforces CSRF like a browser would: the webhook must be exempt."""
    return Client(enforce_csrf_checks=True, HTTP_USER_AGENT="MailChimp.com")


def post(client: Client, data: str, url: str = URL):
    return client.post(url, data=data, content_type="application/x-www-form-urlencoded")


def subscriber(status: str = SubscriberStatus.SUBSCRIBED, **fields) -> Subscriber:
    return Subscriber.objects.create(email=ANA, status=status, **fields)


def test_get_validation_answers_200(mc_client) -> None:
    response = mc_client.get(URL, HTTP_USER_AGENT="MailChimp.com WebHook Validator")
    assert response.status_code == 200


@pytest.mark.parametrize("url", ["/newsletter/mailchimp/webhook/wrong/", URL[:-2] + "X/"])
def test_wrong_secret_is_404_and_changes_nothing(mc_client, url, local_changes) -> None:
    person = subscriber()
    assert mc_client.get(url).status_code == 404
    assert post(mc_client, unsubscribe_body(), url).status_code == 404
    person.refresh_from_db()
    assert person.status == SubscriberStatus.SUBSCRIBED


def test_without_mailchimp_settings_the_endpoint_does_not_exist(settings, client) -> None:
    settings.MAILCHIMP_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.MAILCHIMP_API_KEY = ""
    assert client.get(URL).status_code == 404


def test_subscribe_creates_a_subscribed_person_and_queues_nothing(mc_client, local_changes) -> None:
    response = post(mc_client, subscribe_body())
    assert response.status_code == 200
    person = Subscriber.objects.get(email=ANA)
    assert person.status == SubscriberStatus.SUBSCRIBED
    assert (person.first_name, person.last_name) == ("Ana", "Rojas")
    assert person.confirmed_at == FIRED_AT
    assert local_changes == [] and PendingChange.objects.count() == 0


def test_subscribe_confirms_a_pending_person(mc_client) -> None:
    person = subscriber(status=SubscriberStatus.PENDING)
    Subscriber.objects.filter(pk=person.pk).update(created_at=datetime(2026, 3, 1, tzinfo=UTC))
    post(mc_client, subscribe_body())
    person.refresh_from_db()
    assert person.status == SubscriberStatus.SUBSCRIBED
    assert person.mailchimp_last_changed == FIRED_AT


def test_unsubscribe_is_applied_once_and_replays_change_nothing(mc_client, local_changes) -> None:
    person = subscriber()
    assert post(mc_client, unsubscribe_body()).status_code == 200
    person.refresh_from_db()
    assert person.status == SubscriberStatus.UNSUBSCRIBED
    assert person.unsubscribed_at == FIRED_AT
    first = (person.status, person.unsubscribed_at, person.updated_at)

    assert post(mc_client, unsubscribe_body()).status_code == 200  # Mailchimp retried
    person.refresh_from_db()
    assert (person.status, person.unsubscribed_at, person.updated_at) == first
    assert local_changes == [] and PendingChange.objects.count() == 0


def test_unsubscribe_by_deletion_also_takes_the_person_off(mc_client) -> None:
    person = subscriber()
    post(mc_client, unsubscribe_body(action="delete"))
    person.refresh_from_db()
    assert person.status == SubscriberStatus.UNSUBSCRIBED


def test_cleaned_marks_the_address_cleaned(mc_client) -> None:
    person = subscriber()
    data = body("cleaned", list_id=LIST, campaign_id="4fjk2ma9xd", reason="hard", email=ANA)
    assert post(mc_client, data).status_code == 200
    person.refresh_from_db()
    assert person.status == SubscriberStatus.CLEANED


def test_a_late_event_older_than_the_record_is_ignored(mc_client) -> None:
    person = subscriber(mailchimp_last_changed=datetime(2026, 3, 27, tzinfo=UTC))
    post(mc_client, unsubscribe_body())  # fired on the 26th, delivered late
    person.refresh_from_db()
    assert person.status == SubscriberStatus.SUBSCRIBED


def test_an_old_subscribe_never_undoes_a_newer_local_unsubscribe(mc_client) -> None:
    person = subscriber(
        status=SubscriberStatus.UNSUBSCRIBED, unsubscribed_at=datetime(2026, 3, 27, tzinfo=UTC)
    )
    post(mc_client, subscribe_body())
    person.refresh_from_db()
    assert person.status == SubscriberStatus.UNSUBSCRIBED


def test_a_new_subscribe_after_leaving_brings_the_person_back(mc_client) -> None:
    person = subscriber(
        status=SubscriberStatus.UNSUBSCRIBED, unsubscribed_at=datetime(2026, 1, 1, tzinfo=UTC)
    )
    post(mc_client, subscribe_body())  # they opted in again on Mailchimp's form
    person.refresh_from_db()
    assert person.status == SubscriberStatus.SUBSCRIBED


def test_profile_updates_names_language_and_interests(mc_client) -> None:
    dle = Topic.objects.get(slug="direct-lithium-extraction")
    recycling = Topic.objects.get(slug="recycling-and-circular-supply-chains")
    TopicInterest.objects.create(topic=dle, interest_id="a1", name=dle.name)
    TopicInterest.objects.create(topic=recycling, interest_id="b2", name=recycling.name)
    SyncState.set_value("interest-category-id", "cat9")
    person = subscriber()
    person.topics.set([dle])
    data = body(
        "profile",
        id="8a25ff1d98",
        list_id=LIST,
        email=ANA,
        email_type="html",
        ip_opt="10.20.10.30",
        web_id="4321",
        merges__EMAIL=ANA,
        merges__FNAME="Ana María",
        merges__LNAME="Rojas Díaz",
        merges__MC_LANGUAGE="es_ES",
        merges__INTERESTS=recycling.name,
        merges__GROUPINGS__0__id="101",
        merges__GROUPINGS__0__unique_id="cat9",
        merges__GROUPINGS__0__name="Topics",
        merges__GROUPINGS__0__groups=recycling.name,
    )
    assert post(mc_client, data).status_code == 200
    person.refresh_from_db()
    assert (person.first_name, person.last_name) == ("Ana María", "Rojas Díaz")
    assert person.language == "es"
    assert list(person.topics.all()) == [recycling]


def test_profile_without_interests_leaves_topics_alone(mc_client) -> None:
    dle = Topic.objects.get(slug="direct-lithium-extraction")
    TopicInterest.objects.create(topic=dle, interest_id="a1", name=dle.name)
    person = subscriber()
    person.topics.set([dle])
    post(mc_client, body("profile", list_id=LIST, email=ANA, merges__FNAME="Ana"))
    assert list(person.topics.all()) == [dle]


def test_upemail_moves_the_record_and_is_idempotent(mc_client, local_changes) -> None:
    person = subscriber()
    data = body(
        "upemail",
        list_id=LIST,
        new_id="51aa6d4f9c",
        new_email="ana@nuevo-litio.cl",
        old_email=ANA,
    )
    assert post(mc_client, data).content == b"moved"
    assert post(mc_client, data).status_code == 200  # replay
    person.refresh_from_db()
    assert person.email == "ana@nuevo-litio.cl"
    assert Subscriber.objects.count() == 1
    assert local_changes == []


def test_another_audience_is_ignored_with_200(mc_client) -> None:
    person = subscriber()
    response = post(mc_client, unsubscribe_body(list_id="someotherlist"))
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.status == SubscriberStatus.SUBSCRIBED


def test_campaign_events_and_unknown_addresses_are_ignored(mc_client) -> None:
    campaign = body("campaign", id="5aa2102003", subject="Test", status="sent", list_id=LIST)
    assert post(mc_client, campaign).status_code == 200
    assert post(mc_client, unsubscribe_body(email="nobody@litio.cl")).status_code == 200
    assert Subscriber.objects.count() == 0


def test_a_body_that_is_not_a_webhook_is_400(mc_client) -> None:
    assert post(mc_client, "hello=world").status_code == 400


def test_unsubscribe_of_a_person_who_just_signed_up_again_is_ignored(mc_client) -> None:
    """A late unsubscribe from before a new sign-up must not throw the person out."""
    subscriber(status=SubscriberStatus.PENDING, confirmation_sent_at=timezone.now())
    post(mc_client, unsubscribe_body())
    assert Subscriber.objects.get(email=ANA).status == SubscriberStatus.PENDING
