"""The webhook endpoint, fed bodies exactly as Mailchimp posts them.

Mailchimp sends `application/x-www-form-urlencoded` with PHP-style keys
(`data[merges][FNAME]`), from "MailChimp.com", delivers at least once, and
validates the URL with a GET. Changes it reports must land locally without
being queued back to Mailchimp.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
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
    client = Client(enforce_csrf_checks=True, HTTP_USER_AGENT="MailChimp.com")
    client.mailchimp = mailchimp
    return client


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


def test_a_subscribe_for_someone_who_left_asks_for_double_opt_in(mc_client, deliver) -> None:
    """Mailchimp saying `subscribe` is no opt-in the site can check (an admin there
    can add anyone): someone who left on the site becomes pending, and Mailchimp is
    asked for `pending`, so it sends its confirmation e-mail. (This replaces the old
    behaviour, which re-subscribed them outright.)"""
    mailchimp = mc_client.mailchimp
    mailchimp.add_member(ANA, status="subscribed")  # e.g. re-added by an admin there
    person = subscriber(
        status=SubscriberStatus.UNSUBSCRIBED, unsubscribed_at=datetime(2026, 1, 1, tzinfo=UTC)
    )
    response = post(mc_client, subscribe_body())
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.status == SubscriberStatus.PENDING
    change = PendingChange.objects.get(subscriber=person)
    assert change.reconfirm

    deliver()
    assert mailchimp.member(ANA)["status"] == "pending"
    assert (LIST, ANA) in mailchimp.confirmation_emails

    # They confirm in Mailchimp's e-mail: Mailchimp sends `subscribe` again.
    post(mc_client, subscribe_body())  # Mailchimp retrying the first event: no opt-in
    person.refresh_from_db()
    assert person.status == SubscriberStatus.PENDING
    mailchimp.set_member_status(ANA, "subscribed", by="user")  # they clicked the link
    later = timezone.now() + timedelta(seconds=2)
    confirmed = mailchimp.webhook_body("subscribe", ANA, fired_at=later)
    assert post(mc_client, confirmed).status_code == 200
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


# ---------------------------------------------------------------- what the webhook trusts

MALFORMED = {
    "no type": urlencode([("fired_at", FIRED), ("data[list_id]", LIST), ("data[email]", ANA)]),
    "unknown type": body("resubscribe", list_id=LIST, email=ANA),
    "type as a group": urlencode([("type[x]", "subscribe"), ("fired_at", FIRED)])
    + "&data%5Blist_id%5D=aud1&data%5Bemail%5D=ana.rojas%40litio.cl",
    "no data": urlencode([("type", "subscribe"), ("fired_at", FIRED)]),
    "no data[email]": body("subscribe", list_id=LIST, merges__FNAME="Ana"),
    "data[email] as a group": body("unsubscribe", list_id=LIST, email__x=ANA),
    "value and group at once": subscribe_body() + "&data%5Bemail%5D%5Bx%5D=1",
    "INTERESTS as a group": subscribe_body(merges__INTERESTS__0="Recycling").replace(
        "data%5Bmerges%5D%5BINTERESTS%5D=&", ""
    ),
    "merges as text": body("profile", list_id=LIST, email=ANA, merges="x"),
    "GROUPINGS as text": body("profile", list_id=LIST, email=ANA, merges__GROUPINGS="Topics"),
    "no fired_at": urlencode(
        [("type", "unsubscribe"), ("data[list_id]", LIST), ("data[email]", ANA)]
    ),
    "fired_at not a time": unsubscribe_body(fired_at="yesterday"),
    "fired_at not a date": unsubscribe_body(fired_at="2026-02-31 10:00:00"),
    "fired_at as ISO with zone": unsubscribe_body(fired_at="2026-03-26T21:35:57+05:00"),
    "repeated type": unsubscribe_body() + "&type=subscribe",
    "repeated email": unsubscribe_body() + "&data%5Bemail%5D=other%40litio.cl",
    "NUL in a name": subscribe_body(merges__FNAME="An\x00a"),
    "no list id": body("unsubscribe", email=ANA),
    "list id as a group": body("unsubscribe", list_id__0=LIST, email=ANA),
    "odd key": unsubscribe_body() + "&data%5Bemail%5D%5B%3Cscript%3E%5D=1",
    "upemail without new address": body("upemail", list_id=LIST, old_email=ANA),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_a_malformed_body_is_400_and_changes_nothing(mc_client, name, local_changes) -> None:
    person = subscriber()
    response = post(mc_client, MALFORMED[name])
    assert response.status_code == 400, response.content
    person.refresh_from_db()
    assert person.status == SubscriberStatus.SUBSCRIBED
    assert person.first_name == "" and person.mailchimp_last_changed is None
    assert Subscriber.objects.count() == 1 and local_changes == []


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "text/plain", "multipart/form-data; boundary=x", ""],
)
def test_a_body_that_is_not_a_form_is_400(mc_client, content_type) -> None:
    person = subscriber()
    data = json.dumps({"type": "unsubscribe", "data": {"email": ANA, "list_id": LIST}})
    if content_type.startswith("text/plain"):
        data = unsubscribe_body()  # a form, but not declared as one
    response = mc_client.post(URL, data=data, content_type=content_type)
    assert response.status_code == 400
    person.refresh_from_db()
    assert person.status == SubscriberStatus.SUBSCRIBED


def test_a_huge_body_is_400_before_it_is_parsed(mc_client) -> None:
    person = subscriber()
    response = post(mc_client, unsubscribe_body(filler="x" * 200_000))
    assert response.status_code == 400
    person.refresh_from_db()
    assert person.status == SubscriberStatus.SUBSCRIBED


def test_many_fields_are_400(mc_client) -> None:
    person = subscriber()
    extra = "&".join(f"data%5Bf{i}%5D=1" for i in range(1500))
    response = post(mc_client, unsubscribe_body() + "&" + extra)
    assert response.status_code == 400
    person.refresh_from_db()
    assert person.status == SubscriberStatus.SUBSCRIBED


@pytest.mark.parametrize(
    "address", ["not-an-address", "ana@", "ana rojas@litio.cl", "a" * 250 + "@litio.cl", "@x.cl"]
)
def test_subscribe_with_an_invalid_address_stores_nothing(mc_client, address) -> None:
    """Well formed, so answered 200 (retrying cannot help), but nothing is stored."""
    response = post(mc_client, subscribe_body(email=address))
    assert response.status_code == 200
    assert response.content == b"ignored: invalid address"
    assert Subscriber.objects.count() == 0


def test_fired_at_far_in_the_future_is_refused(mc_client) -> None:
    person = subscriber()
    future = (timezone.now() + timedelta(days=365)).strftime("%Y-%m-%d %H:%M:%S")
    assert post(mc_client, unsubscribe_body(fired_at=future)).status_code == 400
    person.refresh_from_db()
    assert person.status == SubscriberStatus.SUBSCRIBED
    assert person.mailchimp_last_changed is None


def test_fired_at_a_little_ahead_is_taken_as_now_and_does_not_hide_later_events(
    mc_client,
) -> None:
    """A stamp within the clock skew is applied at our time, so the next genuine event
    (a second later) is not ignored as stale."""
    person = subscriber()
    ahead = (timezone.now() + timedelta(minutes=4)).strftime("%Y-%m-%d %H:%M:%S")
    profile = body("profile", fired_at=ahead, list_id=LIST, email=ANA, merges__FNAME="Ana")
    assert post(mc_client, profile).status_code == 200
    person.refresh_from_db()
    assert person.mailchimp_last_changed <= timezone.now()

    later = (timezone.now() + timedelta(seconds=1)).strftime("%Y-%m-%d %H:%M:%S")
    assert post(mc_client, unsubscribe_body(fired_at=later)).status_code == 200
    person.refresh_from_db()
    assert person.status == SubscriberStatus.UNSUBSCRIBED


def test_a_future_mark_stored_earlier_does_not_hide_genuine_events(mc_client) -> None:
    """Records poisoned before fired_at was checked heal: a mark in the future is disregarded."""
    person = subscriber(mailchimp_last_changed=datetime(2099, 1, 1, tzinfo=UTC))
    now = (timezone.now() + timedelta(seconds=1)).strftime("%Y-%m-%d %H:%M:%S")
    assert post(mc_client, unsubscribe_body(fired_at=now)).status_code == 200
    person.refresh_from_db()
    assert person.status == SubscriberStatus.UNSUBSCRIBED


# ---------------------------------------------------------------- group names with commas

TRICKY = [
    ("cell-design-manufacturing-and-scale-up", None),
    ("battery-management-modelling-and-testing", None),
    ("anode-materials", 'Ánodos de "silicio", grafito y más'),
    ("recycling-and-circular-supply-chains", None),
]


@pytest.fixture
def tricky_topics(mc_client) -> list[Topic]:
    """Topics linked to interests whose names hold commas, quotes and accents, set up in
    the fake as the setup command would (same names, same ids)."""
    fake = mc_client.mailchimp
    cid = fake.create_interest_category("Topics")
    SyncState.set_value("interest-category-id", cid)
    made = []
    for slug, name in TRICKY:
        topic = Topic.objects.get(slug=slug)
        name = name or topic.name
        TopicInterest.objects.create(
            topic=topic, interest_id=fake.create_interest(cid, name), name=name
        )
        made.append(topic)
    return made


@pytest.mark.parametrize("kind", ["subscribe", "profile"])
def test_topic_names_with_commas_quotes_and_accents_survive_webhooks(
    mc_client, tricky_topics, kind, changed, deliver
) -> None:
    """The fake's payload names the groups joined by ", " as Mailchimp does; the site
    keeps every chosen topic, and the next local change keeps them in Mailchimp too."""
    fake = mc_client.mailchimp
    cell, bms, anode, recycling = tricky_topics
    chosen = [cell, anode, recycling]
    interests = {TopicInterest.objects.get(topic=t).interest_id: True for t in chosen}
    fake.add_member(ANA, merge_fields={"FNAME": "Ana"}, interests=interests)
    person = subscriber()
    person.topics.set([bms])

    fired = timezone.now().replace(microsecond=0)
    response = post(mc_client, fake.webhook_body(kind, ANA, fired_at=fired))
    assert response.status_code == 200
    assert set(person.topics.all()) == set(chosen)

    changed(person)  # any later local change sends every interest, true or false
    deliver()
    sent = fake.rendered_member(ANA)["interests"]
    assert {iid for iid, on in sent.items() if on} == set(interests)


@pytest.mark.parametrize(
    "groups",
    [
        'Cell design\\, manufacturing and scale-up, Ánodos de "silicio"\\, grafito y más',
        'Cell design\\\\, manufacturing and scale-up,Ánodos de "silicio", grafito y más',
        "Cell design, manufacturing and scale-up, Ánodos de &quot;silicio&quot;, grafito y más",
        'cell design,  manufacturing and scale-up, Unknown group, Ánodos de "silicio", '
        "grafito y más",
    ],
)
def test_escaped_and_unescaped_commas_in_group_names_are_read(
    mc_client, tricky_topics, groups
) -> None:
    cell, bms, anode, recycling = tricky_topics
    person = subscriber()
    person.topics.set([recycling])
    data = body("profile", list_id=LIST, email=ANA, merges__INTERESTS=groups)
    assert post(mc_client, data).status_code == 200
    assert set(person.topics.all()) == {cell, anode}


# ---------------------------------------------------------------- contacts deleted there


def test_unsubscribe_with_action_delete_records_the_contact_as_archived(mc_client) -> None:
    from newsletter.mailchimp.models import ArchivedContact

    person = subscriber()
    fake = mc_client.mailchimp
    fake.add_member(ANA)
    fake.archive_in_mailchimp(ANA)
    assert (
        post(mc_client, fake.webhook_body("unsubscribe", ANA, action="delete")).status_code == 200
    )
    person.refresh_from_db()
    assert person.status == SubscriberStatus.UNSUBSCRIBED
    assert ArchivedContact.holds(ANA)


def test_an_address_merge_field_as_a_group_is_accepted(mc_client) -> None:
    """Mailchimp sends address merge fields as `merges[ADDRESS][addr1]`, ...: well formed."""
    data = subscribe_body(merges__ADDRESS__addr1="Av. Siempre Viva 1", merges__ADDRESS__city="Lima")
    assert post(mc_client, data).status_code == 200
    assert Subscriber.objects.get(email=ANA).status == SubscriberStatus.SUBSCRIBED


def test_a_late_subscribe_from_before_a_deletion_leaves_the_contact_deleted(mc_client) -> None:
    from newsletter.mailchimp.models import ArchivedContact

    person = subscriber()
    post(mc_client, unsubscribe_body(action="delete"))
    earlier = body("subscribe", fired_at="2026-03-25 10:00:00", list_id=LIST, email=ANA)
    assert post(mc_client, earlier).status_code == 200
    person.refresh_from_db()
    assert person.status == SubscriberStatus.UNSUBSCRIBED
    assert ArchivedContact.holds(ANA)
